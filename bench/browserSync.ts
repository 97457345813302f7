/**
 * The browser half of `sync.bench.ts`: the app's store and sync code in real Chromium (RxDB on the
 * browser's IndexedDB) beside PouchDB in the same page (`pouchdb-browser`, IndexedDB adapter),
 * replicating the same documents through the same embedded store in the same run.
 *
 * One origin serves it all, as a deployment would: a small loopback proxy answers the page and
 * its bundle, passes `/api/*` to the sync-server (with the bench person's session, as the
 * browser's cookie would) and `/store/*` to the embedded store (with its credential, as a
 * CouchDB behind the same origin would be reached by PouchDB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The page's bundle: app store code, RxDB (dexie), Automerge, PouchDB. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [here('./browser/page.ts')],
    bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', minify: process.env.BENCH_MINIFY !== "0",
    alias: {
      '@seal/shared': here('../shared/src/index.ts'), '@seal/device-bridge': here('../device-bridge/src/index.ts'),
      // Automerge with its wasm inlined (the app fetches it; the bench page has no asset pipeline).
      '@automerge/automerge': here('../node_modules/@automerge/automerge/dist/mjs/entrypoints/fullfat_base64.js'),
    },
    define: { 'import.meta.env.PROD': 'true', global: 'globalThis' },
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

function forward(target: URL, headers: Record<string, string>, req: IncomingMessage, res: ServerResponse, path: string): void {
  const { origin: _origin, host: _host, ...passed } = req.headers;
  const upstream = httpRequest({ hostname: target.hostname, port: target.port, path, method: req.method, headers: { ...passed, ...headers } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    res.writeHead(502);
    res.end(String(error));
  });
  req.pipe(upstream);
}

export interface BrowserBench {
  readonly page: Page;
  /** Sends the page's `/api/*` to another sync-server, with that person's session (each round its own databases, as PouchDB's). */
  use(server: string, cookie: string): void;
  /** The page's URL for a store database (`/store/<name>`). */
  storePath(name: string): string;
  close(): Promise<void>;
}

/** A step the driver asks a page driven over HTTP to run (`globalThis.bench.tablet[step](options)`). */
interface Command {
  readonly id: number;
  readonly step: string;
  readonly options: unknown;
}

/**
 * The bench's origin: the page and its bundle, `/api/*` to the sync-server with the bench
 * person's session, `/store/*` to the embedded store with its credential, and `/bench/*`, the
 * commands of a page driven over HTTP (`openDrivenBrowser`) and its answers.
 */
async function startProxy(server: string, cookie: string, store: string) {
  const script = await bundle();
  const storeUrl = new URL(store);
  const storeAuth = `Basic ${Buffer.from(`${decodeURIComponent(storeUrl.username)}:${decodeURIComponent(storeUrl.password)}`).toString('base64')}`;
  let serverUrl = new URL(server);
  let session = cookie;
  const commands: Command[] = [];
  let polling: ServerResponse | undefined;
  const answers = new Map<number, (answer: { value?: unknown; error?: string }) => void>();
  const hand = () => {
    const next = polling && commands.shift();
    if (!polling || !next) return;
    polling.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(next));
    polling = undefined;
  };
  const proxy: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/' || url.startsWith('/?') || url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sync bench</title><script type="module" src="/bench.js"></script></head><body></body></html>');
    } else if (url === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
    } else if (url === '/bench/next') {
      polling = res;
      hand();
    } else if (url === '/bench/answer') {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => {
        const { id, ...answer } = JSON.parse(Buffer.concat(parts).toString()) as { id: number; value?: unknown; error?: string };
        answers.get(id)?.(answer);
        answers.delete(id);
        res.writeHead(204).end();
      });
    } else if (url.startsWith('/api/')) {
      forward(serverUrl, { cookie: session }, req, res, url);
    } else if (url.startsWith('/store/')) {
      forward(storeUrl, { authorization: storeAuth }, req, res, url.slice('/store'.length));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  proxy.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  let counter = 0;
  return {
    origin: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    use(nextServer: string, nextCookie: string) {
      serverUrl = new URL(nextServer);
      session = nextCookie;
    },
    /** Has the page driven over HTTP run a step; its answer, or its failure thrown. */
    ask<T>(step: string, options: unknown): Promise<T> {
      const id = ++counter;
      return new Promise<T>((done, fail) => {
        answers.set(id, (answer) => (answer.error === undefined ? done(answer.value as T) : fail(new Error(`the page failed at ${step}: ${answer.error}`))));
        commands.push({ id, step, options });
        hand();
      });
    },
    async close() {
      polling?.writeHead(204).end();
      proxy.closeAllConnections();
      await new Promise((done) => proxy.close(done));
    },
  };
}

/**
 * Starts the proxy and Chromium on the bench page. `server`: the sync-server's URL; `cookie`:
 * the bench person's session; `store`: the embedded store's URL with its credential.
 */
export async function openBrowserBench(server: string, cookie: string, store: string): Promise<BrowserBench> {
  const proxy = await startProxy(server, cookie, store);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const page = await browser.newPage();
  if (process.env.BENCH_CONSOLE) page.on('console', (m) => console.log(m.text()));
  page.on('pageerror', (error) => console.error('bench page error:', error));
  await page.goto(`${proxy.origin}/`);
  await page.waitForFunction(() => 'bench' in globalThis);
  return {
    page,
    storePath: (name) => `/store/${name}`,
    use: (nextServer, nextCookie) => proxy.use(nextServer, nextCookie),
    async close() {
      await browser.close();
      await proxy.close();
    },
  };
}

/** A bench page in Chromium that no DevTools client watches, driven over HTTP (see `openDrivenBrowser`). */
export interface DrivenBrowser {
  use(server: string, cookie: string): void;
  /** Runs `globalThis.bench.tablet[step](options)` in the page; its answer. */
  ask<T>(step: string, options: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Chromium on the bench page with no DevTools client attached: Playwright watches the network of
 * the pages it drives (every request's body read out for DevTools), which costs the page a few
 * milliseconds a request of hundreds of KB, and the bench's own process the events. A tablet has
 * nothing attached; here the page asks the proxy for its next step and posts its answer back.
 */
export async function openDrivenBrowser(server: string, cookie: string, store: string): Promise<DrivenBrowser> {
  const proxy = await startProxy(server, cookie, store);
  const profile = mkdtempSync(join(tmpdir(), 'bench-chromium-'));
  // A tablet's page is in front: no throttling of a page Chromium may take for one in the background.
  const foreground = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'];
  const child = spawn(CHROMIUM, ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', ...foreground, `--user-data-dir=${profile}`, `${proxy.origin}/?driven`], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  return {
    use: (nextServer, nextCookie) => proxy.use(nextServer, nextCookie),
    ask: (step, options) => proxy.ask(step, options),
    async close() {
      child.kill();
      await exited;
      await proxy.close();
      // Chromium's helper processes may still be writing the profile as the browser ends.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
      } catch (error) {
        console.warn(`could not remove the bench browser's profile ${profile}:`, error);
      }
    },
  };
}

export interface BrowserRun {
  readonly ms: number;
  readonly pushMs: number;
  readonly held: number;
}

/** How many runs of ours were profiled (`BROWSER_PROF`). */
let profiled = 0;

/**
 * Ours in the page: `docs` facts up and down again (see `bench/browser/page.ts`). With
 * BROWSER_PROF=<dir>, the page's CPU profile of each run is written there (the page's JavaScript
 * only: IndexedDB's own work is in the browser's process).
 */
export async function oursInPage(bench: BrowserBench, options: { userId: string; siteId: string; docs: number; first: number }): Promise<BrowserRun> {
  const run = () => bench.page.evaluate((o) => (globalThis as unknown as { bench: { ours(o: object): Promise<BrowserRun> } }).bench.ours(o), { ...options, pushBatchSize: 500, pullBatchSize: 1000 });
  const dir = process.env.BROWSER_PROF;
  if (!dir) return run();
  const session = await bench.page.context().newCDPSession(bench.page);
  await session.send('Profiler.enable');
  await session.send('Profiler.start');
  const result = await run();
  const { profile } = await session.send('Profiler.stop');
  writeFileSync(join(dir, `ours-${++profiled}.cpuprofile`), JSON.stringify(profile));
  await session.detach();
  return result;
}

/** PouchDB in the page: the same documents the last `oursInPage` made, to `remote` and back. */
export function pouchInPage(bench: BrowserBench, remote: string): Promise<BrowserRun> {
  return bench.page.evaluate((o) => (globalThis as unknown as { bench: { pouch(o: object): Promise<BrowserRun> } }).bench.pouch(o), { remote, batchSize: 500 });
}
