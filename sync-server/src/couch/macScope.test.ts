import Nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';
import { macScope, PartlyWritten, type BulkGetter, type PartWriter } from './macScope';
import { connectStore, type Store } from './store';
import { MAC_FIELD } from './storeMac';

/**
 * Every way the server reads documents, against documents written straight into the store (with
 * the store credential, not through the server): none of them comes back.
 */
describe('a MAC-checked database', () => {
  let testStore: TestStore;
  let store: Store;
  const raw = () => Nano(testStore.embedded.url).use<Record<string, unknown>>('macscope_things');

  beforeAll(async () => {
    testStore = await startTestStore();
    store = connectStore(testStore.embedded.url, 'embedded', 'macscope_', testStore.mac);
    await store.ensureDatabases(['things']);
    const things = store.couch.use<Record<string, unknown>>(store.dbName('things'));
    await things.insert({ _id: 'ours', type: 'thing', n: 1 });
    await things.insert({ _id: '_design/things', views: { by_type: { map: 'function (doc) { emit(doc.type, null); }' } } });
    // Written by someone else: no MAC, a made-up MAC, and our own document's MAC copied to another id.
    const ours = await raw().get('ours');
    await raw().insert({ _id: 'forged', type: 'thing', n: 2 });
    await raw().insert({ _id: 'fake-mac', type: 'thing', n: 3, [MAC_FIELD]: 'A'.repeat(43) });
    await raw().insert({ _id: 'copied', type: 'thing', n: 1, [MAC_FIELD]: ours[MAC_FIELD] });
  }, 60_000);
  afterAll(async () => testStore?.close());

  const things = () => store.couch.use<Record<string, unknown>>(store.dbName('things'));
  const foreign = ['forged', 'fake-mac', 'copied'];

  it('stores what the server writes with a MAC, and returns it without', async () => {
    expect(typeof (await raw().get('ours'))[MAC_FIELD]).toBe('string');
    const doc = await things().get('ours');
    expect(doc).toMatchObject({ _id: 'ours', type: 'thing', n: 1 });
    expect(doc).not.toHaveProperty(MAC_FIELD);
  });

  it('answers 404 for each foreign document by id', async () => {
    for (const id of foreign) await expect(things().get(id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('leaves foreign documents out of _all_docs, fetch, views and the change feed', async () => {
    const listed = (await things().list({ include_docs: true })).rows.map((r) => r.id);
    expect(listed).toContain('ours');
    for (const id of foreign) expect(listed).not.toContain(id);
    const fetched = (await things().fetch({ keys: ['ours', ...foreign] })).rows;
    expect(fetched.filter((r) => 'doc' in r && r.doc).map((r) => ('id' in r ? r.id : ''))).toEqual(['ours']);
    const viewed = (await things().view('things', 'by_type', { key: 'thing', include_docs: true })).rows.map((r) => r.id);
    expect(viewed).toEqual(['ours']);
    const changes = (await things().changes({ include_docs: true } as never)).results;
    expect(changes.filter((c) => (c as { doc?: unknown }).doc).map((c) => c.id).sort()).toEqual(['_design/things', 'ours']);
    expect(changes.map((c) => c.id)).toEqual(expect.arrayContaining(foreign));
  });

  it('reads by id in bulk (`_bulk_get`) only its own live documents, without their MAC', async () => {
    const bulk = (store.couch.use<Record<string, unknown>>(store.dbName('things')) as unknown as BulkGetter<Record<string, unknown>>);
    // One of ours deleted in the store afterwards: absent, as the store no longer holds it.
    await things().insert({ _id: 'gone', type: 'thing', n: 7 });
    const gone = await raw().get('gone');
    await raw().destroy('gone', gone._rev);
    const found = await bulk.bulkGet(['ours', ...foreign, 'gone', 'never-written', 'ours', '_design/things']);
    expect([...found.keys()].sort()).toEqual(['_design/things', 'ours']);
    expect(found.get('ours')).toMatchObject({ _id: 'ours', type: 'thing', n: 1 });
    expect(found.get('ours')).not.toHaveProperty(MAC_FIELD);
    expect((await bulk.bulkGet([])).size).toBe(0);
    // Ids a client could send travel in the body: a '/' or '?' in one reads nothing else.
    expect((await bulk.bulkGet(['ours?rev=1', 'ours/../forged', '../_all_dbs'])).size).toBe(0);
  });

  it('re-marks a document it updates; the same document edited in the store fails its MAC', async () => {
    const doc = await things().get('ours');
    await things().insert({ ...doc, n: 5 });
    expect(await things().get('ours')).toMatchObject({ n: 5 });
    // A changed field under the old MAC (someone editing our document) fails.
    const stored = await raw().get('ours');
    await raw().insert({ ...stored, n: 6 });
    await expect(things().get('ours')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses nano methods that would read documents around the check', async () => {
    await expect(things().find({ selector: {} })).rejects.toThrow(/not available on a MAC-checked database/);
  });
});

/** A large batch of rows goes to the store in parts (the second marked while the first is written). */
describe('a MAC-checked write in parts', () => {
  let testStore: TestStore;
  let store: Store;
  const raw = (name: string) => Nano(testStore.embedded.url).use<Record<string, unknown>>(`macparts_${name}`);
  const docs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ _id: `doc-${String(from + i).padStart(5, '0')}`, n: from + i, text: `第${from + i}条` }));
  const writer = (name: string) => store.couch.use<Record<string, unknown>>(store.dbName(name)) as unknown as PartWriter & BulkGetter<Record<string, unknown>>;
  /** The database `name` through a MAC-checked scope whose requests to the store go through `relax`. */
  const through = (name: string, relax: (real: (options: never) => Promise<unknown>, options: never) => Promise<unknown>) => {
    const real = Nano(testStore.embedded.url).use<Record<string, unknown>>(`macparts_${name}`);
    const realRelax = real.server.relax.bind(real.server) as (options: never) => Promise<unknown>;
    return macScope({ ...real, server: { ...real.server, relax: (options: never) => relax(realRelax, options) } }, name, testStore.mac);
  };

  beforeAll(async () => {
    testStore = await startTestStore();
    store = connectStore(testStore.embedded.url, 'embedded', 'macparts_', testStore.mac);
    await store.ensureDatabases(['many', 'held', 'failing', 'second', 'small', 'encode']);
  }, 60_000);
  afterAll(async () => testStore?.close());

  it('writes every document once, answers in the order given, and the store takes them in that order', async () => {
    // Given out of id order: the change feed must follow the order given, not the ids.
    const given = docs(0, 500).reverse();
    const answers = await writer('many').writeInParts(given);
    expect(answers.map((a) => a.id)).toEqual(given.map((d) => d._id));
    expect(answers.every((a) => !a.error && typeof a.rev === 'string')).toBe(true);
    const feed = await raw('many').changes({ since: 0 });
    expect(feed.results.map((r) => r.id)).toEqual(given.map((d) => d._id));
    // Each carries a MAC that verifies: read back through the check, all 500, as written.
    const back = await writer('many').bulkGet(given.map((d) => d._id));
    expect(back.size).toBe(500);
    for (const doc of given) expect(back.get(doc._id)).toMatchObject({ n: doc.n, text: doc.text });
  });

  it('answers a held id in either part as a conflict, and writes the rest', async () => {
    await writer('held').writeInParts([docs(3, 1)[0]!, docs(450, 1)[0]!]);
    const answers = await writer('held').writeInParts(docs(0, 500));
    expect(answers).toHaveLength(500);
    expect(answers.filter((a) => a.error).map((a) => a.id)).toEqual(['doc-00003', 'doc-00450']);
    expect((await raw('held').info()).doc_count).toBe(500);
  });

  it('sends nothing more once the first part fails, and fails the write', async () => {
    const sent: unknown[] = [];
    const db = through('failing', (_real, options) => {
      sent.push(options);
      return Promise.reject(new Error('connection reset'));
    });
    const failed = db.writeInParts(docs(0, 500));
    await expect(failed).rejects.toThrow(/connection reset/);
    await expect(failed).rejects.not.toBeInstanceOf(PartlyWritten);
    expect(sent).toHaveLength(1);
    expect((await raw('failing').info()).doc_count).toBe(0);
  });

  it('says which documents were written when a later part fails', async () => {
    let calls = 0;
    const db = through('second', (real, options) => (++calls === 1 ? real(options) : Promise.reject(new Error('store restarted'))));
    const error = await db.writeInParts(docs(0, 500)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartlyWritten);
    const answered = (error as PartlyWritten).answered;
    const held = (await raw('second').list()).rows.map((r) => r.id);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(500);
    expect(answered.map((a) => a.id).sort()).toEqual(held.sort());
  });

  it('fails as partly written when the second part cannot be encoded after the first went', async () => {
    const given = docs(0, 500);
    (given[450] as Record<string, unknown>).n = 10n; // no JSON for a BigInt: its part cannot be encoded
    const error = await writer('encode').writeInParts(given).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartlyWritten);
    const answered = (error as PartlyWritten).answered.map((a) => a.id);
    expect(answered).toEqual(given.slice(0, 100).map((d) => d._id));
    expect((await raw('encode').info()).doc_count).toBe(100);
  });

  it('writes a small batch in one request, and refuses a document without an id before sending anything', async () => {
    let calls = 0;
    const db = through('small', (real, options) => {
      calls++;
      return real(options);
    });
    expect(await db.writeInParts(docs(0, 150))).toHaveLength(150);
    expect(calls).toBe(1);
    await expect(db.writeInParts([...docs(1000, 400), { n: 1 } as never])).rejects.toThrow(/must carry its _id/);
    expect(calls).toBe(1);
  });
});
