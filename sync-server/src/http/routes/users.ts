import type { z } from 'zod';
import {
  checkRoleGrantChange, idParamsSchema, roleGrantBodySchema, userResponseSchema, usersResponseSchema, userWithCredentialsResponseSchema,
  type RoleGrantChange, type UnitId,
} from '@seal/shared';
import type { UserDoc } from '../../couch/model';
import { serialisedOn } from '../../couch/changeJournal';
import { asPolicyUser, holdsRoleOn, isClosed, isSystemAdmin, loadUnitTree, permission, requireAnyRole, requirePermission, requireRoleOn, rootUnitId, type UnitTree } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { revokeHolderCertificates } from '../../sync/revokeSealCertificates';
import type { SignedIn } from '../../auth/sessions';
import type { Api, ServerContext } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import { credentialView, userView } from '../views';

const grantBody = roleGrantBodySchema;
const idParams = idParamsSchema;

/** Whether `viewer` (admin or auditor) may see `user`: home unit or any grant within their subtrees. */
const canSee = (viewer: UserDoc, user: UserDoc, tree: UnitTree): boolean =>
  viewer.id === user.id || [user.unitId, ...user.grants.map((g) => g.unitId)].some((u) => holdsRoleOn(viewer, ['admin', 'auditor'], u, tree));

/** Refuses a change that would leave no active system administrator (409 `last_system_admin`). */
export async function keepOneSystemAdmin(ctx: ServerContext, tree: UnitTree, changed: UserDoc): Promise<void> {
  if (isSystemAdmin(changed, tree) && changed.active) return;
  const others = (await ctx.repos.users.list()).filter((u) => u.id !== changed.id && u.active && isSystemAdmin(u, tree));
  if (others.length === 0) throw new ApiError(409, 'last_system_admin', 'This would leave no active system administrator (admin on the HQ unit): make someone else one first');
}

/** People: list them, grant and revoke roles within one's subtree (deactivation: `userActivationRoutes`). */
export function userRoutes(api: Api, store: Store): void {
  const certificatesDb = store.couch.use<object>(store.dbName('certificates'));
  const { ctx } = api;

  const load = async (id: string): Promise<UserDoc> => {
    const user = await ctx.repos.users.get(id);
    if (!user) throw notFound(`User "${id}"`);
    return user;
  };
  const withCredentials = async (user: UserDoc) => ({ ...userView(user), credentials: (await ctx.repos.credentials.ofUser(user.id)).map(credentialView) });

  api.route({
    method: 'GET', url: '/api/users', tag: 'users', auth: 'session',
    summary: 'Users whose unit or roles lie within the admin\'s or auditor\'s subtrees',
    responses: { 200: usersResponseSchema, 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ signedIn }) => {
    requireAnyRole(signedIn.user, ['admin', 'auditor'], 'list users');
    const tree = await loadUnitTree(ctx.repos.units);
    const users = (await ctx.repos.users.list()).filter((u) => canSee(signedIn.user, u, tree));
    return { users: await Promise.all(users.sort((a, b) => a.createdAt - b.createdAt).map(withCredentials)) };
  });

  api.route({
    method: 'GET', url: '/api/users/:id', tag: 'users', auth: 'session', params: idParams,
    summary: 'One user with their passkeys',
    responses: { 200: userWithCredentialsResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ params, signedIn }) => {
    const user = await load(params.id);
    const tree = await loadUnitTree(ctx.repos.units);
    if (!canSee(signedIn.user, user, tree)) requireRoleOn(signedIn.user, ['admin', 'auditor'], user.unitId, tree, 'see this user');
    return { user: await withCredentials(user) };
  });

  const changeGrant = async (mode: 'grant' | 'revoke', id: string, grant: z.output<typeof grantBody>, signedIn: SignedIn) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(grant.unitId as never)) throw new ApiError(400, 'unit_invalid', `Unit "${grant.unitId}" does not exist`);
    requirePermission(signedIn.user, 'role.grant', { unitId: grant.unitId }, tree);
    if (mode === 'grant' && isClosed(tree, grant.unitId)) throw new ApiError(409, 'unit_closed', `Unit "${grant.unitId}" is closed: no new roles on it`);
    const target = await load(id);
    const change: RoleGrantChange = { mode, role: grant.role, unitId: grant.unitId as UnitId };
    // The shared rule: not oneself, the target and the grant's unit both in scope, roles that
    // one person may hold together. Checked again on the stored user inside the update.
    const check = (user: UserDoc): void => {
      const outcome = checkRoleGrantChange(asPolicyUser(signedIn.user), asPolicyUser(user), change, tree);
      if (outcome.ok) return;
      const { code, message } = outcome.error;
      throw new ApiError(403, code === 'out_of_scope' || code === 'self_grant' || code === 'incompatible_roles' ? code : 'forbidden', message);
    };
    check(target);
    const same = (g: UserDoc['grants'][number]) => g.role === grant.role && g.unitId === grant.unitId;
    if (mode === 'revoke' && grant.role === 'admin' && grant.unitId === rootUnitId(tree)) {
      await keepOneSystemAdmin(ctx, tree, { ...target, grants: target.grants.filter((g) => !same(g)) });
    }
    // The new grants and their audit record are written together (see ChangeJournal).
    const takesSystemAdmin = mode === 'revoke' && grant.role === 'admin' && grant.unitId === rootUnitId(tree);
    // Granting it too: a revocation that counted this grant conflicts with it being undone.
    const touchesSystemAdmins = grant.role === 'admin' && grant.unitId === rootUnitId(tree);
    return ctx.changes.commit(async (tx) => {
      // Two system administrators taking the role from each other at once: the later one counts the earlier's change.
      const lastAdminGuard = touchesSystemAdmins ? await serialisedOn(tx, 'system-admins') : undefined;
      const user = await tx.read<UserDoc>('users', id);
      if (!user) throw notFound(`User "${id}"`);
      check(user);
      const has = user.grants.some(same);
      const after = mode === 'grant'
        ? (has ? undefined : { ...user, grants: [...user.grants, { role: grant.role, unitId: grant.unitId } as UserDoc['grants'][number]] })
        : (has ? { ...user, grants: user.grants.filter((g) => !same(g)) } : undefined);
      if (!after) return { result: { user: userView(user) }, audit: [] };
      if (takesSystemAdmin) await keepOneSystemAdmin(ctx, tree, after);
      tx.write('users', id, after);
      lastAdminGuard?.();
      return {
        result: { user: userView(after) },
        audit: [{ actor: actorOf(signedIn), action: `user.${mode}_role`, target: { kind: 'user', id }, unitId: grant.unitId, before: userView(user), after: userView(after) }],
        roster: true,
      };
    });
  };

  api.route({
    method: 'POST', url: '/api/users/:id/grants', tag: 'users', auth: 'session', params: idParams, body: grantBody,
    summary: 'Grant a role on a unit (and so its subtree) to someone else the admin manages; never to oneself, never a combination that breaks separation of duties',
    responses: { 200: userResponseSchema, 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope (the user\'s unit or the grant\'s) | self_grant | incompatible_roles', 404: 'not_found', 409: 'unit_closed' },
  }, async ({ params, body, signedIn }) => changeGrant('grant', params.id, body, signedIn));

  api.route({
    method: 'POST', url: '/api/users/:id/grants/revoke', tag: 'users', auth: 'session', params: idParams, body: grantBody,
    summary: 'Revoke a role on a unit within the admin\'s scope',
    responses: { 200: userResponseSchema, 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope (the user\'s unit or the grant\'s)', 404: 'not_found', 409: 'last_system_admin' },
  }, async ({ params, body, signedIn }) => {
    const changed = await changeGrant('revoke', params.id, body, signedIn);
    // A certificate is issued to someone who may apply for the seal's unit (signingCertificates.ts):
    // one they may no longer apply for is revoked with the role (audited).
    const user = await ctx.repos.users.get(params.id);
    if (user) {
      const tree = await loadUnitTree(ctx.repos.units);
      await revokeHolderCertificates(
        certificatesDb, ctx.changes, params.id, (doc) => user.active && permission(user, 'request.create', { unitId: doc.unitId }, tree).ok,
        `holder ${params.id} lost ${body.role} on ${body.unitId}`, actorOf(signedIn), ctx.now(),
      );
    }
    return changed;
  });
}
