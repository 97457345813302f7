import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { RecordKind, RecordOf } from '@seal/shared';
import { useSync } from './SyncProvider';

/** A record as this replica holds it: its merged document, scope, and whether it is valid. */
export interface HeldRecord<K extends RecordKind> {
  readonly recordId: string;
  readonly scopeUnitId: string;
  readonly record: RecordOf<K>;
}

/**
 * The held records of one kind (merged Automerge documents that satisfy the kind's schema), as a
 * signal that follows the local store: empty while the store is opening, updated as changes are
 * pulled or made here. Records only known by facts about them (no document yet) are left out.
 */
export function createRecords<K extends RecordKind>(kind: K): Accessor<HeldRecord<K>[]> {
  const sync = useSync();
  const [records, setRecords] = createSignal<HeldRecord<K>[]>([]);
  createEffect(() => {
    const store = sync.store();
    setRecords([]);
    if (store === undefined) return;
    const subscription = store.db.records.find({ selector: { kind } }).$.subscribe((docs) => {
      setRecords(
        docs
          .map((doc) => doc.toJSON())
          .filter((doc) => doc.valid && doc.record !== null)
          .map((doc) => ({ recordId: doc.recordId, scopeUnitId: doc.scopeUnitId, record: doc.record as RecordOf<K> })),
      );
    });
    onCleanup(() => subscription.unsubscribe());
  });
  return records;
}
