/**
 * The HQ index converges: whatever the number of instances indexing at once, the page and flush
 * sizes, a checkpoint lost or moved back, or rows arriving in pieces, the index's documents end
 * the same as one indexer's single pass over every row (compared document by document), and its
 * access paths hold every event the rows stand for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRow } from '@seal/shared';
import { generateHistory } from '@seal/shared/testing';
import { prepareStore } from '../couch/repositories';
import { connectStore, type Store } from '../couch/store';
import { rowsRepo, type RowsRepo } from '../sync/rowsRepo';
import { storeHistory } from '../testing/storeHistory';
import { startTestStore, type TestStore } from '../testing/testServer';
import { HqStore, type HqDoc } from './hqStore';
import { HqIndexer, type IndexerOptions } from './indexer';
import { decodeEntries, type PostingDoc } from './postings';

let testStore: TestStore;
let store: Store;
let rows: RowsRepo;
let allRows: SyncRow[];

async function index(name: string): Promise<HqStore> {
  await store.ensureDatabases([name]);
  return new HqStore(store.couch.use<HqDoc>(store.dbName(name)));
}

const indexer = (hq: HqStore, options: IndexerOptions = {}, from: RowsRepo = rows): HqIndexer => new HqIndexer(from, hq, options);

/** Every document of an index but its checkpoint, without revisions. */
async function contents(hq: HqStore): Promise<Map<string, unknown>> {
  const page = await hq.db.list({ include_docs: true });
  return new Map(page.rows.filter((r) => r.id !== 'checkpoint' && !r.id.startsWith('_design/')).map((r) => {
    const { _rev: _r, ...doc } = r.doc as unknown as { _rev: string };
    return [r.id, doc];
  }));
}

let reference: Map<string, unknown>;

beforeAll(async () => {
  testStore = await startTestStore();
  store = connectStore(testStore.embedded.url, 'embedded', 'hqidx_', testStore.mac);
  await prepareStore(store);
  const generated = await generateHistory({ seed: 11, branches: 2, sitesPerBranch: 1, devicesPerSite: 2, weeks: 1, plants: ['tamper'] });
  await storeHistory({ store }, generated.history, generated.photoBytes);
  rows = rowsRepo(store.couch.use(store.dbName('rows')));
  allRows = (await rows.changesSince('0', 100_000)).entries.flatMap((e) => (e.row ? [e.row] : []));
  const single = await index('hq_single');
  await indexer(single).catchUp();
  reference = await contents(single);
}, 120_000);
afterAll(async () => testStore?.close());

describe('the HQ index', () => {
  it('holds every row\'s event on the whole-organisation path and on its unit\'s, once', () => {
    const postings = [...reference.values()].filter((d): d is PostingDoc => (d as { type?: string }).type === 'postings');
    const onPath = (prefix: string) => postings.filter((d) => d.path === prefix || d.path.startsWith(`${prefix}:`)).flatMap((d) => decodeEntries(d).map((p) => p[2]));
    const all = onPath('t');
    expect(new Set(all).size).toBe(all.length);
    // Every stored row gives one event here (the history holds record creations only).
    expect(new Set(all)).toEqual(new Set(allRows.map((row) => row.id)));
    expect(onPath('u').sort()).toEqual([...all].sort());
  });

  it('ends the same when two instances index the same rows at once, in small pages and flushes', async () => {
    const shared = await index('hq_two');
    await Promise.all([indexer(shared, { page: 7, flushEvery: 40 }).catchUp(), indexer(shared, { page: 13, flushEvery: 25 }).catchUp()]);
    expect(await contents(shared)).toEqual(reference);
  });

  it('changes nothing when resumed from a lost or older checkpoint', async () => {
    const hq = await index('hq_resume');
    await indexer(hq, { page: 50, flushEvery: 100 }).catchUp();
    const checkpoint = await hq.db.get('checkpoint');
    await hq.db.destroy('checkpoint', checkpoint._rev);
    await indexer(hq, { page: 50 }).catchUp();
    expect(await contents(hq)).toEqual(reference);
    // Moved back to an early sequence (as another instance's older save would leave it): re-derived, same documents.
    const again = await hq.db.get('checkpoint');
    await hq.db.insert({ ...again, seq: (await rows.changesSince('0', 10)).lastSeq } as never);
    await indexer(hq).catchUp();
    expect(await contents(hq)).toEqual(reference);
  });

  it('ends the same when the rows arrive in two halves, indexed between them', async () => {
    await store.ensureDatabases(['rows_halves']);
    const halves = rowsRepo(store.couch.use(store.dbName('rows_halves')));
    const hq = await index('hq_halves');
    const middle = Math.floor(allRows.length / 2);
    await halves.createMany(allRows.slice(0, middle));
    await indexer(hq, {}, halves).catchUp();
    expect(await contents(hq)).not.toEqual(reference);
    await halves.createMany(allRows.slice(middle));
    await indexer(hq, {}, halves).catchUp();
    expect(await contents(hq)).toEqual(reference);
  });

  it('ends the same whatever order the store wrote the rows in, in pages that split a device\'s binding from its entries', async () => {
    // A store may write one push's rows in any order (the embedded store's validation finishes them
    // out of order): here every device's entries come before the binding that covers them.
    await store.ensureDatabases(['rows_shuffled']);
    const shuffled = rowsRepo(store.couch.use(store.dbName('rows_shuffled')));
    const isBinding = (row: SyncRow) => row.type === 'fact' && row.kind === 'device_event' && (row.body as { type?: string }).type === 'seal_bound';
    const reversed = [...allRows].reverse();
    expect(reversed.filter(isBinding).length).toBeGreaterThan(0);
    for (const row of reversed) await shuffled.createMany([row]);
    const hq = await index('hq_shuffled');
    await Promise.all([indexer(hq, { page: 3, flushEvery: 10 }, shuffled).catchUp(), indexer(hq, { page: 11, flushEvery: 30 }, shuffled).catchUp()]);
    expect(await contents(hq)).toEqual(reference);
  });

  it('ends the same when a device\'s binding reaches the store after the entries it covers were indexed', async () => {
    await store.ensureDatabases(['rows_late']);
    const late = rowsRepo(store.couch.use(store.dbName('rows_late')));
    const isBinding = (row: SyncRow) => row.type === 'fact' && row.kind === 'device_event' && (row.body as { type?: string }).type === 'seal_bound';
    const hq = await index('hq_late');
    await late.createMany(allRows.filter((row) => !isBinding(row)));
    await indexer(hq, { page: 20 }, late).catchUp();
    const before = await contents(hq);
    expect(before).not.toEqual(reference);
    await late.createMany(allRows.filter(isBinding));
    await indexer(hq, { page: 20 }, late).catchUp();
    expect(await contents(hq)).toEqual(reference);
  });
});
