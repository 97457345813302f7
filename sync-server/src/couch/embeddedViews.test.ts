/**
 * Views on the embedded store, as CouchDB runs them: the store's map functions are compiled once
 * per index update (patches/pouchdb-node+9.0.0.patch) instead of once per document — which must
 * change nothing our design documents rely on: each document is mapped on its own copy (a map
 * that changes its argument does not change the stored document),
 * a map that throws for one document skips that document only, and counts by key range hold.
 * The same patch counts a `_count` reduce from the index rows' ids alone, without reading their
 * values: counts must equal the rows a query without reducing returns, by range, key and group,
 * after updates and deletions, while other reductions still read the values.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nano from 'nano';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';

let store: TestStore;

beforeAll(async () => {
  store = await startTestStore();
});
afterAll(async () => store?.close());

const DESIGN = {
  _id: '_design/probe',
  views: {
    // The scope index's shape: keyed by unit and id, the document as value, counted.
    by_unit: { map: 'function (doc) { if (typeof doc.unit === "string") emit([doc.unit, doc._id], doc); }', reduce: '_count' },
    // Throws for some documents: those are left out, the others indexed.
    fragile: { map: 'function (doc) { if (doc.bad) throw new Error("no"); emit(doc._id, doc.n); }' },
    // Changes its argument and keeps state in its own scope: neither may reach the stored document or the next call.
    meddler: { map: 'function (doc) { doc.n = -1; doc.seen = (doc.seen || 0) + 1; emit(doc._id, [doc.n, doc.seen]); }' },
    // Values summed: a reduction that needs them.
    summed: { map: 'function (doc) { if (typeof doc.unit === "string") emit([doc.unit, doc._id], doc.n); }', reduce: '_sum' },
  },
};

type CountedDb = nano.DocumentScope<Record<string, unknown>>;

/** The rows of `by_unit` a query without reducing returns, counted by their key's first `level` parts (all of it: `undefined`). */
async function countedByReading(db: CountedDb, params: Record<string, unknown>, level?: number): Promise<Record<string, number>> {
  const { rows } = await db.view('probe', 'by_unit', { ...params, reduce: false });
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const key = JSON.stringify(level === undefined ? null : (row.key as unknown as unknown[]).slice(0, level));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** What the `_count` reduction answers for the same query, keyed the same way. */
async function countedByReducing(db: CountedDb, params: Record<string, unknown>, level?: number): Promise<Record<string, number>> {
  const { rows } = await db.view('probe', 'by_unit', { ...params, reduce: true, ...(level === undefined ? {} : { group_level: level }) });
  return Object.fromEntries(rows.map((row) => [JSON.stringify(level === undefined ? null : row.key), row.value as number]));
}

describe('views on the embedded store', () => {
  it('run on the patched pouchdb-node (patch-package applied it at install)', () => {
    const source = readFileSync(createRequire(import.meta.url).resolve('pouchdb-node'), 'utf8');
    expect(source).toContain('sealctl patch (patches/pouchdb-node+9.0.0.patch)');
  });

  it('index every document on its own copy, skip only the documents a map throws on, and count by key range', async () => {
    const client = nano(store.embedded.url);
    await client.db.create('views_probe');
    const db = client.use<Record<string, unknown>>('views_probe');
    await db.insert(DESIGN);
    const docs = Array.from({ length: 60 }, (_, i) => ({ _id: `d${String(i).padStart(3, '0')}`, unit: i % 3 === 0 ? 'u-a' : 'u-b', n: i, ...(i % 7 === 0 ? { bad: true } : {}) }));
    await db.bulk({ docs });

    const unitA = await db.view('probe', 'by_unit', { startkey: ['u-a'], endkey: ['u-a', {}], reduce: false });
    const expectedA = docs.filter((d) => d.unit === 'u-a');
    expect(unitA.rows.map((r) => r.id)).toEqual(expectedA.map((d) => d._id));
    expect(unitA.rows.map((r) => (r.value as { n: number }).n)).toEqual(expectedA.map((d) => d.n));
    const counted = await db.view('probe', 'by_unit', { startkey: ['u-b'], endkey: ['u-b', {}], reduce: true });
    expect(counted.rows.map((r) => r.value)).toEqual([docs.length - expectedA.length]);

    // PouchDB prints each map error; the test only reads what was indexed.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fragile = await db.view('probe', 'fragile', {}).finally(() => printed.mockRestore());
    expect(fragile.rows.map((r) => r.id)).toEqual(docs.filter((d) => !('bad' in d)).map((d) => d._id));

    const meddler = await db.view('probe', 'meddler', {});
    expect(meddler.rows).toHaveLength(docs.length);
    expect(new Set(meddler.rows.map((r) => JSON.stringify(r.value)))).toEqual(new Set([JSON.stringify([-1, 1])]));
    const stored = await db.get('d001');
    expect(stored).toMatchObject({ n: 1, unit: 'u-b' });
    expect(stored).not.toHaveProperty('seen');

    // Documents written after the index was built are taken in by the next read, the same way.
    await db.bulk({ docs: [{ _id: 'e000', unit: 'u-a', n: 1000 }, { _id: 'e001', unit: 'u-a', n: 1001, bad: true }] });
    const later = await db.view('probe', 'by_unit', { startkey: ['u-a'], endkey: ['u-a', {}], reduce: false });
    expect(later.rows.map((r) => r.id)).toEqual([...expectedA.map((d) => d._id), 'e000', 'e001']);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await db.view('probe', 'fragile', { key: 'e001' }).finally(() => quiet.mockRestore())).rows).toEqual([]);
  });

  it('count a `_count` reduction exactly as many rows as the index holds, by range, key and group, after updates and deletions', async () => {
    const client = nano(store.embedded.url);
    await client.db.create('views_count');
    const db = client.use<Record<string, unknown>>('views_count');
    await db.insert(DESIGN);
    const units = ['u-a', 'u-b', 'u-c', 'u-d'];
    const docs = Array.from({ length: 400 }, (_, i) => ({ _id: `d${String(i).padStart(4, '0')}`, unit: units[(i * 7) % 4]!, n: i }));
    await db.bulk({ docs });
    // Some move unit, some are deleted: their old index rows must no longer count.
    const held = await db.fetch({ keys: docs.filter((_, i) => i % 5 === 0).map((d) => d._id) });
    const rewritten = held.rows.flatMap((row, i) => ('doc' in row && row.doc ? [i % 2 === 0 ? { ...row.doc, unit: 'u-e' } : { ...row.doc, _deleted: true }] : []));
    expect(rewritten).toHaveLength(80);
    await db.bulk({ docs: rewritten });

    const queries: [Record<string, unknown>, number | undefined][] = [
      [{}, undefined],
      [{}, 1],
      [{}, 2],
      [{ startkey: ['u-b'], endkey: ['u-b', {}] }, undefined],
      [{ startkey: ['u-b', 'd0100'], endkey: ['u-b', {}] }, undefined],
      [{ startkey: ['u-c'], endkey: ['u-e', {}] }, 1],
      [{ key: ['u-a', 'd0004'] }, undefined],
      [{ key: ['u-a', 'd0005'] }, undefined],
      [{ startkey: ['u-z'], endkey: ['u-z', {}] }, undefined],
      [{ startkey: ['u-d', {}], endkey: ['u-a'], descending: true }, 1],
    ];
    for (const [params, level] of queries) {
      expect(await countedByReducing(db, params, level), JSON.stringify({ params, level })).toEqual(await countedByReading(db, params, level));
    }
    expect(await countedByReducing(db, {})).toEqual({ null: 400 - 40 });
    // Another reduction still reads each row's value.
    const summed = await db.view('probe', 'summed', { startkey: ['u-e'], endkey: ['u-e', {}], reduce: true });
    expect(summed.rows.map((r) => r.value)).toEqual([docs.filter((_, i) => i % 10 === 0).reduce((sum, d) => sum + d.n, 0)]);
  });
});
