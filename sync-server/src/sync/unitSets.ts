import type { DocumentScope } from 'nano';
import { getDoc, isConflict } from '../couch/docs';
import type { UnitSetStore } from './pullCheckpoint';

/** Unit sets kept per person: their replicas' latest ones (a tablet, a laptop, a few old checkpoints). */
export const UNIT_SETS_PER_USER = 8;

export interface UnitSetsDoc {
  readonly type: 'unit_sets';
  readonly userId: string;
  /** Newest last. */
  readonly sets: readonly { readonly ref: string; readonly digests: string }[];
}

/** Content-addressed sets already read or written here (they never change): most pulls then ask the store nothing. */
const known = new Map<string, string>();
const KNOWN_MAX = 2000;
const remember = (key: string, digests: string): void => {
  if (known.size >= KNOWN_MAX) known.delete(known.keys().next().value!);
  known.set(key, digests);
};

/**
 * The unit sets a person's checkpoints name by reference (ADR 010), in the `meta` database: one
 * document per person (`unitsets:<userId>`) holding the {@link UNIT_SETS_PER_USER} latest, so that
 * however many subsets of their scope a client claims, what the server keeps for them is bounded.
 * A checkpoint naming a set dropped since reads as one whose scope is unknown.
 */
export function unitSetStore(db: DocumentScope<UnitSetsDoc>, userId: string): UnitSetStore {
  const id = `unitsets:${userId}`;
  return {
    async put(ref, digests) {
      if (known.get(`${userId}:${ref}`) === digests) return;
      for (let attempt = 0; ; attempt++) {
        const stored = await getDoc(db, id);
        if (stored?.sets.some((set) => set.ref === ref)) break;
        const sets = [...(stored?.sets ?? []), { ref, digests }].slice(-UNIT_SETS_PER_USER);
        try {
          await db.insert({ _id: id, ...(stored ? { _rev: stored._rev } : {}), type: 'unit_sets', userId, sets });
          break;
        } catch (error) {
          if (!isConflict(error) || attempt >= 4) throw error;
        }
      }
      remember(`${userId}:${ref}`, digests);
    },
    async get(ref) {
      const cached = known.get(`${userId}:${ref}`);
      if (cached !== undefined) return cached;
      const stored = await getDoc(db, id);
      const digests = stored?.type === 'unit_sets' ? stored.sets.find((set) => set.ref === ref)?.digests : undefined;
      if (digests !== undefined) remember(`${userId}:${ref}`, digests);
      return digests;
    },
  };
}
