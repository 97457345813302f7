/**
 * Stores of a whole organisation for the scoped-pull bench: one site of `SITE_ROWS` rows among
 * `total` rows of 200 other units, bulk-written straight into the store's `rows` database (with
 * the server's MAC, as the push path stores them) and indexed once. A million rows through the
 * push path take hours; written like this, minutes — and the data directory is kept under
 * `bench/.data/` (gitignored) and reused when present.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedStore, type EmbeddedStore } from '../sync-server/src/couch/embeddedStore';
import { loadOrCreateStoreMac, type StoreMac } from '../sync-server/src/couch/storeMac';
import { connectStore, type Store } from '../sync-server/src/couch/store';
import { migrateDesignDocs } from '../sync-server/src/couch/designDocs';
import { SCOPE_DESIGN, SCOPE_VIEW, SYNC_DESIGN_DOCS } from '../sync-server/src/couch/syncDatabases';

/** The rows of the site a fresh replica pulls. */
export const SITE_ROWS = 10_000;
/** The database prefix the fixture's rows live under (the bench server runs with it). */
export const FIXTURE_PREFIX = 'benchorg_';
/** The site's unit id, fixed so that the stored rows keep naming it (the bench adds the unit to each run's tree). */
export const SITE_UNIT = 'unit_benchsite000000';
const OTHER_UNITS = 200;
const BATCH = 1000;
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

/** `_bulk_docs`, tried again when the loaded machine drops the connection (rows are append-only: nothing is written twice). */
async function bulkWithRetry(db: { bulk(body: { docs: object[] }): Promise<{ error?: string }[]> }, docs: object[]): Promise<{ error?: string }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.bulk({ docs });
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

/** Opens (building it first when absent) the store of an organisation of `total` rows. */
export async function orgFixture(total: number, log: (line: string) => void = console.log): Promise<OrgFixture> {
  const dataDir = join(root, `org-${total}-v${FIXTURE_VERSION}`);
  const ready = join(dataDir, 'READY');
  const fresh = !existsSync(ready);
  if (fresh) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
  }
  const embedded = await startEmbeddedStore(dataDir);
  const mac = await loadOrCreateStoreMac(join(dataDir, 'store-mac.key'));
  const store = connectStore(embedded.url, 'embedded', FIXTURE_PREFIX, mac);
  if (fresh) {
    const started = performance.now();
    await store.ensureDatabases(['rows']);
    await migrateDesignDocs(store, SYNC_DESIGN_DOCS);
    const db = store.couch.use<object>(store.dbName('rows'));
    // The site's rows are spread evenly through the organisation's history.
    const every = Math.max(1, Math.floor(total / SITE_ROWS));
    let site = 0;
    for (let start = 0; start < total; start += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, total - start) }, (_, k) => {
        const n = start + k;
        const mine = n % every === 0 && site < SITE_ROWS;
        if (mine) site++;
        return row(n, mine ? SITE_UNIT : `unit_benchother${(n % OTHER_UNITS).toString().padStart(5, '0')}`);
      });
      const results = await bulkWithRetry(db, docs);
      // A retried batch finds the rows its first attempt wrote: the append-only rule refuses them again.
      const failed = results.filter((r) => r.error && r.error !== 'forbidden' && r.error !== 'conflict');
      if (failed.length > 0) throw new Error(`the store refused ${failed.length} rows: ${failed[0]!.error}`);
      if ((start / BATCH) % 20 === 0) log(`  fixture org-${total}: ${start + docs.length} rows written (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    if (site !== SITE_ROWS) throw new Error(`the fixture holds ${site} rows of the site, expected ${SITE_ROWS}`);
    // Index once (the views the pull uses), so that the bench measures pulls, not indexing.
    await db.view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 1, reduce: false });
    log(`  fixture org-${total}: written and indexed in ${Math.round((performance.now() - started) / 1000)} s`);
    await writeFile(ready, `${total}\n`);
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
