import { deactivationResponseSchema, idParamsSchema, userResponseSchema } from '@seal/shared';
import type { UserDoc } from '../../couch/model';
import { isSystemAdmin, loadUnitTree, requireManageOf } from '../../auth/scope';
import { serialisedOn } from '../../couch/changeJournal';
import type { SignedIn } from '../../auth/sessions';
import { owingFollowUps, withdrawalsRecord, withoutFollowUps, type DeactivationFollowUps } from '../../sync/deactivation';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { userView } from '../views';
import { keepOneSystemAdmin } from './users';

const idParams = idParamsSchema;

/**
 * Deactivating someone who left, and reactivating them. What a deactivation sets off (sessions,
 * requests, certificates) is `followUps`' (`sync/deactivation.ts`), finished later if cut short.
 */
export function userActivationRoutes(api: Api, followUps: DeactivationFollowUps): void {
  const { ctx } = api;

  const setActive = async (id: string, active: boolean, signedIn: SignedIn) => {
    const mode = active ? 'activate' : 'deactivate';
    const target = await ctx.repos.users.get(id);
    if (!target) throw notFound(`User "${id}"`);
    const tree = await loadUnitTree(ctx.repos.units);
    requireManageOf(signedIn.user, target, tree);
    const now = ctx.now();
    const by = { userId: signedIn.user.id, credentialId: signedIn.credentialId };
    // Reactivated, only sessions opened from now on count: any older one was opened before the
    // deactivation landed (or refused by the sign-in's re-read), whatever its clock said.
    const change = (user: UserDoc): UserDoc => (active
      ? withoutFollowUps((({ deactivatedAt: _d, ...u }) => ({ ...u, active: true, sessionsFrom: Math.max(u.sessionsFrom ?? 0, now) }))(user))
      : owingFollowUps(user, by, now));
    if (!active) await keepOneSystemAdmin(ctx, tree, change(target));
    if (!active && target.id === signedIn.user.id) throw new ApiError(403, 'self_deactivation', 'Nobody deactivates themselves: ask another administrator');
    // A reactivation that cuts off a deactivation's follow-ups records the withdrawals already
    // written (that record is otherwise written once they are all done). Looked up before the
    // commit (a scan of the requests), used if the plan finds the same deactivation still owed.
    const owedBefore = active && !target.active ? target.followUpsOwed : undefined;
    const withdrawnSoFar = owedBefore ? await followUps.withdrawnSoFar(target) : [];
    return ctx.changes.commit(async (tx) => {
      const user = await tx.read<UserDoc>('users', id);
      if (!user) throw notFound(`User "${id}"`);
      if (user.active === active) return { result: { after: user, changed: false }, audit: [] };
      // Two system administrators deactivating each other at once: the later one counts the
      // earlier's change. Judged on the stored user (its write is checked against this read, so a
      // role granted meanwhile makes this plan run again); taken before the others are counted.
      const lastAdminGuard = isSystemAdmin(user, tree) ? await serialisedOn(tx, 'system-admins') : undefined;
      // Checked again on the stored user: a role granted meanwhile may put them out of this admin's reach.
      requireManageOf(signedIn.user, user, tree);
      const changedUser = change(user);
      if (!active) await keepOneSystemAdmin(ctx, tree, changedUser);
      tx.write('users', id, changedUser);
      lastAdminGuard?.();
      const owed = active && user.followUpsOwed?.at === owedBefore?.at ? user.followUpsOwed : undefined;
      return {
        result: { after: changedUser, changed: true },
        audit: [
          ...(owed && withdrawnSoFar.length > 0 ? [withdrawalsRecord(owed.by, user, { halted: withdrawnSoFar })] : []),
          { actor: by, action: `user.${mode}`, target: { kind: 'user', id }, unitId: target.unitId, before: userView(user), after: userView(changedUser) },
        ],
        roster: true,
      };
    });
  };

  api.route({
    method: 'POST', url: '/api/users/:id/deactivate', tag: 'users', auth: 'session', params: idParams,
    summary: 'Deactivate someone who left: ends their sessions, drops their passkeys from the roster (devices refuse them) and withdraws their open requests within the admin\'s scope. Asked again of someone already deactivated, finishes what the first time left undone (the store failed part way)',
    responses: { 200: deactivationResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope | self_deactivation', 404: 'not_found', 409: 'last_system_admin' },
  }, async ({ params, signedIn }) => {
    const { after } = await setActive(params.id, false, signedIn);
    // Sessions end, requests are withdrawn and certificates revoked once the deactivation stands
    // (readSession refuses an inactive user meanwhile); what a deactivation before this one left
    // undone is finished the same way.
    const done = await followUps.finish(params.id);
    return { user: userView(after), haltedRequests: [...(done?.halted ?? [])], requestsOutOfScope: [...(done?.outOfScope ?? [])] };
  });

  api.route({
    method: 'POST', url: '/api/users/:id/activate', tag: 'users', auth: 'session', params: idParams,
    summary: 'Reactivate a deactivated user (their withdrawn requests stay withdrawn)',
    responses: { 200: userResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ params, signedIn }) => ({ user: userView((await setActive(params.id, true, signedIn)).after) }));
}
