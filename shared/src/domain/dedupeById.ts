import { canonicalJson } from '../encoding/canonical';
import { compareText } from './compare';

/** Facts with one body per id, and the ids that arrived with more than one body. */
export interface Deduped<T> {
  /** One fact per id, sorted by id. */
  readonly facts: T[];
  /** Ids seen with different bodies (an alarm: an id must always carry the same bytes). */
  readonly conflicts: string[];
}

/**
 * Keeps one fact per id, whatever the order or the number of copies they arrived in. Copies with
 * the same canonical bytes are the same fact. Different bodies under one id break the rule that
 * facts never change; they are reported, and the body with the smallest canonical JSON is kept so
 * that every replica keeps the same one.
 */
export function dedupeById<T extends { readonly id: string }>(facts: readonly T[]): Deduped<T> {
  return dedupeBy(facts, (fact) => fact.id);
}

/** {@link dedupeById} for facts whose id is computed from their fields (e.g. `deviceEventId`). */
export function dedupeBy<T>(facts: readonly T[], idOf: (fact: T) => string): Deduped<T> {
  const kept = new Map<string, { fact: T; text: string }>();
  const conflicts = new Set<string>();
  for (const fact of facts) {
    const id = idOf(fact);
    const text = canonicalJson(fact);
    const seen = kept.get(id);
    if (seen === undefined) {
      kept.set(id, { fact, text });
      continue;
    }
    if (seen.text === text) continue;
    conflicts.add(id);
    if (text < seen.text) kept.set(id, { fact, text });
  }
  return {
    facts: [...kept.entries()].sort(([a], [b]) => compareText(a, b)).map(([, entry]) => entry.fact),
    conflicts: [...conflicts].sort(compareText),
  };
}
