import type { DocumentScope } from 'nano';
import { createDoc, deleteAll, docsByKey, getDoc, idsBelow, isConflict, type Stored } from './docs';
import type { SessionDoc } from './model';

/** Server-side sessions, keyed by the SHA-256 of the cookie token. */
export interface SessionsRepo {
  get(tokenHash: string): Promise<SessionDoc | undefined>;
  create(tokenHash: string, session: SessionDoc): Promise<void>;
  /** Moves the idle deadline forward; a concurrent touch winning the race is fine. */
  touch(tokenHash: string, now: number, idleMs: number): Promise<void>;
  revoke(tokenHash: string, now: number): Promise<void>;
  /** Revokes every session of a user (disabled) or signed in with a credential (revoked). */
  revokeWhere(by: { userId: string } | { credentialId: string }, now: number): Promise<number>;
  /** Deletes sessions that can no longer be used; returns how many. */
  sweep(now: number): Promise<number>;
}

/** How many times a revocation reads again and retries sessions that changed under it. */
const REVOKE_ROUNDS = 5;

export function sessionsRepo(db: DocumentScope<SessionDoc>): SessionsRepo {
  /**
   * Marks sessions revoked. A session touched meanwhile (its idle deadline moved: a request of
   * its user landing at that moment) answers `conflict`: it is read again and revoked again, so a
   * revocation never leaves a session alive. Throws if one still conflicts after a few rounds.
   */
  const revokeDocs = async (docs: (SessionDoc & Stored)[], now: number): Promise<number> => {
    let revoked = 0;
    let pending = docs.filter((d) => d.revokedAt === undefined);
    for (let round = 0; pending.length > 0; round++) {
      if (round === REVOKE_ROUNDS) throw new Error(`${pending.length} session(s) kept changing while being revoked: try again`);
      const results = await db.bulk({ docs: pending.map((d) => ({ ...d, revokedAt: now })) });
      revoked += results.filter((r) => !r.error).length;
      const conflicted = results.filter((r) => r.error === 'conflict').map((r) => r.id);
      const other = results.find((r) => r.error && r.error !== 'conflict');
      if (other) throw new Error(`the store refused to revoke session ${String(other.id).slice(0, 8)}…: ${other.error}`);
      const again = await Promise.all(conflicted.map((id) => getDoc(db, id)));
      pending = again.filter((d): d is SessionDoc & Stored => d !== undefined && d.revokedAt === undefined);
    }
    return revoked;
  };
  return {
    async get(tokenHash) {
      const doc = await getDoc(db, tokenHash);
      if (!doc) return undefined;
      const { _id: _i, _rev: _r, ...session } = doc;
      return session;
    },
    async create(tokenHash, session) {
      if (!(await createDoc(db, tokenHash, session))) throw new Error('session token collision (256-bit token): refusing');
    },
    async touch(tokenHash, now, idleMs) {
      const doc = await getDoc(db, tokenHash);
      if (!doc || doc.revokedAt !== undefined) return;
      try {
        await db.insert({ ...doc, lastSeenAt: now, idleExpiresAt: now + idleMs });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    },
    async revoke(tokenHash, now) {
      const doc = await getDoc(db, tokenHash);
      if (doc) await revokeDocs([doc], now);
    },
    async revokeWhere(by, now) {
      const [view, key] = 'userId' in by ? ['by_user', by.userId] : ['by_credential', by.credentialId];
      return revokeDocs(await docsByKey(db, 'sessions', view, key), now);
    },
    async sweep(now) {
      return deleteAll(db, await idsBelow(db, 'sessions', 'by_expiry', now));
    },
  };
}
