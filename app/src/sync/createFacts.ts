import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { FactBody, FactKind } from '@seal/shared';
import { watchFacts } from '../store/watchFacts';
import { useSync } from './SyncProvider';

/**
 * The held facts of one kind (about one subject, when given) as a signal that follows the local
 * store: empty while the store is opening, updated as rows are pulled or recorded.
 */
export function createFacts<K extends FactKind>(kind: K, subject?: Accessor<string | undefined>): Accessor<FactBody<K>[]> {
  const sync = useSync();
  const [facts, setFacts] = createSignal<FactBody<K>[]>([]);
  createEffect(() => {
    const store = sync.store();
    const about = subject?.();
    setFacts([]);
    if (store === undefined || (subject !== undefined && about === undefined)) return;
    onCleanup(watchFacts(store, kind, setFacts, about));
  });
  return facts;
}
