import { createEffect, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { RefusedRowView } from '../store/syncStatus';
import { useSync } from './SyncProvider';

/** What the screens need to know about rows made here: which still wait to go up, and which the server refused. */
export interface RowStates {
  /** Ids of rows made on this device that the server has not answered yet. */
  readonly waiting: Accessor<ReadonlySet<string>>;
  /** Refused rows, with the server's reason. */
  readonly refusals: Accessor<readonly RefusedRowView[]>;
  readonly refusedIds: Accessor<ReadonlySet<string>>;
}

/**
 * Follows the local store's outbox (live: an entry leaves when the server answers its row) and
 * the refusals the sync status holds.
 */
export function createRowStates(): RowStates {
  const sync = useSync();
  const [waiting, setWaiting] = createSignal<ReadonlySet<string>>(new Set());
  createEffect(() => {
    const store = sync.store();
    setWaiting(new Set<string>());
    if (store === undefined) return;
    const subscription = store.db.local.find({ selector: { type: 'outbox' } }).$.subscribe((docs) => {
      setWaiting(new Set(docs.map((doc) => doc.key)));
    });
    onCleanup(() => subscription.unsubscribe());
  });
  const refusals = createMemo(() => sync.status()?.refusals ?? []);
  const refusedIds = createMemo(() => new Set(refusals().map((r) => r.id)) as ReadonlySet<string>);
  return { waiting, refusals, refusedIds };
}
