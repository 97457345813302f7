import type { Accessor } from 'solid-js';
import type { RecordKind } from '@seal/shared';
import { createQuery } from '../primitives/createQuery';
import type { HeldRecord } from '../store/queries';
import { useSync } from './SyncProvider';

export type { HeldRecord } from '../store/queries';

/**
 * The held records of one kind (merged Automerge documents that satisfy the kind's schema), as a
 * list that follows the local store: empty while the store is opening, updated as changes are
 * pulled or made here; a record that stays keeps its object. Records only known by facts about
 * them (no document yet) are left out.
 */
export function createRecords<K extends RecordKind>(kind: K): Accessor<HeldRecord<K>[]> {
  const sync = useSync();
  return createQuery(() => sync.store()?.query.records$(kind), { key: 'recordId' });
}
