/**
 * Browser-test harness: the real sync-server as a child process serving the built PWA, and
 * Debian's Chromium driven by playwright-core. Every test file starts its own server (fresh
 * DATA_DIR) and browser, and closes both in `afterAll`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const DIST_APP = join(REPO_ROOT, 'dist/app');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface RunningServer {
  /** `http://localhost:PORT`: `localhost`, not 127.0.0.1, because WebAuthn needs a domain rpID. */
  readonly url: string;
  readonly dataDir: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 10 s), then remove the temporary DATA_DIR. */
  stop(): Promise<void>;
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds the PWA when dist/app is missing or older than its sources, so that running the e2e
 * project alone never tests a stale bundle. `npm test` builds first, which makes this a no-op.
 */
export function ensureAppBuilt(): void {
  const index = join(DIST_APP, 'index.html');
  if (existsSync(index)) {
    // The bundle takes in shared/ (the rules, the drawing of a seal) and parts of device-bridge/ too.
    const sources = ['app', 'public', 'shared/src', 'device-bridge/src', 'vite.config.ts'].map((p) => newestMtime(join(REPO_ROOT, p)));
    if (Math.max(...sources) <= statSync(index).mtimeMs) return;
  }
  // A production build, whatever vitest set NODE_ENV to ('test'): otherwise import.meta.env.PROD
  // is false in the bundle and the app tested is not the one shipped.
  const result = spawnSync(join(REPO_ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed (exit ${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

async function waitForHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sync-server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) return;
      lastProblem = `GET /healthz answered ${response.status}: ${await response.text()}`;
    } catch (err) {
      lastProblem = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sync-server was not healthy within ${START_TIMEOUT_MS} ms (${lastProblem}):\n${output()}`);
}

/** A port that was free a moment ago: bind port 0 on loopback, read the port, release it. */
export function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') found(address.port);
        else fail(new Error(`Unexpected probe address ${String(address)}`));
      });
    });
  });
}

/**
 * Starts `sync-server/src/main.ts` on a free port with a fresh DATA_DIR, serving dist/app.
 * The port is chosen here rather than with PORT=0 because the server derives its WebAuthn
 * origin (`http://localhost:PORT`) from PORT. `env` adds to or overrides the server's environment.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  ensureAppBuilt();
  let lastError: unknown;
  // Another process may take the port between the probe and the server's bind: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startServerOnce(String(await freePort()), env);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && err.message.includes('EADDRINUSE'))) throw err;
    }
  }
  throw lastError;
}

async function startServerOnce(port: string, env: Record<string, string>): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seal-e2e-'));
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['sync-server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: port, DATA_DIR: dataDir, STATIC_DIR: DIST_APP, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const output = (): string => log;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_TIMEOUT_MS);
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    // The server prints the address it actually bound (the port it was given, or its own with PORT=0).
    const url = await new Promise<string>((found, fail) => {
      const timer = setTimeout(() => fail(new Error(`sync-server printed no address within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        const match = /listening on http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(log);
        if (match) {
          clearTimeout(timer);
          found(`http://localhost:${match[1]!}`);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`sync-server exited with ${String(code)} before listening:\n${log}`));
      });
    });
    await waitForHealthy(url, child, output);
    return { url, dataDir, output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Chromium flags that keep a headless run quiet and offline-friendly on these machines. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchOptions {
  /** Turns on `navigator.bluetooth` (`--enable-features=WebBluetooth`), off by default on Linux. */
  readonly webBluetooth?: boolean;
}

/** Launches Debian's Chromium headless; playwright's own browser downloads cannot run here. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. Install it with: apt-get update && apt-get install -y chromium`,
    );
  }
  const args = options.webBluetooth ? [...CHROMIUM_ARGS, '--enable-features=WebBluetooth'] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}
