/**
 * The Node replicas of the tests and benches keep their stores on fake-indexeddb, patched
 * (`patches/fake-indexeddb+*.patch`) so that a cursor's step starts from where the cursor stands:
 * as published, each step walked the index again from the range's start (a cursor over n records
 * cost O(n²): 30 s for 10,000). The patch must not change what a cursor visits: walked here in
 * every direction, over a unique and a non-unique index, with open and closed ranges and jumps,
 * against the order worked out from the data itself.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';

interface Doc { id: string; group: string; n: number }

const docs: Doc[] = Array.from({ length: 240 }, (_, i) => ({ id: `id-${String((i * 97) % 240).padStart(3, '0')}`, group: `g${i % 7}`, n: i % 13 }));

async function openDb(): Promise<IDBDatabase> {
  const factory = new IDBFactory();
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open('cursor-check', 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore('docs', { keyPath: 'id' });
      store.createIndex('byGroup', 'group');
      store.createIndex('byGroupId', ['group', 'id'], { unique: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('the request failed'));
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('docs', 'readwrite');
    for (const doc of docs) tx.objectStore('docs').put(doc);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('the transaction failed'));
  });
  return db;
}

/** The primary keys a cursor visits, in order; `jump` may name a key to continue to instead. */
function walk(db: IDBDatabase, index: string | undefined, range: IDBKeyRange | undefined, direction: IDBCursorDirection, jump?: (key: IDBValidKey) => IDBValidKey | undefined): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const store = db.transaction('docs').objectStore('docs');
    const source = index === undefined ? store : store.index(index);
    const request = source.openCursor(range, direction);
    const seen: string[] = [];
    request.onsuccess = () => {
      const cursor = request.result;
      if (cursor === null) return resolve(seen);
      seen.push(cursor.primaryKey as string);
      const to = jump?.(cursor.key);
      if (to === undefined) cursor.continue();
      else cursor.continue(to);
    };
    request.onerror = () => reject(request.error ?? new Error('the request failed'));
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The docs by group then id (how an index on `group` orders records of the same key). */
const byGroup = [...docs].sort((a, b) => cmp(a.group, b.group) || cmp(a.id, b.id));
const inGroups = (from: string, to: string, lowerOpen = false, upperOpen = false) =>
  byGroup.filter((d) => (lowerOpen ? d.group > from : d.group >= from) && (upperOpen ? d.group < to : d.group <= to));

describe('fake-indexeddb cursors, as patched, visit what IndexedDB says they visit', () => {
  it('over the object store, forwards and backwards, whole and in ranges', async () => {
    const db = await openDb();
    const ids = docs.map((d) => d.id).sort(cmp);
    expect(await walk(db, undefined, undefined, 'next')).toEqual(ids);
    expect(await walk(db, undefined, undefined, 'prev')).toEqual([...ids].reverse());
    const range = IDBKeyRange.bound('id-050', 'id-120', true, false);
    const inRange = ids.filter((id) => id > 'id-050' && id <= 'id-120');
    expect(await walk(db, undefined, range, 'next')).toEqual(inRange);
    expect(await walk(db, undefined, range, 'prev')).toEqual([...inRange].reverse());
  });

  it('over a non-unique index: every record of a key, in primary-key order, each once', async () => {
    const db = await openDb();
    expect(await walk(db, 'byGroup', undefined, 'next')).toEqual(byGroup.map((d) => d.id));
    expect(await walk(db, 'byGroup', IDBKeyRange.bound('g2', 'g4'), 'next')).toEqual(inGroups('g2', 'g4').map((d) => d.id));
    expect(await walk(db, 'byGroup', IDBKeyRange.bound('g2', 'g4', true, true), 'next')).toEqual(inGroups('g2', 'g4', true, true).map((d) => d.id));
    // Backwards: keys from the last, and within a key its records from the last primary key.
    const backwards = [...inGroups('g1', 'g5')].sort((a, b) => cmp(b.group, a.group) || cmp(b.id, a.id));
    expect(await walk(db, 'byGroup', IDBKeyRange.bound('g1', 'g5'), 'prev')).toEqual(backwards.map((d) => d.id));
  });

  it('unique directions give each key once: its lowest primary key, either way', async () => {
    const db = await openDb();
    const firsts = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((g) => byGroup.find((d) => d.group === g)!.id);
    expect(await walk(db, 'byGroup', undefined, 'nextunique')).toEqual(firsts);
    expect(await walk(db, 'byGroup', undefined, 'prevunique')).toEqual([...firsts].reverse());
  });

  it('continue(key) past the range\'s end, either way, ends the cursor (nothing thrown)', async () => {
    const db = await openDb();
    const ids = docs.map((d) => d.id).sort(cmp).filter((id) => id >= 'id-050' && id <= 'id-120');
    const range = IDBKeyRange.bound('id-050', 'id-120');
    expect(await walk(db, undefined, range, 'next', () => 'id-200')).toEqual([ids[0]]);
    expect(await walk(db, undefined, range, 'prev', () => 'id-000')).toEqual([ids.at(-1)]);
    expect(await walk(db, undefined, range, 'nextunique', () => 'id-200')).toEqual([ids[0]]);
    const groups = IDBKeyRange.bound('g2', 'g4');
    expect(await walk(db, 'byGroup', groups, 'next', () => 'g6')).toEqual([inGroups('g2', 'g4')[0]!.id]);
    const lastOfG4 = inGroups('g4', 'g4').at(-1)!.id;
    expect(await walk(db, 'byGroup', groups, 'prev', () => 'g0')).toEqual([lastOfG4]);
  });

  it('continue(key) jumps over the keys between, and a compound index walks as the app queries it', async () => {
    const db = await openDb();
    // From each g1 record straight to g4: the first g1 record, then g4 onwards.
    const jumped = await walk(db, 'byGroup', undefined, 'next', (key) => (key === 'g1' ? 'g4' : undefined));
    const expected = [...byGroup.filter((d) => d.group === 'g0'), byGroup.find((d) => d.group === 'g1')!, ...byGroup.filter((d) => d.group >= 'g4')];
    expect(jumped).toEqual(expected.map((d) => d.id));
    // The shape of RxDB's queries on dexie: a compound index, a prefix range.
    const range = IDBKeyRange.bound(['g3', ''], ['g3', '\uffff']);
    expect(await walk(db, 'byGroupId', range, 'next')).toEqual(byGroup.filter((d) => d.group === 'g3').map((d) => d.id));
    expect(await walk(db, 'byGroupId', range, 'prev')).toEqual(byGroup.filter((d) => d.group === 'g3').map((d) => d.id).reverse());
  });
});
