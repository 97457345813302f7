import type { FactBody, FactKind } from '@seal/shared';
import type { LocalStore } from './localStore';

/**
 * Calls `onChange` with the bodies of every held fact of one kind (optionally about one subject),
 * now and after each change to them — pulled, recorded here, or refused and dropped. Returns the
 * function that stops watching.
 */
export function watchFacts<K extends FactKind>(store: LocalStore, kind: K, onChange: (bodies: FactBody<K>[]) => void, subject?: string): () => void {
  const selector = subject === undefined ? { type: 'fact' as const, kind } : { type: 'fact' as const, kind, subject };
  const subscription = store.db.rows.find({ selector }).$.subscribe((docs) => {
    onChange(docs.map((doc) => (doc.toJSON() as unknown as { body: FactBody<K> }).body));
  });
  return () => subscription.unsubscribe();
}
