import type { DocumentScope } from 'nano';
import type { Refusal, Result } from '@seal/shared';
import { createDoc, deleteAll, getDoc, idsBelow, isConflict } from './docs';
import type { ChallengeDoc } from './model';

/** Why a challenge cannot complete a ceremony. */
export type ChallengeRefusalCode = 'challenge_unknown' | 'challenge_used' | 'challenge_expired' | 'challenge_mismatch';

/** WebAuthn challenges, kept in the store (not in memory) so any server instance can finish a ceremony. */
export interface ChallengesRepo {
  issue(challenge: string, doc: ChallengeDoc): Promise<void>;
  /**
   * Marks a challenge used, exactly once across all server instances (CouchDB's revision check
   * decides a race), and returns what it was issued for.
   */
  consume(challenge: string, purposes: readonly ChallengeDoc['purpose'][], now: number): Promise<Result<ChallengeDoc, Refusal<ChallengeRefusalCode>>>;
  /** Deletes challenges that expired before `before`; returns how many. */
  sweep(before: number): Promise<number>;
}

const docId = (challenge: string): string => `ch:${challenge}`;
const refuse = (code: ChallengeRefusalCode, message: string): Result<never, Refusal<ChallengeRefusalCode>> => ({ ok: false, error: { code, message } });

export function challengesRepo(db: DocumentScope<ChallengeDoc>): ChallengesRepo {
  return {
    async issue(challenge, doc) {
      if (!(await createDoc(db, docId(challenge), doc))) throw new Error('challenge collision (256-bit random): refusing');
    },
    async consume(challenge, purposes, now) {
      const stored = await getDoc(db, docId(challenge));
      if (!stored) return refuse('challenge_unknown', 'This challenge was not issued by this server (or was cleaned up): start again');
      const { _id: _i, _rev: _r, ...doc } = stored;
      if (doc.consumedAt !== undefined) return refuse('challenge_used', 'This challenge was already used: a replayed response is refused');
      if (doc.expiresAt <= now) return refuse('challenge_expired', 'This challenge expired: start again');
      if (!purposes.includes(doc.purpose)) {
        return refuse('challenge_mismatch', `This challenge was issued for "${doc.purpose}", not for "${purposes.join('" or "')}"`);
      }
      try {
        await db.insert({ ...stored, consumedAt: now });
      } catch (error) {
        if (isConflict(error)) return refuse('challenge_used', 'This challenge was already used: a replayed response is refused');
        throw error;
      }
      return { ok: true, value: doc };
    },
    async sweep(before) {
      return deleteAll(db, await idsBelow(db, 'challenges', 'by_expiry', before));
    },
  };
}
