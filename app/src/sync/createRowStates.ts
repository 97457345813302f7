import { createMemo, type Accessor } from 'solid-js';
import { map } from 'rxjs';
import { createQuery } from '../primitives/createQuery';
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
  const waiting = createQuery(
    () => sync.store()?.query.waiting$().pipe(map((ids): ReadonlySet<string> => new Set(ids))),
    { initial: new Set<string>() },
  );
  const refusals = createMemo(() => sync.status()?.refusals ?? []);
  const refusedIds = createMemo(() => new Set(refusals().map((r) => r.id)) as ReadonlySet<string>);
  return { waiting, refusals, refusedIds };
}
