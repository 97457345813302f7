import type { DocumentScope } from 'nano';
import type { ChangeJournal } from '../couch/changeJournal';
import { INTENT_GRACE_MS } from '../couch/changeJournal';
import type { UserDoc } from '../couch/model';
import type { Repositories } from '../couch/repositories';
import { loadUnitTree } from '../auth/scope';
import { haltRequestsOf, type HaltedRequests } from './haltRequestsOf';
import { revokeHolderCertificates } from './revokeSealCertificates';
import type { RowsRepo } from './rowsRepo';

/**
 * What deactivating someone sets off once the user document says they are inactive: their
 * sessions end, their open requests in the administrator's scope are withdrawn, their signing
 * certificates are revoked, and the withdrawals are recorded in the audit log.
 *
 * Those steps follow the commit that deactivates, each its own write, so the store failing (or
 * the server stopping) between them would leave some undone, and a repeat of the deactivation
 * would find the user inactive already. So the commit that deactivates also marks the user
 * document (`followUpsOwed`: when, and by whom), and the mark is removed only once every step is
 * done, in the same commit as the record of the withdrawals. Until then the steps are run again
 * (a repeated deactivation, each server start, and every {@link INTENT_GRACE_MS} for a mark older
 * than that), and each is repeatable: sessions and certificates already ended stay ended, and a
 * cancellation's id is keyed by the deactivation's time, so a request is never withdrawn twice.
 * Each run first checks that the user is still inactive under the same mark: a reactivation
 * removes it, and nothing more is done in their name.
 */
export interface DeactivationFollowUps {
  /**
   * Runs the steps a deactivation of `userId` still owes; `undefined` when none are owed (active,
   * unknown, or done). Throws when the store fails: the mark stays, and a later run finishes.
   */
  finish(userId: string): Promise<HaltedRequests | undefined>;
  /** Finishes every deactivation whose steps have been owed for longer than `olderThanMs`; how many it finished. */
  reconcile(olderThanMs?: number): Promise<number>;
}

/** The mark a deactivating commit leaves on the user document, until its follow-ups are done. */
export type FollowUpsOwed = NonNullable<UserDoc['followUpsOwed']>;

/** The user deactivated at `at` by `by`, marked as owing the follow-ups. */
export const owingFollowUps = (user: UserDoc, by: FollowUpsOwed['by'], at: number): UserDoc =>
  ({ ...user, active: false, deactivatedAt: at, followUpsOwed: { at, by } });

/** A user document without the mark (a reactivation, or the follow-ups done). */
export const withoutFollowUps = ({ followUpsOwed: _owed, ...user }: UserDoc): UserDoc => user;

const owedOf = (user: UserDoc | undefined): FollowUpsOwed | undefined => (user && !user.active ? user.followUpsOwed : undefined);

export function deactivationFollowUps(deps: {
  readonly repos: Repositories;
  readonly changes: ChangeJournal;
  readonly rows: RowsRepo;
  readonly certificates: DocumentScope<object>;
  readonly now: () => number;
}): DeactivationFollowUps {
  const { repos, changes, rows, certificates, now } = deps;

  /** Whether `userId` still owes the follow-ups of the deactivation at `at`. */
  const stillOwed = async (userId: string, at: number): Promise<UserDoc | undefined> => {
    const user = await repos.users.get(userId);
    return owedOf(user)?.at === at ? user : undefined;
  };

  const finish = async (userId: string): Promise<HaltedRequests | undefined> => {
    const user = await repos.users.get(userId);
    const owed = owedOf(user);
    if (!user || !owed) return undefined;
    const { at, by } = owed;
    await repos.sessions.revokeWhere({ userId }, now());
    const [admin, tree] = await Promise.all([repos.users.get(by.userId), loadUnitTree(repos.units)]);
    if (!(await stillOwed(userId, at))) return undefined;
    // An administrator no longer on record withdraws nothing: the requests count as out of their scope.
    const withdrawn = await haltRequestsOf(rows, user, admin ?? { ...user, id: by.userId, grants: [] }, tree, at);
    if (!(await stillOwed(userId, at))) return undefined;
    // Their tablets' signing keys stop too: every live certificate they hold is revoked (audited).
    await revokeHolderCertificates(certificates, changes, userId, () => false, `holder ${userId} deactivated`, by, at);
    if (withdrawn.halted.length === 0) {
      await repos.users.update(userId, (current) => (owedOf(current)?.at === at ? withoutFollowUps(current) : undefined));
      return withdrawn;
    }
    // The cancellations are fact rows (they replicate); the record of them says who and why, and
    // is chained in the commit that removes the mark, so it is written once however many runs.
    await changes.commit(async (tx) => {
      const current = await tx.read<UserDoc>('users', userId);
      if (owedOf(current)?.at !== at) return { result: undefined, audit: [] };
      tx.write('users', userId, withoutFollowUps(current!));
      return {
        result: undefined,
        audit: [{
          actor: by, action: 'user.requests_halted', target: { kind: 'user', id: userId }, unitId: user.unitId,
          before: null, after: { haltedRequests: withdrawn.halted, requestsOutOfScope: withdrawn.outOfScope },
        }],
      };
    });
    return withdrawn;
  };

  return {
    finish,
    async reconcile(olderThanMs = INTENT_GRACE_MS) {
      const owing = (await repos.users.list()).filter((u) => (owedOf(u)?.at ?? Infinity) <= now() - olderThanMs);
      let finished = 0;
      for (const user of owing) if (await finish(user.id)) finished++;
      return finished;
    },
  };
}
