import { deactivationResponseSchema, idParamsSchema, userResponseSchema } from '@seal/shared';
import type { UserDoc } from '../../couch/model';
import { loadUnitTree, requireManageOf } from '../../auth/scope';
import type { SignedIn } from '../../auth/sessions';
import type { Store } from '../../couch/store';
import { haltRequestsOf } from '../../sync/haltRequestsOf';
import { revokeHolderCertificates } from '../../sync/revokeSealCertificates';
import type { RowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import { userView } from '../views';
import { keepOneSystemAdmin } from './users';

const idParams = idParamsSchema;

/**
 * Deactivating someone who left, and reactivating them. `rows` is where the withdrawals of their
 * open requests are written (cancellation facts that replicate like any other).
 */
export function userActivationRoutes(api: Api, store: Store, rows: RowsRepo): void {
  const { ctx } = api;
  const certificatesDb = store.couch.use<object>(store.dbName('certificates'));

  const setActive = async (id: string, active: boolean, signedIn: SignedIn) => {
    const mode = active ? 'activate' : 'deactivate';
    const target = await ctx.repos.users.get(id);
    if (!target) throw notFound(`User "${id}"`);
    const tree = await loadUnitTree(ctx.repos.units);
    requireManageOf(signedIn.user, target, tree);
    const now = ctx.now();
    const next: UserDoc = active ? (({ deactivatedAt: _d, ...u }) => ({ ...u, active: true }))(target) : { ...target, active: false, deactivatedAt: now };
    if (!active) await keepOneSystemAdmin(ctx, tree, next);
    if (!active && target.id === signedIn.user.id) throw new ApiError(403, 'self_deactivation', 'Nobody deactivates themselves: ask another administrator');
    return ctx.changes.commit(async (tx) => {
      const user = await tx.read<UserDoc>('users', id);
      if (!user) throw notFound(`User "${id}"`);
      if (user.active === active) return { result: { after: user, changed: false, tree, now }, audit: [] };
      const changedUser: UserDoc = { ...next, grants: user.grants };
      tx.write('users', id, changedUser);
      return {
        result: { after: changedUser, changed: true, tree, now },
        audit: [{ actor: actorOf(signedIn), action: `user.${mode}`, target: { kind: 'user', id }, unitId: target.unitId, before: userView(user), after: userView(changedUser) }],
        roster: true,
      };
    });
  };

  api.route({
    method: 'POST', url: '/api/users/:id/deactivate', tag: 'users', auth: 'session', params: idParams,
    summary: 'Deactivate someone who left: ends their sessions, drops their passkeys from the roster (devices refuse them) and withdraws their open requests within the admin\'s scope',
    responses: { 200: deactivationResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope | self_deactivation', 404: 'not_found', 409: 'last_system_admin' },
  }, async ({ params, signedIn }) => {
    const { after, changed, tree, now } = await setActive(params.id, false, signedIn);
    if (!changed) return { user: userView(after), haltedRequests: [], requestsOutOfScope: [] };
    // Sessions end once the deactivation stands (readSession refuses an inactive user meanwhile).
    await ctx.repos.sessions.revokeWhere({ userId: params.id }, now);
    const { halted, outOfScope } = await haltRequestsOf(rows, after, signedIn.user, tree, now);
    // Their tablets' signing keys stop too: every live certificate they hold is revoked (audited).
    await revokeHolderCertificates(certificatesDb, ctx.changes, params.id, () => false, `holder ${params.id} deactivated`, actorOf(signedIn), now);
    if (halted.length > 0) {
      // The cancellations are fact rows (they replicate); their record in the audit log says who and why.
      await ctx.repos.audit.append({
        actor: actorOf(signedIn), action: 'user.requests_halted', target: { kind: 'user', id: params.id }, unitId: after.unitId,
        before: null, after: { haltedRequests: halted, requestsOutOfScope: outOfScope },
      });
    }
    return { user: userView(after), haltedRequests: [...halted], requestsOutOfScope: [...outOfScope] };
  });

  api.route({
    method: 'POST', url: '/api/users/:id/activate', tag: 'users', auth: 'session', params: idParams,
    summary: 'Reactivate a deactivated user (their withdrawn requests stay withdrawn)',
    responses: { 200: userResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ params, signedIn }) => ({ user: userView((await setActive(params.id, true, signedIn)).after) }));
}
