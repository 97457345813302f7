/**
 * `fewerReads`: Dexie's reads of many keys give what plain Dexie gives, with a `get` only for the
 * keys held (the point of it), on fake-indexeddb; and RxDB over it still tells new documents
 * from held ones (an insert of a held id is a conflict, an upsert replaces the revision).
 */
import Dexie from 'dexie';
import { IDBKeyRange, IDBObjectStore, indexedDB } from 'fake-indexeddb';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FEWER_READS_MIN_KEYS, FEWER_READS_SPREAD, fewerReads, localStorageDexie } from './fewerReads';

interface Doc {
  readonly id: string;
  readonly n: number;
}

const hexId = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
let counter = 0;
/** This run's databases (fake-indexeddb is per process, but a name is never used twice). */
const run = hexId().slice(0, 8);
const opened: Dexie[] = [];

/** The same documents in two databases: one read through `fewerReads`, one through plain Dexie. */
async function twoStores(docs: readonly Doc[]): Promise<{ ours: Dexie; plain: Dexie }> {
  const open = async (withMiddleware: boolean) => {
    const db = new Dexie(`fewer-reads-${run}-${++counter}`, { indexedDB, IDBKeyRange });
    if (withMiddleware) db.use(fewerReads);
    db.version(1).stores({ docs: 'id', numbered: '++seq' });
    await db.open();
    await db.table('docs').bulkPut([...docs]);
    opened.push(db);
    return db;
  };
  return { ours: await open(true), plain: await open(false) };
}

/** The keys `read` asked IndexedDB to `get`, one by one. */
async function getsDuring<T>(read: () => Promise<T>): Promise<{ value: T; gets: number }> {
  const spy = vi.spyOn(IDBObjectStore.prototype, 'get');
  try {
    const value = await read();
    return { value, gets: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

/** `keys` read as RxDB reads them before a write: inside a read-write transaction. */
const readForWrite = (db: Dexie, keys: readonly string[]): Promise<unknown[]> => db.transaction('rw', db.table('docs'), () => db.table('docs').bulkGet([...keys]));

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe('fewerReads', () => {
  const held: Doc[] = Array.from({ length: 400 }, (_, n) => ({ id: hexId(), n }));

  it('reads nothing key by key when none of the keys is held, and answers undefined for each', async () => {
    const { ours, plain } = await twoStores(held);
    const missing = Array.from({ length: 200 }, hexId);
    const read = await getsDuring(() => readForWrite(ours, missing));
    expect(read.value).toEqual(await plain.table('docs').bulkGet(missing));
    expect(read.value.every((doc) => doc === undefined)).toBe(true);
    expect(read.gets).toBe(0);
  });

  it('gives what plain Dexie gives for held and missing keys mixed, in the order asked, repeats included, and gets only the held ones', async () => {
    const { ours, plain } = await twoStores(held);
    // The lowest and highest held keys among them: the ends of the range are held too.
    const ends = [...held].sort((a, b) => (a.id < b.id ? -1 : 1)).filter((_, i, all) => i === 0 || i === all.length - 1).map((doc) => doc.id);
    const asked = [...held.slice(0, 60).map((doc) => doc.id), ...ends, ...Array.from({ length: 60 }, hexId), held[3]!.id, held[3]!.id].sort(() => Math.random() - 0.5);
    const read = await getsDuring(() => readForWrite(ours, asked));
    expect(read.value).toEqual(await plain.table('docs').bulkGet(asked));
    expect(read.value.filter(Boolean).length).toBeGreaterThanOrEqual(62);
    expect(read.gets).toBeLessThanOrEqual(64);
  });

  it('reads key by key, with the same answer, when the keys are spread over many more held ones', async () => {
    const many: Doc[] = Array.from({ length: FEWER_READS_MIN_KEYS * FEWER_READS_SPREAD * 2 }, (_, n) => ({ id: hexId(), n }));
    const { ours, plain } = await twoStores(many);
    const sorted = [...many].sort((a, b) => (a.id < b.id ? -1 : 1));
    // The first and last held keys, and others between: their range lists every held key.
    const asked = [sorted[0]!.id, sorted.at(-1)!.id, ...Array.from({ length: FEWER_READS_MIN_KEYS }, hexId)];
    const read = await getsDuring(() => readForWrite(ours, asked));
    expect(read.value).toEqual(await plain.table('docs').bulkGet(asked));
    expect(read.gets).toBe(asked.length);
  });

  it('outside a write, lists no more keys than it asks for: key by key where many are held, none where the range holds none', async () => {
    const { ours, plain } = await twoStores(held);
    const spread = [...held.slice(0, 40).map((doc) => doc.id), ...Array.from({ length: 40 }, hexId)];
    const read = await getsDuring(() => ours.table('docs').bulkGet(spread));
    expect(read.value).toEqual(await plain.table('docs').bulkGet(spread));
    expect(read.gets).toBe(spread.length);
    // Keys above every held one (hex ids sort below 'z'): the range holds none of the store's.
    const absent = Array.from({ length: 80 }, () => `z${hexId()}`);
    const none = await getsDuring(() => ours.table('docs').bulkGet(absent));
    expect(none.value).toEqual(await plain.table('docs').bulkGet(absent));
    expect(none.gets).toBe(0);
  });

  it('leaves short reads and tables keyed by numbers as they were', async () => {
    const { ours, plain } = await twoStores(held);
    const few = [held[0]!.id, hexId(), held[1]!.id];
    expect(await ours.table('docs').bulkGet(few)).toEqual(await plain.table('docs').bulkGet(few));
    const rows = Array.from({ length: 100 }, (_, n) => ({ n }));
    await ours.table('numbered').bulkAdd(rows);
    await plain.table('numbered').bulkAdd(rows);
    const seqs = Array.from({ length: 120 }, (_, i) => i + 1);
    expect(await ours.table('numbered').bulkGet(seqs)).toEqual(await plain.table('numbered').bulkGet(seqs));
  });
});

describe('RxDB on localStorageDexie', () => {
  const schema: RxJsonSchema<Doc> = { version: 0, primaryKey: 'id', type: 'object', properties: { id: { type: 'string', maxLength: 64 }, n: { type: 'number' } }, required: ['id', 'n'] };

  it('refuses an insert of a held id, replaces a held document on upsert, and inserts the new ones', async () => {
    const db = await createRxDatabase<{ docs: RxCollection<Doc> }>({ name: `fewer-reads-rx-${run}-${++counter}`, storage: localStorageDexie({ indexedDB, IDBKeyRange }) });
    try {
      const { docs } = await db.addCollections({ docs: { schema } });
      const first: Doc[] = Array.from({ length: 300 }, (_, n) => ({ id: hexId(), n }));
      expect((await docs.bulkInsert(first)).error).toEqual([]);
      const fresh: Doc[] = Array.from({ length: 100 }, (_, n) => ({ id: hexId(), n: 1000 + n }));
      // 150 ids, 50 of them held: RxDB's look before the write gets the held ones only (the
      // storage as the app opens it carries the middleware; plain Dexie would get all 150).
      const { value: again, gets } = await getsDuring(() => docs.bulkInsert([...first.slice(0, 50), ...fresh]));
      expect(gets).toBeLessThan(100);
      expect(again.error.map((error) => error.status)).toEqual(Array.from({ length: 50 }, () => 409));
      expect(again.error.map((error) => error.documentId).sort()).toEqual(first.slice(0, 50).map((doc) => doc.id).sort());
      await docs.bulkUpsert(first.slice(0, 100).map((doc) => ({ ...doc, n: doc.n + 5000 })));
      // RxDB's document type does not resolve here: read as what it holds.
      const all = (await docs.find().exec()) as unknown as readonly { readonly id: string; readonly n: number; readonly revision: string }[];
      expect(all).toHaveLength(400);
      const byId = new Map(all.map((doc) => [doc.id, { n: doc.n, revision: doc.revision }]));
      for (const doc of first.slice(0, 100)) {
        expect(byId.get(doc.id)!.n).toBe(doc.n + 5000);
        expect(byId.get(doc.id)!.revision.startsWith('2-')).toBe(true);
      }
      for (const doc of [...first.slice(100), ...fresh]) expect(byId.get(doc.id)!.n).toBe(doc.n);
    } finally {
      await db.remove();
    }
  });
});
