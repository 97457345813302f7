/**
 * Stores of a whole organisation for the scoped-pull bench: one site of `SITE_ROWS` rows among
 * `total` rows of 200 other units, written straight into the embedded store's LevelDB (the
 * database `<FIXTURE_PREFIX>rows` under `DATA_DIR/couch/`, as the store names it) before the
 * store starts, each row with the server's MAC exactly as `Store.couch.use` marks it, and the
 * scope index built there once. Through the store's HTTP API a million rows took hours on the
 * loaded bench machine (its `validate_doc_update` reads each document before writing it, and the
 * index is built 50 changes at a time); written like this, minutes. The data directory is kept
 * under `bench/.data/` (gitignored) and reused when present.
 *
 * What is written is what the server would hold after pushes of these rows (the rows as stored,
 * with `storeMac`; the design documents of `SYNC_DESIGN_DOCS`); the store then opens it as its
 * own and the build checks it through the store: row counts, the site's rows in the index, and
 * MACs that verify.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedStore, type EmbeddedStore } from '../sync-server/src/couch/embeddedStore';
import { loadOrCreateStoreMac, type StoreMac } from '../sync-server/src/couch/storeMac';
import { connectStore, type Store } from '../sync-server/src/couch/store';
import { migrateDesignDocs } from '../sync-server/src/couch/designDocs';
import { SCOPE_DESIGN, SCOPE_VIEW, SYNC_DESIGN_DOCS } from '../sync-server/src/couch/syncDatabases';

const require = createRequire(import.meta.url);

/** The rows of the site a fresh replica pulls. */
export const SITE_ROWS = 10_000;
/** The database prefix the fixture's rows live under (the bench server runs with it). */
export const FIXTURE_PREFIX = 'benchorg_';
/** The site's unit id, fixed so that the stored rows keep naming it (the bench adds the unit to each run's tree). */
export const SITE_UNIT = 'unit_benchsite000000';
const OTHER_UNITS = 200;
/** Rows per LevelDB write, and changes per step of the index build. */
const BATCH = 5000;
/** Bumped when the rows written change shape: an older fixture is rebuilt. */
const FIXTURE_VERSION = 1;

export interface OrgFixture {
  readonly dataDir: string;
  readonly embedded: EmbeddedStore;
  readonly mac: StoreMac;
  readonly store: Store;
  close(): Promise<void>;
}

const root = fileURLToPath(new URL('./.data/', import.meta.url));

/** A row as a site tablet records it (an attachment description, ~300 B of JSON). */
function row(n: number, unitId: string) {
  const id = `fact:attachment:bench-${n.toString(36).padStart(8, '0')}`;
  return {
    _id: id, id, type: 'fact', kind: 'attachment', subject: `request:req-${n % 997}`, scopeUnitId: unitId, author: 'usr_bench0000000000000', createdAt: 1_790_000_000_000 + n,
    body: { sha256: n.toString(16).padStart(64, '0'), about: `request:req-${n % 997}`, mime: 'image/jpeg', size: 20_000 + (n % 5000), at: 1_790_000_000_000 + n },
  };
}

/** The part of pouchdb-node the build uses. */
interface DirectDb {
  bulkDocs(docs: object[]): Promise<{ id: string; error?: boolean; name?: string; message?: string }[]>;
  put(doc: object): Promise<unknown>;
  query(view: string, options: object): Promise<{ rows: { value: number }[] }>;
  info(): Promise<{ doc_count: number; update_seq: number | string }>;
  close(): Promise<void>;
}

/**
 * Writes the organisation's rows into `dataDir`'s store while no store runs on it: the design
 * documents first (as `migrateDesignDocs` writes them), then `total` rows in batches, each
 * marked by `mac` for the logical database `rows` (what `macScope` does), then the scope index.
 */
async function writeDirect(dataDir: string, mac: StoreMac, total: number, log: (line: string) => void): Promise<void> {
  const dbDir = join(dataDir, 'couch');
  await mkdir(dbDir, { recursive: true, mode: 0o700 });
  /* eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- untyped CommonJS package */
  const PouchDB: new (name: string, options: object) => DirectDb = require('pouchdb-node');
  // The same LevelDB the embedded store opens (`PouchDB.defaults({ prefix: DATA_DIR/couch/, deterministic_revs: false })`),
  // through a PouchDB instance without express-pouchdb's validation wrapper; the index build
  // reads the feed in large steps (PouchDB's default is 50 changes).
  const db = new PouchDB(`${FIXTURE_PREFIX}rows`, { prefix: `${dbDir}/`, deterministic_revs: false, view_update_changes_batch_size: BATCH });
  try {
    for (const design of SYNC_DESIGN_DOCS.rows!) await db.put({ ...design });
    const started = performance.now();
    // The site's rows are spread evenly through the organisation's history.
    const every = Math.max(1, Math.floor(total / SITE_ROWS));
    let site = 0;
    for (let start = 0; start < total; start += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, total - start) }, (_, k) => {
        const n = start + k;
        const mine = n % every === 0 && site < SITE_ROWS;
        if (mine) site++;
        const doc = row(n, mine ? SITE_UNIT : `unit_benchother${(n % OTHER_UNITS).toString().padStart(5, '0')}`);
        return mac.mark('rows', doc._id, doc);
      });
      const failed = (await db.bulkDocs(docs)).filter((r) => r.error);
      if (failed.length > 0) throw new Error(`LevelDB refused ${failed.length} rows: ${failed[0]!.name} ${failed[0]!.message}`);
      if ((start / BATCH) % 20 === 0 || start + BATCH >= total) log(`  fixture org-${total}: ${start + docs.length} rows written (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    if (site !== SITE_ROWS) throw new Error(`the fixture holds ${site} rows of the site, expected ${SITE_ROWS}`);
  } finally {
    await db.close();
  }
}

/** Reads the store's answer for `path` of the fixture's `rows` (the store's own HTTP API, with its credential). */
async function storeJson<T>(embedded: EmbeddedStore, path: string): Promise<T> {
  const url = new URL(`${FIXTURE_PREFIX}rows/${path}`, `${embedded.url}/`);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const res = await fetch(url, { headers: { authorization: auth } });
  if (!res.ok) throw new Error(`store ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Indexes the fixture once (the view the pull reads), through the running store, so that the bench
 * measures pulls, not indexing: asks for the view with `stale=update_after` and waits until it
 * reflects the store's sequence (a million rows take minutes: longer than one HTTP answer may).
 * Not built by the direct PouchDB of `writeDirect`: its view database stays open in this process,
 * and the store could not open it after (LevelDB's lock).
 */
async function buildScopeIndex(embedded: EmbeddedStore, total: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const { update_seq: target } = await storeJson<{ update_seq: number }>(embedded, '');
  const view = `_design/${SCOPE_DESIGN}/_view/${SCOPE_VIEW}`;
  await storeJson(embedded, `${view}?stale=update_after&limit=0&reduce=false`);
  for (;;) {
    const { update_seq: indexed } = await storeJson<{ update_seq: number }>(embedded, `${view}?stale=ok&update_seq=true&limit=0&reduce=false`);
    if (indexed === target) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  log(`  fixture org-${total}: scope index built in ${Math.round((performance.now() - started) / 1000)} s`);
}

/**
 * Checks a fixture through the running store, as the server sees it: every row there, the
 * design documents current (`migrateDesignDocs` writes nothing), the site's rows in the scope
 * index without it having to take anything in, and the site's rows verifying under the MAC.
 */
async function verifyFixture(embedded: EmbeddedStore, store: Store, total: number): Promise<void> {
  const info = await storeJson<{ doc_count: number; update_seq: number }>(embedded, '');
  const designs = SYNC_DESIGN_DOCS.rows!.length;
  if (info.doc_count !== total + designs) throw new Error(`the fixture store holds ${info.doc_count} documents, expected ${total} rows and ${designs} design documents`);
  // Only `rows` is in the fixture (the other sync databases, `blobs` among them, are made by the server that runs on it).
  const written = await migrateDesignDocs(store, { rows: SYNC_DESIGN_DOCS.rows! });
  if (written.length > 0) throw new Error(`the fixture's design documents were not current: ${written.join(', ')}`);
  const stale = await storeJson<{ rows: { value: number }[]; update_seq: number }>(embedded, `_design/${SCOPE_DESIGN}/_view/${SCOPE_VIEW}?stale=ok&update_seq=true&reduce=true`);
  if (stale.update_seq !== info.update_seq) throw new Error(`the scope index reflects sequence ${stale.update_seq}, the store is at ${info.update_seq}`);
  if (stale.rows[0]?.value !== total) throw new Error(`the scope index holds ${stale.rows[0]?.value} rows, expected ${total}`);
  const db = store.couch.use<{ scopeUnitId: string }>(store.dbName('rows'));
  const site = await db.view(SCOPE_DESIGN, SCOPE_VIEW, { startkey: [SITE_UNIT], endkey: [SITE_UNIT, {}], reduce: false, include_docs: true });
  const verified = site.rows.filter((r) => r.doc?.scopeUnitId === SITE_UNIT).length;
  if (site.rows.length !== SITE_ROWS || verified !== SITE_ROWS) throw new Error(`the site has ${site.rows.length} rows in the index, ${verified} of them verifying, expected ${SITE_ROWS}`);
}

/** Opens (building it first when absent) the store of an organisation of `total` rows. */
export async function orgFixture(total: number, log: (line: string) => void = console.log): Promise<OrgFixture> {
  // A changed design document of `rows` (the scope view's) makes a new fixture: the store would
  // otherwise rewrite it at the first start and index the organisation again inside a timed pull.
  const designs = createHash('sha256').update(JSON.stringify(SYNC_DESIGN_DOCS.rows)).digest('hex').slice(0, 8);
  const dataDir = join(root, `org-${total}-v${FIXTURE_VERSION}-${designs}`);
  const ready = join(dataDir, 'READY');
  const fresh = !existsSync(ready);
  if (fresh) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  }
  const mac = await loadOrCreateStoreMac(join(dataDir, 'store-mac.key'));
  const started = performance.now();
  if (fresh) await writeDirect(dataDir, mac, total, log);
  const embedded = await startEmbeddedStore(dataDir);
  const store = connectStore(embedded.url, 'embedded', FIXTURE_PREFIX, mac);
  try {
    if (fresh) {
      // The store lists the database it finds on disk as its own (its registry of databases
      // knows only those created through it).
      await store.ensureDatabases(['rows']);
      await buildScopeIndex(embedded, total, log);
      await verifyFixture(embedded, store, total);
      log(`  fixture org-${total}: written, indexed and checked in ${Math.round((performance.now() - started) / 1000)} s`);
      await writeFile(ready, `${total}\n`);
    }
  } catch (error) {
    await embedded.close();
    throw error;
  }
  return { dataDir, embedded, mac, store, close: () => embedded.close() };
}

/** Drops every database of the fixture's prefix but `rows`: each bench run sets up its organisation afresh. */
export async function resetAroundRows(fixture: OrgFixture): Promise<void> {
  const keep = fixture.store.dbName('rows');
  for (const name of await fixture.store.couch.db.list()) {
    if (name.startsWith(FIXTURE_PREFIX) && name !== keep) await fixture.store.couch.db.destroy(name);
  }
}
