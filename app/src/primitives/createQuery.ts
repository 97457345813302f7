import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';

/**
 * Anything that pushes values to a subscriber: an RxJS `Observable` (an RxDB query's `$`), or a
 * listener registry whose `subscribe` returns the function that stops it.
 */
export interface Subscribable<T> {
  subscribe(next: (value: T) => void): { unsubscribe(): void } | (() => void);
}

export interface ValueQueryOptions<T> {
  /** The value while there is no source, or before it emits. */
  readonly initial: T;
}

export interface ListQueryOptions {
  /**
   * The field that names an item (`id`, `recordId`): the list is kept in a solid store and each
   * new emission is reconciled into it by that key, so an item that is still there keeps its
   * object (and a `<For>` its DOM and focus) and only what changed in it notifies.
   */
  readonly key: string;
}

/**
 * Follows `source()` as a signal: subscribes to it, and again whenever it changes (e.g. the local
 * store opens or closes), unsubscribing from the previous one and when the owner is disposed.
 * While `source()` is `undefined` (and when it changes) the value is the initial one, or `[]`.
 *
 * With `key`, the source emits lists of plain data and the answer is a list kept item by item
 * (see {@link ListQueryOptions}), made of copies; with `initial`, it is each value as emitted.
 */
export function createQuery<T>(source: Accessor<Subscribable<readonly T[]> | undefined>, options: ListQueryOptions): Accessor<T[]>;
export function createQuery<T>(source: Accessor<Subscribable<T> | undefined>, options: ValueQueryOptions<T>): Accessor<T>;
export function createQuery<T>(source: Accessor<Subscribable<T> | Subscribable<readonly T[]> | undefined>, options: ValueQueryOptions<T> | ListQueryOptions): Accessor<T> | Accessor<T[]> {
  if ('key' in options) return createListQuery(source as Accessor<Subscribable<readonly T[]> | undefined>, options.key);
  const [value, setValue] = createSignal<T>(options.initial);
  follow(source as Accessor<Subscribable<T> | undefined>, () => setValue(() => options.initial), (next) => setValue(() => next));
  return value;
}

function createListQuery<T>(source: Accessor<Subscribable<readonly T[]> | undefined>, key: string): Accessor<T[]> {
  const [state, setState] = createStore<{ items: T[] }>({ items: [] });
  follow(
    source,
    () => setState('items', []),
    // A copy: the store updates the objects it keeps in place, and the source's (an RxDB
    // document's data) must never change under it.
    (next) => setState('items', reconcile(structuredClone(next) as T[], { key, merge: false })),
  );
  // eslint-disable-next-line solid/reactivity -- an accessor: its reader tracks the list
  return () => state.items;
}

/** Subscribes to the current source (after `reset`), unsubscribing when it changes or the owner goes. */
function follow<T>(source: Accessor<Subscribable<T> | undefined>, reset: () => void, next: (value: T) => void): void {
  createEffect(() => {
    const current = source();
    reset();
    if (current === undefined) return;
    const subscription = current.subscribe(next);
    onCleanup(typeof subscription === 'function' ? subscription : () => subscription.unsubscribe());
  });
}
