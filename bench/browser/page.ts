/**
 * The browser benchmark's page (bundled by `bench/browserSync.ts`): the app's own store and sync
 * code on the browser's real IndexedDB (RxDB, dexie storage), and PouchDB (`pouchdb-browser`,
 * IndexedDB adapter) beside it, in one page of one origin; and the catch-up bench's site tablet
 * (`tablet.ts`). The driver calls `window.bench.*`.
 */
import { localStorageDexie } from '../../app/src/store/fewerReads';
import PouchDB from 'pouchdb-browser';
import indexeddb from 'pouchdb-adapter-indexeddb';
import type { SyncRow } from '../../shared/src';
import { openLocalStore } from '../../app/src/store/localStore';
import { startSync } from '../../app/src/store/syncEngine';
import { tablet } from './tablet';

PouchDB.plugin(indexeddb);

/** The bench's facts: attachment descriptions, as the Node bench and a site tablet record them. */
const fact = (i: number) => ({ sha256: i.toString(16).padStart(64, '0'), about: `request:req-${i % 97}`, mime: 'image/jpeg' as const, size: 20_000 + i, at: 1_790_000_000_000 + i });

let rows: SyncRow[] = [];
let counter = 0;

const open = (userId: string, name: string) =>
  openLocalStore({ userId, storage: localStorageDexie(), loadAutomerge: () => import('@automerge/automerge'), databaseName: name });

/**
 * Ours: replica A holds `docs` facts (recorded before the clock starts); timed from starting its
 * sync until the server acknowledged all of them, plus a fresh replica B pulling them all.
 */
async function ours(options: { userId: string; siteId: string; docs: number; first: number; pushBatchSize: number; pullBatchSize: number }): Promise<{ ms: number; pushMs: number; held: number }> {
  const { userId, siteId, docs, first } = options;
  const a = await open(userId, `bench-a-${++counter}-${first}`);
  for (let i = 0; i < docs; i += 500) {
    await a.facts.appendMany('attachment', Array.from({ length: Math.min(500, docs - i) }, (_, k) => fact(first + i + k)), siteId);
  }
  rows = (await a.db.rows.find().exec()).map((d) => d.toJSON() as SyncRow);
  const sync = { baseUrl: '', fetch: globalThis.fetch.bind(globalThis), live: false, pushBatchSize: options.pushBatchSize, pullBatchSize: options.pullBatchSize, retryTimeMs: 200 };
  const started = performance.now();
  const syncA = startSync(a, sync);
  await syncA.awaitInSync();
  const pushMs = performance.now() - started;
  const b = await open(userId, `bench-b-${counter}-${first}`);
  const syncB = startSync(b, sync);
  await syncB.awaitInSync();
  const ms = performance.now() - started;
  const held = await b.db.rows.count().exec();
  const waiting = (await a.book.outboxIds()).length;
  if (waiting > 0) throw new Error(`replica A still has ${waiting} rows waiting after its sync`);
  await syncA.stop();
  await syncB.stop();
  await a.db.remove();
  await b.db.remove();
  return { ms, pushMs, held };
}

/** PouchDB: the same documents, local → the store (`replicate.to`), then a fresh local ← the store. */
async function pouch(options: { remote: string; batchSize: number }): Promise<{ ms: number; pushMs: number; held: number }> {
  const local = new PouchDB(`pouch-a-${++counter}`, { adapter: 'indexeddb' });
  const fresh = new PouchDB(`pouch-b-${counter}`, { adapter: 'indexeddb' });
  for (let i = 0; i < rows.length; i += 500) await local.bulkDocs(rows.slice(i, i + 500).map((row) => ({ ...row, _id: row.id })));
  const remote = new URL(options.remote, location.href).href;
  const started = performance.now();
  await local.replicate.to(remote, { batch_size: options.batchSize });
  const pushMs = performance.now() - started;
  await fresh.replicate.from(remote, { batch_size: options.batchSize });
  const ms = performance.now() - started;
  const held = (await fresh.info()).doc_count;
  await local.destroy();
  await fresh.destroy();
  return { ms, pushMs, held };
}

(globalThis as unknown as { bench: object }).bench = { ours, pouch, rowsHeld: () => rows.length, tablet };

/**
 * Driven over HTTP (`?driven`, see `openDrivenBrowser`): no DevTools client attached, the page
 * asks the bench's origin for its next step, runs it and posts the answer (or the failure) back.
 */
async function driven(): Promise<never> {
  const steps = tablet as unknown as Record<string, (options: unknown) => Promise<unknown>>;
  for (;;) {
    const next = await fetch('/bench/next');
    if (next.status !== 200) continue;
    const { id, step, options } = (await next.json()) as { id: number; step: string; options: unknown };
    const answer = await steps[step]!(options).then(
      (value) => ({ id, value: value ?? null }),
      (error: unknown) => ({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
    await fetch('/bench/answer', { method: 'POST', body: JSON.stringify(answer) });
  }
}
if (new URLSearchParams(location.search).has('driven')) void driven();
