/**
 * Headquarters' merged log at scale: HQ_BENCH_EVENTS rows (default 1,000,000) of a generated
 * construction group (bench/hqHistory.ts) written straight into an embedded store (bulk, through
 * the MAC-checked nano the server uses, without the push's validation); then the HQ index built
 * from them (indexer catch-up: event documents, postings, requests, bindings, day aggregates — no
 * view is left to build after it); then p50/p95
 * of filtered page queries (several filter shapes, random pages, counts included) and of the
 * dashboard aggregates, through the service the routes call (no HTTP or session in the figures).
 */
import { DAY_MS, type SyncRow } from '../shared/src';
import { prepareStore } from '../sync-server/src/couch/repositories';
import { connectStore } from '../sync-server/src/couch/store';
import { encodeCursor } from '../sync-server/src/hq/query';
import { HqService, type HqFilter } from '../sync-server/src/hq/service';
import type { DashboardScope } from '../sync-server/src/hq/dashboard';
import { rowsRepo } from '../sync-server/src/sync/rowsRepo';
import { startEmbeddedStore } from '../sync-server/src/couch/embeddedStore';
import { loadOrCreateStoreMac } from '../sync-server/src/couch/storeMac';
import { startTestStore, type TestStore } from '../sync-server/src/testing/testServer';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORY_START, history, organisation, type Organisation } from './hqHistory';
import { writeResult } from './stats';

const EVENTS = Number(process.env.HQ_BENCH_EVENTS ?? 1_000_000);
const PAGE_RUNS = Number(process.env.HQ_BENCH_PAGE_RUNS ?? 60);
const AGGREGATE_RUNS = Number(process.env.HQ_BENCH_AGGREGATE_RUNS ?? 20);
/**
 * A data directory kept between runs (optional): its rows, once loaded, are reused (the load time
 * measured then is kept beside them; a load stopped early resumes) and only the index is rebuilt.
 * `HQ_BENCH_LOAD_ONLY` stops after the load.
 */
const DATA_DIR = process.env.HQ_BENCH_DATA_DIR;

async function benchStore(): Promise<TestStore> {
  if (!DATA_DIR) return startTestStore();
  const embedded = await startEmbeddedStore(DATA_DIR);
  const mac = await loadOrCreateStoreMac(join(DATA_DIR, 'store-mac.key'));
  return { dataDir: DATA_DIR, embedded, mac, close: () => embedded.close() };
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function subtree(org: Organisation, unitId: string): Set<string> {
  const ids = new Set([unitId]);
  for (const [child, parent] of org.parentOf) if (parent === unitId || ids.has(parent)) ids.add(child);
  for (const [child, parent] of org.parentOf) if (ids.has(parent)) ids.add(child);
  return ids;
}

function dashboardScope(org: Organisation, unitId: string): DashboardScope {
  return {
    unitId,
    unitIds: subtree(org, unitId),
    bucketOf(id) {
      let at = id;
      while (at !== unitId && org.parentOf.get(at) !== unitId && org.parentOf.has(at)) at = org.parentOf.get(at)!;
      return { id: at, name: at };
    },
  };
}

/** Loads the generated history (or resumes a load stopped early; see DATA_DIR). */
async function loadHistory(dataDir: string, store: ReturnType<typeof connectStore>, rows: ReturnType<typeof rowsRepo>, org: Organisation): Promise<{ loaded: number; loadS: number }> {
  const loadedFile = join(dataDir, `hq-bench-loaded-${EVENTS}.json`);
  const reused = DATA_DIR && existsSync(loadedFile) ? (JSON.parse(readFileSync(loadedFile, 'utf8')) as { loaded: number; loadS: number }) : undefined;
  // A load stopped early (`loaded` 0 in its file): the rows the store holds are the events so far.
  const already = !reused ? 0 : reused.loaded || Number((await store.couch.db.get(store.dbName('rows'))).doc_count) - 1;
  let loaded = 0;
  // Timed from the first batch written: regenerating the batches an earlier run wrote is not load.
  let loadStart = performance.now();
  // The history is deterministic: a load that stopped early resumes after the batches it wrote
  // (the batch it was writing is written again; a row already there answers `exists`).
  for (const batch of already >= EVENTS ? [] : history(org, EVENTS, 500)) {
    if (loaded + batch.length <= already) {
      loaded += batch.length;
      loadStart = performance.now();
      continue;
    }
    // A keep-alive socket the store closed while the next batch was generated answers
    // ECONNRESET: write again (rows are append-only: a row already there is `exists`).
    for (let attempt = 0; ; attempt++) {
      try {
        await rows.createMany(batch);
        break;
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('ECONNRESET')) throw error;
      }
    }
    loaded += batch.length;
    if (loaded % 50_000 < batch.length) console.log(`  loaded ${loaded} rows (${round((performance.now() - loadStart) / 1000)} s this run)`);
  }
  loaded = Math.max(loaded, already);
  const loadS = (reused?.loadS ?? 0) + (already >= EVENTS ? 0 : (performance.now() - loadStart) / 1000);
  console.log(`loaded ${loaded} rows in ${round(loadS)} s${reused ? ` (${already} of them by an earlier run)` : ''}`);
  if (DATA_DIR) writeFileSync(loadedFile, JSON.stringify({ loaded, loadS }));
  return { loaded, loadS };
}

export async function run(): Promise<void> {
  const testStore = await benchStore();
  try {
    const store = connectStore(testStore.embedded.url, 'embedded', 'hqbench_', testStore.mac);
    await prepareStore(store);
    const rows = rowsRepo(store.couch.use<SyncRow>(store.dbName('rows')));
    const org = organisation();
    const allUnits = 1 + org.parentOf.size;

    const { loaded, loadS } = await loadHistory(testStore.dataDir, store, rows, org);
    if (process.env.HQ_BENCH_LOAD_ONLY) return;
    // A kept store: the index is rebuilt from nothing at every run.
    // (`HQ_BENCH_KEEP_INDEX`: the index a run left is kept, to time queries alone, on a quiet machine;
    // results are written with the build time that run measured, or not at all if none was kept.)
    const keepIndex = Boolean(DATA_DIR && process.env.HQ_BENCH_KEEP_INDEX);
    if (DATA_DIR && !keepIndex) await store.couch.db.destroy(store.dbName('hq_events')).catch(() => undefined);

    let indexed = 0;
    const t0 = performance.now();
    const onProgress = (step: 'page' | 'flush', count: number): void => {
      if (step === 'page' && (indexed += count) % 20_000 < count) console.log(`  indexed ${indexed} events (${round((performance.now() - t0) / 1000)} s)`);
      if (step === 'flush') console.log(`  storing the postings and aggregates of ${count} events (${round((performance.now() - t0) / 1000)} s)`);
    };
    const service = new HqService(store, { page: 2000, flushEvery: 100_000, onProgress }, rows);
    await service.prepare(store);
    const indexStart = performance.now();
    // On 2 starved cores the store may reset a connection (ECONNRESET): the run resumes from its
    // last checkpoint (every indexer write is idempotent), as the next query would on a server.
    for (let attempt = 0; ; attempt++) {
      try {
        await service.indexer.catchUp();
        break;
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('ECONNRESET')) throw error;
        console.log(`  connection reset (${String(error)}): resuming from the checkpoint`);
      }
    }
    console.log(`  indexer caught up (${round((performance.now() - t0) / 1000)} s)`);
    // With a kept index, the build time is the one its run measured (queries alone are timed now).
    const indexFile = DATA_DIR ? join(DATA_DIR, `hq-bench-index-${EVENTS}.json`) : undefined;
    const builtBefore = keepIndex && indexFile && existsSync(indexFile) ? (JSON.parse(readFileSync(indexFile, 'utf8')) as { indexS: number }).indexS : undefined;
    const indexS = builtBefore ?? (performance.now() - indexStart) / 1000;
    if (indexFile && !keepIndex) writeFileSync(indexFile, JSON.stringify({ indexS }));
    console.log(`index built in ${round(indexS)} s${builtBefore === undefined ? '' : ' (by an earlier run)'}`);

    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const period = org.days * DAY_MS;
    const site = org.devices[0]!.siteId;
    const shapes: { name: string; filter: HqFilter }[] = [
      { name: 'organisation', filter: { unitIds: subtree(org, org.root), allUnits } },
      { name: 'branch stamps', filter: { unitIds: subtree(org, 'east'), allUnits, kinds: ['stamp'] } },
      { name: 'site', filter: { unitIds: subtree(org, site), allUnits } },
      { name: 'seal', filter: { unitIds: subtree(org, org.root), allUnits, seal: org.devices[3]!.sealId } },
      { name: 'person', filter: { unitIds: subtree(org, org.root), allUnits, person: org.people[5]! } },
      { name: 'device week', filter: { unitIds: subtree(org, org.root), allUnits, device: org.devices[1]!.id, from: HISTORY_START + 7 * DAY_MS, to: HISTORY_START + 14 * DAY_MS } },
      { name: 'branch alarms', filter: { unitIds: subtree(org, 'west'), allUnits, kinds: ['refusal', 'low_battery', 'tamper'] } },
    ];
    const pageTimes: number[] = [];
    for (let i = 0; i < PAGE_RUNS; i++) {
      const shape = shapes[i % shapes.length]!;
      // A random page: from a random point of the period, as a cursor someone followed there.
      const cursor = i % 3 === 0 ? undefined : encodeCursor({ at: HISTORY_START + random(period), h: 'f'.repeat(24) });
      const start = performance.now();
      const page = await service.page(shape.filter, cursor, 50);
      pageTimes.push(performance.now() - start);
      if (i < shapes.length || process.env.HQ_BENCH_VERBOSE) console.log(`  ${shape.name}: ${page.counts.total} events, page of ${page.events.length} in ${round(pageTimes.at(-1)!)} ms`);
    }
    const scopes = [org.root, 'east', 'north', site];
    const aggregateTimes: number[] = [];
    for (let i = 0; i < AGGREGATE_RUNS; i++) {
      const to = HISTORY_START + period - random(14) * DAY_MS;
      const start = performance.now();
      await service.dashboard(dashboardScope(org, scopes[i % scopes.length]!), to - 30 * DAY_MS, to);
      aggregateTimes.push(performance.now() - start);
    }
    if (keepIndex && builtBefore === undefined) {
      console.log(JSON.stringify({ events: loaded, page_p50_ms: round(quantile(pageTimes, 0.5)), page_p95_ms: round(quantile(pageTimes, 0.95)), aggregate_p50_ms: round(quantile(aggregateTimes, 0.5)), aggregate_p95_ms: round(quantile(aggregateTimes, 0.95)) }));
      return;
    }
    writeResult('hq', {
      events: loaded,
      load_s: round(loadS),
      index_build_s: round(indexS),
      page_p50_ms: round(quantile(pageTimes, 0.5)),
      page_p95_ms: round(quantile(pageTimes, 0.95)),
      aggregate_p50_ms: round(quantile(aggregateTimes, 0.5)),
      aggregate_p95_ms: round(quantile(aggregateTimes, 0.95)),
    });
  } finally {
    await testStore.close();
  }
}
