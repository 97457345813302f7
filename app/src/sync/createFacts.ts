import type { Accessor } from 'solid-js';
import type { FactBody, FactKind } from '@seal/shared';
import { createQuery } from '../primitives/createQuery';
import type { FactFilter } from '../store/queries';
import { useSync } from './SyncProvider';

/**
 * The held facts of one kind (about one subject, when given) as a list that follows the local
 * store: empty while the store is opening, updated as rows are pulled or recorded. A fact that
 * stays keeps its object (matched by `id`; device log entries, which have none, by position).
 */
export function createFacts<K extends FactKind>(kind: K, subject?: Accessor<string | undefined>, filter: Omit<FactFilter, 'subject'> = {}): Accessor<FactBody<K>[]> {
  const sync = useSync();
  return createQuery(() => {
    const store = sync.store();
    const about = subject?.();
    if (store === undefined || (subject !== undefined && about === undefined)) return undefined;
    return store.query.facts$(kind, { ...filter, ...(about === undefined ? {} : { subject: about }) });
  }, { key: 'id' });
}
