import type { DocumentScope } from 'nano';
import type { ChangeJournal } from '../couch/changeJournal';
import { INTENT_GRACE_MS } from '../couch/changeJournal';
import type { AuditEntry } from '../couch/auditLog';
import type { UserDoc } from '../couch/model';
import type { Repositories } from '../couch/repositories';
import { loadUnitTree } from '../auth/scope';
import { haltRequestsOf, requestsWithdrawnBy, type HaltedRequests } from './haltRequestsOf';
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
  /**
   * Finishes every deactivation whose steps have been owed for longer than `olderThanMs`; how many
   * it finished. One that fails is told to `onError` and stays owed; the others go on.
   */
  reconcile(olderThanMs?: number): Promise<number>;
  /** The requests a deactivation still owing its follow-ups has withdrawn so far (for the record of a reactivation cutting it off). */
  withdrawnSoFar(user: UserDoc): Promise<string[]>;
}

/** The mark a deactivating commit leaves on the user document, until its follow-ups are done. */
export type FollowUpsOwed = NonNullable<UserDoc['followUpsOwed']>;

/** The user deactivated at `at` by `by`, marked as owing the follow-ups. */
export const owingFollowUps = (user: UserDoc, by: FollowUpsOwed['by'], at: number): UserDoc =>
  ({ ...user, active: false, deactivatedAt: at, sessionsFrom: at, followUpsOwed: { at, by } });

/** A user document without the mark (a reactivation, or the follow-ups done). */
export const withoutFollowUps = ({ followUpsOwed: _owed, ...user }: UserDoc): UserDoc => user;

const owedOf = (user: UserDoc | undefined): FollowUpsOwed | undefined => (user && !user.active ? user.followUpsOwed : undefined);

export function deactivationFollowUps(deps: {
  readonly repos: Repositories;
  readonly changes: ChangeJournal;
  readonly rows: RowsRepo;
  readonly certificates: DocumentScope<object>;
  readonly now: () => number;
  /** Told of a deactivation `reconcile` could not finish now (the store failed): it stays owed. */
  readonly onError: (error: unknown, userId: string) => void;
}): DeactivationFollowUps {
  const { repos, changes, rows, certificates, now, onError } = deps;

  /** Whether `userId` still owes the follow-ups of the deactivation at `at` (not finished by another run, not reactivated). */
  const stillOwed = async (userId: string, at: number): Promise<boolean> => owedOf(await repos.users.get(userId))?.at === at;

  const finish = async (userId: string): Promise<HaltedRequests | undefined> => {
    const user = await repos.users.get(userId);
    const owed = owedOf(user);
    if (!user || !owed) return undefined;
    const { at, by } = owed;
    await repos.sessions.revokeWhere({ userId }, now());
    const [admin, tree] = await Promise.all([repos.users.get(by.userId), loadUnitTree(repos.units)]);
    if (!(await stillOwed(userId, at))) return undefined;
    // An administrator no longer on record withdraws nothing more: the rest count as out of their scope.
    const withdrawn = await haltRequestsOf(rows, user, admin ?? { ...user, id: by.userId, grants: [] }, tree, at);
    // Their tablets' signing keys stop too: every live certificate they hold is revoked (audited),
    // unless a reactivation came first (a round that still finds the mark revokes any issued since).
    if (await stillOwed(userId, at)) await revokeHolderCertificates(certificates, changes, userId, () => false, `holder ${userId} deactivated`, by, at);
    // The cancellations are fact rows (they replicate); the record of what the deactivation did to
    // the requests is chained in the commit that removes the mark, so it is written once however
    // many runs (one that finds the mark gone writes nothing).
    const recorded = await changes.commit(async (tx) => {
      const current = await tx.read<UserDoc>('users', userId);
      if (owedOf(current)?.at !== at) return { result: false, audit: [] };
      tx.write('users', userId, withoutFollowUps(current!));
      return { result: true, audit: [withdrawalsRecord(by, user, withdrawn)] };
    });
    // A reactivation removed the mark while this run was writing cancellations: it recorded those
    // it saw, and these are recorded here (one named twice is better than one never named).
    if (!recorded && withdrawn.writtenNow.length > 0 && (await repos.users.get(userId))?.active) {
      await repos.audit.append(withdrawalsRecord(by, user, { halted: withdrawn.writtenNow }));
    }
    return withdrawn;
  };

  let reconciling: Promise<number> | undefined;
  const reconcileOnce = async (olderThanMs: number): Promise<number> => {
    const owing = (await repos.users.list()).filter((u) => (owedOf(u)?.at ?? Infinity) <= now() - olderThanMs);
    let finished = 0;
    for (const user of owing) {
      try {
        if (await finish(user.id)) finished++;
      } catch (error) {
        onError(error, user.id);
      }
    }
    return finished;
  };

  return {
    finish,
    reconcile(olderThanMs = INTENT_GRACE_MS) {
      // One round at a time: a call while a round runs gets that round (whatever its `olderThanMs`).
      reconciling ??= reconcileOnce(olderThanMs).finally(() => { reconciling = undefined; });
      return reconciling;
    },
    withdrawnSoFar: (user) => {
      const owed = owedOf(user);
      return owed ? requestsWithdrawnBy(rows, user, owed.by.userId, owed.at) : Promise.resolve([]);
    },
  };
}

/**
 * The audit record of what a deactivation did to the requests: those it withdrew, and (when
 * known) those open outside the administrator's scope, left for an administrator of theirs.
 */
export const withdrawalsRecord = (by: FollowUpsOwed['by'], user: UserDoc, withdrawn: { readonly halted: readonly string[]; readonly outOfScope?: readonly string[] }): AuditEntry => ({
  actor: by, action: 'user.requests_halted', target: { kind: 'user', id: user.id }, unitId: user.unitId,
  before: null, after: { haltedRequests: withdrawn.halted, ...(withdrawn.outOfScope ? { requestsOutOfScope: withdrawn.outOfScope } : {}) },
});
