import { afterEach, describe, expect, it } from 'vitest';
import { createEffect, createRoot, createSignal, type Accessor } from 'solid-js';
import { createRxDatabase, type RxCollection, type RxDocument } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { map, Subject } from 'rxjs';
import { createQuery } from './createQuery';

interface Item {
  id: string;
  label: string;
  tags: string[];
}

const mapJson = map((docs: RxDocument<Item>[]) => docs.map((doc) => doc.toJSON() as Item));

/** Records the label of the list's first item each time a reader of it is notified. */
function createRenderEffectOnFirst(list: Accessor<Item[]>, record: (label: string) => void): void {
  createEffect(() => {
    const first = list()[0];
    if (first !== undefined) record(first.label);
  });
}

let counter = 0;
const open: { close(): Promise<unknown> }[] = [];

async function itemsCollection(): Promise<RxCollection<Item>> {
  const db = await createRxDatabase<{ items: RxCollection<Item> }>({ name: `create-query-${Date.now()}-${++counter}`, storage: getRxStorageMemory() });
  open.push(db);
  await db.addCollections({
    items: {
      schema: {
        version: 0,
        primaryKey: 'id',
        type: 'object',
        properties: { id: { type: 'string', maxLength: 40 }, label: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['id', 'label', 'tags'],
      },
    },
  });
  return db.items;
}

/** Resolves once `check` holds (RxDB emits query results asynchronously). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

describe('createQuery over a real RxDB collection', () => {
  it('reflects inserts, updates and removes; an item that stays keeps its object', async () => {
    const items = await itemsCollection();
    await items.insert({ id: 'a', label: 'first', tags: ['x'] });
    const { list, dispose } = createRoot((dispose) => ({
      list: createQuery(() => items.find({ sort: [{ id: 'asc' }] }).$.pipe(mapJson), { key: 'id' }),
      dispose,
    }));
    await until(() => list().length === 1, 'the first item');
    const a = list()[0]!;
    expect(a).toMatchObject({ id: 'a', label: 'first', tags: ['x'] });

    await items.insert({ id: 'b', label: 'second', tags: [] });
    await until(() => list().length === 2, 'the insert');
    expect(list().map((i) => i.id)).toEqual(['a', 'b']);
    expect(list()[0]).toBe(a);

    await items.findOne('a').patch({ label: 'first, edited', tags: ['x', 'y'] });
    await until(() => list()[0]!.label === 'first, edited', 'the update');
    expect(list()[0]).toBe(a);
    expect(a.tags).toEqual(['x', 'y']);

    await items.findOne('a').remove();
    await until(() => list().length === 1, 'the removal');
    expect(list().map((i) => i.label)).toEqual(['second']);
    dispose();
  });

  it('notifies a reader of one item only when that item changed', async () => {
    const items = await itemsCollection();
    await items.bulkInsert([{ id: 'a', label: 'A', tags: [] }, { id: 'b', label: 'B', tags: [] }]);
    const seen: string[] = [];
    const { list, dispose } = createRoot((dispose) => {
      const list = createQuery(() => items.find({ sort: [{ id: 'asc' }] }).$.pipe(mapJson), { key: 'id' });
      createRenderEffectOnFirst(list, (label) => seen.push(label));
      return { list, dispose };
    });
    await until(() => seen.length === 1, 'the first read');
    await items.findOne('b').patch({ label: 'B2' });
    await until(() => list()[1]?.label === 'B2', 'the update of b');
    await items.findOne('a').patch({ label: 'A2' });
    await until(() => seen.length === 2, 'the update of a');
    expect(seen).toEqual(['A', 'A2']);
    dispose();
  });

  it('unsubscribes when its owner is disposed, and when the source changes', async () => {
    const first = new Subject<Item[]>();
    const second = new Subject<Item[]>();
    const [source, setSource] = createSignal<Subject<Item[]> | undefined>(first);
    const { list, dispose } = createRoot((dispose) => ({ list: createQuery(() => source(), { key: 'id' }), dispose }));
    await until(() => first.observed, 'the subscription');
    first.next([{ id: 'a', label: 'A', tags: [] }]);
    expect(list().map((i) => i.id)).toEqual(['a']);

    setSource(second);
    expect(first.observed).toBe(false);
    expect(second.observed).toBe(true);
    expect(list()).toEqual([]);

    setSource(undefined);
    expect(second.observed).toBe(false);
    setSource(second);
    expect(second.observed).toBe(true);
    dispose();
    expect(second.observed).toBe(false);
  });

  it('with an initial value, follows a listener registry whose subscribe returns the stop function', async () => {
    const listeners = new Set<(value: number) => void>();
    const registry = {
      subscribe(listener: (value: number) => void) {
        listeners.add(listener);
        listener(1);
        return () => listeners.delete(listener);
      },
    };
    const [on, setOn] = createSignal(false);
    const { value, dispose } = createRoot((dispose) => ({ value: createQuery(() => (on() ? registry : undefined), { initial: 0 }), dispose }));
    await until(() => true, 'the effect');
    expect(value()).toBe(0);
    setOn(true);
    expect(value()).toBe(1);
    listeners.forEach((l) => l(7));
    expect(value()).toBe(7);
    dispose();
    expect(listeners.size).toBe(0);
  });

  it('keeps copies: the items it holds never alias the data the source emitted', async () => {
    const source = new Subject<Item[]>();
    const { list, dispose } = createRoot((dispose) => ({ list: createQuery(() => source, { key: 'id' }), dispose }));
    await until(() => source.observed, 'the subscription');
    const emitted = [{ id: 'a', label: 'A', tags: ['x'] }];
    source.next(emitted);
    source.next([{ id: 'a', label: 'A2', tags: ['y'] }]);
    expect(list()[0]).toMatchObject({ label: 'A2', tags: ['y'] });
    expect(emitted).toEqual([{ id: 'a', label: 'A', tags: ['x'] }]);
    dispose();
  });
});
