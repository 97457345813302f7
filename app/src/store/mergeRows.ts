import { applyChangeRows, compareText, type ChangeRow, type FactRow, type MergedDocument, type SyncRow } from '@seal/shared';
import type { AutomergeApi } from './automerge';

/** A subject's rows, split: its Automerge changes merged into one document, and its facts. */
export interface MergedSubject {
  readonly document: MergedDocument | null;
  readonly facts: readonly FactRow[];
  /** The unit the record's changes were made under (`null` when none is held). */
  readonly scopeUnitId: string | null;
}

/**
 * Merges a subject's change rows into its Automerge document (any order: Automerge orders
 * changes by their dependencies; copies count once; a change that clashes with another is left
 * out the way the server leaves it out, `applyChangeRows`) and keeps its facts aside. `actor` gives the
 * document this replica's actor, for a local edit that follows.
 */
export function mergeRows(automerge: AutomergeApi, rows: readonly SyncRow[], actor?: string): MergedSubject & { readonly doc: unknown } {
  const changes = rows.filter((row): row is ChangeRow => row.type === 'change');
  const facts = rows.filter((row): row is FactRow => row.type === 'fact');
  const fresh = () => automerge.init<unknown>(actor === undefined ? undefined : { actor });
  if (changes.length === 0) return { document: null, facts, scopeUnitId: null, doc: fresh() };
  const { doc } = applyChangeRows((bytes) => automerge.applyChanges(fresh(), [...bytes])[0], changes);
  return {
    document: { json: automerge.toJS(doc), heads: [...automerge.getHeads(doc)].sort(compareText) },
    facts,
    scopeUnitId: changes[0]!.scopeUnitId,
    doc,
  };
}
