/**
 * Sync: N facts from one replica through the sync-server to a fresh replica, beside PouchDB
 * replicating the same documents through the same store in the same run.
 *
 * Ours: replica A (RxDB, the app's store code) holds N facts; timed from starting its sync until
 * the server acknowledged all N (every row validated: schema, author, id, scope, policy), plus
 * from starting a fresh replica B until it holds all N (checkpointed, scoped pull). PouchDB: a
 * local database with the same N documents replicates to a database of the same embedded store
 * (`replicate.to`), then a fresh local database replicates from it (`replicate.from`); no
 * validation. Both sides use their Node storage: RxDB's dexie storage over fake-indexeddb (the
 * app's storage, emulated) and, for reference, RxDB's memory storage; PouchDB's LevelDB.
 *
 * Then the server against the store (`serverThroughput.ts`: push vs raw `_bulk_docs`, pull vs raw
 * `_changes`, same documents, same store) and the same comparison in real Chromium
 * (`browserSync.ts`: the app's store on IndexedDB beside `pouchdb-browser`, 10,000 documents).
 * Every figure goes into `bench/results/sync.json` by read-modify-write: fields other benches
 * write there stay.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { localStorageDexie } from '../app/src/store/fewerReads';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { RxStorage } from 'rxdb';
import type { SyncRow } from '../shared/src';
import { openLocalStore } from '../app/src/store/localStore';
import { startSync } from '../app/src/store/syncEngine';
import { createUnit, inviteAndRegister, setUpOrganisation, startTestServer, startTestStore, type TestServer, type TestStore } from '../sync-server/src/testing/testServer';
import { median, mergeResult } from './stats';
import { openBrowserBench, oursInPage, pouchInPage } from './browserSync';
import { rawBulkDocs, rawChanges, rawDatabase, serverPull, serverPush } from './serverThroughput';
import { SCOPE_DESIGN, SCOPE_VIEW } from '../sync-server/src/couch/syncDatabases';

const N = Number(process.env.SYNC_BENCH_DOCS ?? 2000);
const ROUNDS = Number(process.env.SYNC_BENCH_ROUNDS ?? 3);
/** Documents the browser runs replicate (the scale: 10,000). */
const BROWSER_DOCS = Number(process.env.SYNC_BENCH_BROWSER_DOCS ?? 10_000);
const BROWSER_ROUNDS = Number(process.env.SYNC_BENCH_BROWSER_ROUNDS ?? 3);
/** Rows pushed and pulled through the server, and through the raw store, per round. */
const SERVER_DOCS = Number(process.env.SYNC_BENCH_SERVER_DOCS ?? 10_000);
/** Which side of the server-against-raw rounds goes first (`SYNC_BENCH_RAW_ORDER=first|second|alternate`, default alternate). */
const RAW_ORDER = process.env.SYNC_BENCH_RAW_ORDER ?? 'alternate';
if (!['first', 'second', 'alternate'].includes(RAW_ORDER)) throw new Error(`SYNC_BENCH_RAW_ORDER must be first, second or alternate, not "${RAW_ORDER}"`);
/** Which parts run (`SYNC_BENCH_PARTS=node,raw,browser`, default all): to re-measure one part alone. */
const PARTS = new Set((process.env.SYNC_BENCH_PARTS ?? 'node,raw,browser').split(','));
const require = createRequire(import.meta.url);

interface PouchLike {
  bulkDocs(docs: object[]): Promise<unknown>;
  info(): Promise<{ doc_count: number }>;
  replicate: { to(url: string, options?: object): Promise<unknown>; from(url: string, options?: object): Promise<unknown> };
  destroy(): Promise<void>;
}
type PouchCtor = new (name: string) => PouchLike;

/** Facts as the site tablet records them: attachment descriptions (content-addressed, ~300 B of JSON). */
const facts = (i: number) => ({ sha256: i.toString(16).padStart(64, '0'), about: `request:req-${i % 97}`, mime: 'image/jpeg' as const, size: 20_000 + i, at: 1_790_000_000_000 + i });

let dbCounter = 0;

/**
 * A sync-server with databases of its own (a fresh prefix) on the shared store, a site and a
 * person there: each measured run syncs exactly its N rows, as PouchDB's run uses a fresh database.
 */
async function freshServer(store: TestStore) {
  const server = await startTestServer(store);
  const admin = await setUpOrganisation(server);
  const siteId = await createUnit(server, admin.cookie, admin.rootUnitId, 'Bench site', 'site');
  const person = await inviteAndRegister(server, admin.cookie, siteId, ['staff'], 'Bench');
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, url: `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`, who: { userId: person.userId, cookie: person.cookie, siteId } };
}

async function ours(url: string, { userId, cookie, siteId }: { userId: string; cookie: string; siteId: string }, storage: () => RxStorage<unknown, unknown>): Promise<{ ms: number; rows: SyncRow[] }> {
  const fetchWithCookie: typeof fetch = (input, init = {}) => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), cookie, 'sec-fetch-site': 'same-origin' } });
  const open = () => openLocalStore({ userId, storage: storage(), loadAutomerge: () => import('@automerge/automerge'), databaseName: `bench-${process.pid}-${++dbCounter}` });
  const a = await open();
  for (let i = 0; i < N; i += 100) await a.facts.appendMany('attachment', Array.from({ length: Math.min(100, N - i) }, (_, k) => facts(dbCounter * 1_000_000 + i + k)), siteId);
  const rows = (await a.db.rows.find().exec()).map((d) => d.toJSON() as SyncRow);
  const options = { baseUrl: url, fetch: fetchWithCookie, live: false, pushBatchSize: 500, pullBatchSize: 1000, retryTimeMs: 200 };
  const started = performance.now();
  const syncA = startSync(a, options);
  await syncA.awaitInSync();
  const b = await open();
  const syncB = startSync(b, options);
  await syncB.awaitInSync();
  const ms = performance.now() - started;
  const held = await b.db.rows.count().exec();
  if (held < N) throw new Error(`the fresh replica holds ${held} rows, expected at least ${N}`);
  await syncA.stop();
  await syncB.stop();
  await a.close();
  await b.close();
  return { ms, rows };
}

async function pouch(storeUrl: string, rows: readonly SyncRow[]): Promise<number> {
  const PouchDB = require('pouchdb-node') as PouchCtor;
  const dir = await mkdtemp(join(tmpdir(), 'bench-pouch-'));
  const local = new PouchDB(join(dir, 'a'));
  const fresh = new PouchDB(join(dir, 'b'));
  const remote = `${storeUrl}/bench_pouch_${process.pid}_${++dbCounter}`;
  await local.bulkDocs(rows.map((row) => ({ ...row, _id: row.id })));
  const started = performance.now();
  await local.replicate.to(remote, { batch_size: 500 });
  await fresh.replicate.from(remote, { batch_size: 500 });
  const ms = performance.now() - started;
  const held = (await fresh.info()).doc_count;
  if (held !== rows.length) throw new Error(`PouchDB's fresh replica holds ${held} docs, expected ${rows.length}`);
  await local.destroy();
  await fresh.destroy();
  await rm(dir, { recursive: true, force: true });
  return ms;
}

export async function run(): Promise<void> {
  const store = await startTestStore();
  const servers: TestServer[] = [];
  const measure = async (storage: () => RxStorage<unknown, unknown>) => {
    const { server, url, who } = await freshServer(store);
    servers.push(server);
    const measured = await ours(url, who, storage);
    await indexCaughtUp(server);
    return measured;
  };
  try {
    if (PARTS.has('node')) {
      const dexie = () => localStorageDexie({ indexedDB, IDBKeyRange }) as RxStorage<unknown, unknown>;
      const memory = () => getRxStorageMemory() as RxStorage<unknown, unknown>;
      // A warm-up of each path (JIT, Automerge, connections), not counted.
      const warm = await measure(memory);
      await pouch(store.embedded.url, warm.rows.slice(0, 200));

      // Three rounds, interleaved; the median of each (2 cores: a neighbour's burst should not decide).
      const times = { dexie: [] as number[], memory: [] as number[], pouch: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const withDexie = await measure(dexie);
        times.dexie.push(withDexie.ms);
        times.memory.push((await measure(memory)).ms);
        times.pouch.push(await pouch(store.embedded.url, withDexie.rows));
      }
      const withDexie = { ms: median(times.dexie) };
      const withMemory = { ms: median(times.memory) };
      const pouchMs = median(times.pouch);
      const perS = (ms: number) => Math.round(N / (ms / 1000));
      const oursPerS = perS(withDexie.ms);
      const pouchPerS = perS(pouchMs);
      console.log(`ours (dexie on fake-indexeddb): ${oursPerS} docs/s · ours (memory storage): ${perS(withMemory.ms)} docs/s · PouchDB (LevelDB): ${pouchPerS} docs/s`);
      mergeResult('sync', {
        docs: N,
        ours_docs_per_s: oursPerS,
        pouchdb_docs_per_s: pouchPerS,
        ratio: Number((oursPerS / pouchPerS).toFixed(3)),
        ours_memory_storage_docs_per_s: perS(withMemory.ms),
        ratio_memory_storage: Number((perS(withMemory.ms) / pouchPerS).toFixed(3)),
      });
    }
    if (PARTS.has('raw')) await serverAgainstRaw(store, servers);
    if (PARTS.has('browser')) await inTheBrowser(store, servers);
  } finally {
    for (const server of servers) await server.close();
    await store.close();
  }
}

/**
 * Brings the server's scope index up to date, untimed: a fresh pull reads a lagging index as it
 * stands and the server indexes the rest in the background later (ADR 010) — which must not land
 * in the next measurement, ours or PouchDB's.
 */
async function indexCaughtUp(server: TestServer): Promise<void> {
  await server.store.couch.use(server.store.dbName('rows')).view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 0, reduce: false });
}

/**
 * The server's push and pull against the store's own `_bulk_docs` and `_changes` for the same
 * documents (see `serverThroughput.ts`), interleaved rounds, medians.
 */
async function serverAgainstRaw(store: TestStore, servers: TestServer[]): Promise<void> {
  const push: number[] = [];
  const pull: number[] = [];
  // An even number of rounds: as many with each side first.
  const rounds = RAW_ORDER === 'alternate' ? ROUNDS + (ROUNDS % 2) : ROUNDS;
  for (let round = 0; round < rounds; round++) {
    const { server, url, who } = await freshServer(store);
    servers.push(server);
    const local = await openLocalStore({ userId: who.userId, storage: getRxStorageMemory() as RxStorage<unknown, unknown>, loadAutomerge: () => import('@automerge/automerge'), databaseName: `bench-raw-${process.pid}-${++dbCounter}` });
    for (let i = 0; i < SERVER_DOCS; i += 500) await local.facts.appendMany('attachment', Array.from({ length: Math.min(500, SERVER_DOCS - i) }, (_, k) => facts(round * 100_000 + i + k)), who.siteId);
    const rows = (await local.db.rows.find().exec()).map((d) => d.toJSON() as SyncRow);
    await local.close();
    const raw = await rawDatabase(store.embedded.url, `bench_raw_${process.pid}_${dbCounter}`);
    // Each side in turn goes first, as many rounds each: whichever goes second is faster (measured:
    // raw _bulk_docs 9,100–12,000 docs/s going first, 10,400–13,400 going second, 3 rounds each), so
    // always one order leans the ratio (raw first, as until stop 33: towards the server). RAW_ORDER fixes it.
    const rawFirst = RAW_ORDER === 'first' || (RAW_ORDER === 'alternate' && round % 2 === 0);
    const pushMs = rawFirst ? undefined : await serverPush(url, who, rows);
    const rawPushMs = await rawBulkDocs(raw, rows);
    const ourPushMs = pushMs ?? await serverPush(url, who, rows);
    const pulled = rawFirst ? undefined : await serverPull(url, who);
    const rawPulled = await rawChanges(raw);
    const ourPull = pulled ?? await serverPull(url, who);
    await indexCaughtUp(server);
    if (ourPull.rows < rows.length) throw new Error(`the server pull brought ${ourPull.rows} rows, expected ${rows.length}`);
    push.push(rawPushMs / ourPushMs);
    pull.push(rawPulled.ms / ourPull.ms);
    console.log(`server vs raw, round ${round + 1} (${rawFirst ? 'raw' : 'server'} first): push ${Math.round(rows.length / (ourPushMs / 1000))} rows/s vs _bulk_docs ${Math.round(rows.length / (rawPushMs / 1000))} docs/s; pull ${Math.round(ourPull.rows / (ourPull.ms / 1000))} rows/s vs _changes ${Math.round(rawPulled.rows / (rawPulled.ms / 1000))} docs/s`);
  }
  mergeResult('sync', { push_vs_raw_bulk_docs: Number(median(push).toFixed(3)), pull_vs_raw_changes: Number(median(pull).toFixed(3)) });
}

/**
 * Real Chromium: the app's store and sync code on IndexedDB, then PouchDB in the same page
 * replicating the same documents through the same store, interleaved rounds, medians.
 */
async function inTheBrowser(store: TestStore, servers: TestServer[]): Promise<void> {
  const first = await freshServer(store);
  servers.push(first.server);
  const bench = await openBrowserBench(first.url, first.who.cookie, store.embedded.url);
  try {
    const ours: number[] = [];
    const pouchDb: number[] = [];
    for (let round = 0; round < BROWSER_ROUNDS; round++) {
      // Each round its own databases (PouchDB's run gets a fresh one too): a fresh replica pulls its N rows, not every round's.
      const { server, url, who } = round === 0 ? first : await freshServer(store);
      if (round > 0) servers.push(server);
      bench.use(url, who.cookie);
      const mine = await oursInPage(bench, { userId: who.userId, siteId: who.siteId, docs: BROWSER_DOCS, first: (round + 1) * 100_000 });
      if (mine.held < BROWSER_DOCS) throw new Error(`the fresh browser replica holds ${mine.held} rows, expected ${BROWSER_DOCS}`);
      await indexCaughtUp(server);
      const theirs = await pouchInPage(bench, bench.storePath(`bench_browser_pouch_${process.pid}_${round}`));
      if (theirs.held !== BROWSER_DOCS) throw new Error(`PouchDB's fresh browser replica holds ${theirs.held} docs, expected ${BROWSER_DOCS}`);
      ours.push(mine.ms);
      pouchDb.push(theirs.ms);
      console.log(`browser round ${round + 1}: ours ${Math.round(mine.ms)} ms (push ${Math.round(mine.pushMs)} ms), PouchDB ${Math.round(theirs.ms)} ms (push ${Math.round(theirs.pushMs)} ms) for ${BROWSER_DOCS} docs`);
    }
    const oursPerS = Math.round(BROWSER_DOCS / (median(ours) / 1000));
    const pouchPerS = Math.round(BROWSER_DOCS / (median(pouchDb) / 1000));
    mergeResult('sync', {
      browser_docs: BROWSER_DOCS, browser_ours_docs_per_s: oursPerS, browser_pouchdb_docs_per_s: pouchPerS, browser_ratio: Number((oursPerS / pouchPerS).toFixed(3)),
      browser_ours_ms_runs: ours.map((ms) => Math.round(ms)).join(' '), browser_pouchdb_ms_runs: pouchDb.map((ms) => Math.round(ms)).join(' '),
    });
  } finally {
    await bench.close();
  }
}
