/**
 * Views on the embedded store, as CouchDB runs them: the store's map functions are compiled once
 * per index update (patches/pouchdb-node+9.0.0.patch) instead of once per document — which must
 * change nothing our design documents rely on: each document is mapped on its own copy (a map
 * that changes its argument does not change the stored document),
 * a map that throws for one document skips that document only, and counts by key range hold.
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
  },
};

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
});
