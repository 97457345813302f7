/**
 * The replica id in a real browser (`app/src/store/replicaName.ts`, Web Locks): tabs open on one
 * database at the same time share one id, so none is hinted by or pulls back what another pushed;
 * an opening while no tab is open takes a new one, so a copy of the database (a restored profile,
 * a cloned image) never goes on under its original's id — also when the last tab died rather than
 * closed (the browser releases a dead tab's locks).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { replicaNameFor as ReplicaNameFor } from '../../app/src/store/replicaName';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness';

let browser: Browser;
let context: BrowserContext;
let server: Server;
let origin = '';

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL('../../app/src/store/replicaName.ts', import.meta.url).pathname],
    bundle: true, format: 'iife', globalName: 'replicaName', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
    alias: { '@seal/shared': new URL('../../shared/src/index.ts', import.meta.url).pathname },
  });
  const script = bundle.outputFiles[0]!.text;
  // A page of its own origin on loopback (Web Locks need a secure context: about:blank is not one).
  server = createServer((req, res) => {
    if (req.url === '/replicaName.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>tab</title><script src="/replicaName.js"></script>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  context = await browser.newContext();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** A tab opening the database `db`: its replica id (the database's book kept in the origin's localStorage, shared by its tabs as IndexedDB is). */
async function openTab(db: string): Promise<{ page: Page; id: string }> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const id = await page.evaluate(async (name) => {
    const book = {
      state: (key: string) => Promise.resolve(JSON.parse(localStorage.getItem(`${name}/${key}`) ?? 'null') as unknown),
      setState: (key: string, value: unknown) => Promise.resolve(localStorage.setItem(`${name}/${key}`, JSON.stringify(value))),
    };
    const { replicaNameFor } = (globalThis as unknown as { replicaName: { replicaNameFor: typeof ReplicaNameFor } }).replicaName;
    const opened = await replicaNameFor(name, book);
    (globalThis as unknown as { release: () => void }).release = () => opened.release();
    return opened.id;
  }, db);
  return { page, id };
}

const release = (page: Page) => page.evaluate(() => (globalThis as unknown as { release: () => void }).release());

describe('the replica id of the tabs open on a database', () => {
  it('is shared by tabs open at once, kept while one stays open, and new once none is', async () => {
    const first = await openTab('tablet-db');
    const second = await openTab('tablet-db');
    expect(second.id).toBe(first.id);
    // Another database of the same origin (another user's store) has its own.
    const other = await openTab('other-db');
    expect(other.id).not.toBe(first.id);

    await release(first.page);
    const third = await openTab('tablet-db');
    expect(third.id).toBe(first.id);

    await release(second.page);
    await release(third.page);
    // No tab is open: what opens the database now may be a copy of it (restored, cloned).
    const fourth = await openTab('tablet-db');
    expect(fourth.id).not.toBe(first.id);
    expect(fourth.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('is new after the last tab died without closing the store', async () => {
    const tab = await openTab('crashed-db');
    await tab.page.close();
    await expect.poll(async () => (await openTabAndRelease('crashed-db')) !== tab.id).toBe(true);
  });
});

/** Opens a tab on `db`, notes its id, and closes it again. */
async function openTabAndRelease(db: string): Promise<string> {
  const { page, id } = await openTab(db);
  await page.close();
  return id;
}
