import Nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';
import { loadUnitTree } from '../auth/scope';
import { docRepo, withKeptList, type DocRepo } from './docRepo';
import type { UnitDoc } from './model';
import { connectStore, type Store } from './store';

interface Thing {
  readonly id: string;
  readonly name: string;
  readonly where?: { readonly lat: number };
}

/** A list kept under the database's sequence: read again after every write, whoever wrote it, and never a forged document. */
describe('a list kept until its database changes', () => {
  let testStore: TestStore;
  let store: Store;
  let things: DocRepo<Thing>;
  let reads = 0;

  beforeAll(async () => {
    testStore = await startTestStore();
    store = connectStore(testStore.embedded.url, 'embedded', 'keptlist_', testStore.mac);
    await store.ensureDatabases(['things']);
    const db = store.couch.use<Thing>(store.dbName('things'));
    const plain = docRepo<Thing>(db);
    things = withKeptList(db, { ...plain, list: () => (reads++, plain.list()) });
  }, 60_000);
  afterAll(async () => testStore?.close());

  it('is read once while nothing changes, again after a write through the server or straight into the store', async () => {
    await things.create({ id: 'a', name: 'first', where: { lat: 30 } });
    const first = await things.list();
    const again = await things.list();
    expect(first.map((t) => t.name)).toEqual(['first']);
    expect(reads).toBe(1);
    expect(again[0]).toBe(first[0]);
    // Shared by every caller: nobody changes it under the others.
    expect(() => ((first[0] as { name: string }).name = 'changed')).toThrow(TypeError);
    expect(() => ((first[0]!.where as { lat: number }).lat = 0)).toThrow(TypeError);
    // Each caller gets its own array.
    first.pop();
    expect(await things.list()).toHaveLength(1);

    await things.update('a', (doc) => ({ ...doc, name: 'renamed' }));
    expect((await things.list()).map((t) => t.name)).toEqual(['renamed']);
    expect(reads).toBe(2);

    // Written by someone holding the store credential: the list is read again, and the forged document is not in it.
    await Nano(testStore.embedded.url).use(store.dbName('things')).insert({ _id: 'forged', id: 'forged', name: 'forged' } as never);
    expect((await things.list()).map((t) => t.id)).toEqual(['a']);
    expect(reads).toBe(3);
  });

  it('reads again after a failed read instead of keeping the failure', async () => {
    const db = store.couch.use<Thing>(store.dbName('things'));
    const plain = docRepo<Thing>(db);
    let fail = true;
    const flaky = withKeptList(db, { ...plain, list: () => (fail ? Promise.reject(new Error('the store hung up')) : plain.list()) });
    await expect(flaky.list()).rejects.toThrow('the store hung up');
    fail = false;
    expect((await flaky.list()).map((t) => t.id)).toEqual(['a']);
  });

  it('builds the organisation tree once a change of the units, not once a request, and again after a write', async () => {
    await store.ensureDatabases(['units']);
    const db = store.couch.use<UnitDoc>(store.dbName('units'));
    const units = withKeptList(db, docRepo<UnitDoc>(db));
    const unit = (id: string, parentId: string | null): UnitDoc => ({ type: 'unit', id, name: id, kind: parentId === null ? 'hq' : 'site', parentId, createdAt: 1, updatedAt: 1 });
    await units.create(unit('hq', null));
    const first = await loadUnitTree(units);
    expect([...first.keys()]).toEqual(['hq']);
    expect(await loadUnitTree(units)).toBe(first);
    // A plain repository (no kept list) builds it each time, as before.
    expect(await loadUnitTree(docRepo<UnitDoc>(db))).not.toBe(first);
    await units.create(unit('site-1', 'hq'));
    const after = await loadUnitTree(units);
    expect(after).not.toBe(first);
    expect([...after.keys()].sort()).toEqual(['hq', 'site-1']);
    expect(after.get('site-1' as never)?.parentId).toBe('hq');
  });
});
