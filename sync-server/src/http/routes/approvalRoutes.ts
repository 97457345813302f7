import {
  can, routeFloorFor, routeFloorProblem, routeOutOfHands, routeOwnerFor, unitChain,
  approvalRouteResponseSchema, approvalRoutesResponseSchema, configuredRouteSchema, idParamsSchema, noContentSchema, setApprovalRouteBodySchema,
  type ConfiguredRoute, type UnitId,
} from '@seal/shared';
import { asPolicyUser, loadUnitTree, requirePermission, rootUnitId, type UnitTree } from '../../auth/scope';
import { governanceRepo, routeDocId, type RouteDoc } from '../../couch/governanceRepo';
import type { Store } from '../../couch/store';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';

/**
 * Approval routes set by administrators (ADR 009): for a seal kind and a purpose (use or a
 * governance action) on a unit, applying to the unit's subtree (`routeFor`: the nearest unit's
 * route wins). Everyone signed in reads them (the app shows what a request will go through);
 * an admin over the unit sets or removes one; every change is audited. A route asks at least what
 * holds there when only routes out of its setter's hands count (`routeFloorFor`, `routeFloorProblem`):
 * a branch makes HQ's route, or the default, stricter for its sites, never looser. A route is
 * answered for by its setter's reach (`routeOwnerFor`): only an administrator over that unit may
 * replace or remove it, so a route HQ set on a branch is not the branch administrator's to drop.
 */
export function approvalRouteRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const repo = governanceRepo(store.couch.use(store.dbName('governance')));

  api.route({
    method: 'GET', url: '/api/approval-routes', tag: 'governance', auth: 'session',
    summary: 'The approval routes administrators set (the defaults apply wherever none is set), and which of them the signed-in person may change',
    responses: { 200: approvalRoutesResponseSchema, 401: 'unauthenticated' },
  }, async ({ signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const owned = (await repo.ownedRoutes()).sort((a, b) => (a.route.id < b.route.id ? -1 : 1));
    const managed = owned.filter((o) => routeInHands(o.route, ownerOfDoc({ ...o.route, ownerUnitId: o.ownerUnitId ?? undefined }, tree), signedIn.user, tree));
    return { routes: owned.map((o) => o.route), managed: managed.map((o) => o.route.id) };
  });

  api.route({
    method: 'PUT', url: '/api/approval-routes/:id', tag: 'governance', auth: 'session', params: idParamsSchema, body: setApprovalRouteBodySchema,
    summary: 'Set the route for a seal kind and purpose on a unit (and its subtree): steps in order, each with its number of approvers and optionally the unit they must approve on',
    responses: { 200: approvalRouteResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 422: 'unit_invalid | action_unsupported | route_below_floor' },
  }, async ({ params, body, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(body.unitId as never)) throw new ApiError(422, 'unit_invalid', `Unit "${body.unitId}" does not exist`);
    for (const step of body.steps) {
      if (step.approverUnitId !== undefined && !tree.has(step.approverUnitId)) throw new ApiError(422, 'unit_invalid', `Step unit "${step.approverUnitId}" does not exist`);
    }
    // A use route travels to the seal devices in their signed bindings; until bindings carry custom
    // routes, only governance routes may be set (ADR 009).
    if (body.purpose === 'use') throw new ApiError(422, 'action_unsupported', 'Routes for use requests keep their defaults for now: set routes for governance actions');
    requirePermission(signedIn.user, 'unit.manage', { unitId: body.unitId }, tree);
    const manages = (unitId: UnitId) => can(asPolicyUser(signedIn.user), 'unit.manage', { unitId }, tree).ok;
    const chain = unitChain(body.unitId as UnitId, tree);
    const owned = (await repo.ownedRoutes()).filter((r) => r.route.id !== params.id);
    const owners = new Map(owned.map((r) => [r.route.id, r.ownerUnitId]));
    // A route recorded before owners were is the organisation's.
    const root = (rootUnitId(tree) ?? chain[chain.length - 1]) as UnitId;
    const floor = routeFloorFor(body.sealKind, chain, body.purpose, owned.map((r) => r.route), manages, (r) => owners.get(r.id) ?? root);
    const below = floor === undefined ? undefined : routeFloorProblem(body.steps, floor.route);
    if (below !== undefined) {
      throw new ApiError(422, 'route_below_floor', `This route asks less than what holds at unit "${floor!.from}" for these seals (${below}): only an administrator over "${floor!.from}" may lower it`);
    }
    const route: ConfiguredRoute = configuredRouteSchema.parse({ id: params.id, ...body, updatedAt: ctx.now() });
    await ctx.changes.commit(async (tx) => {
      const before = await tx.read<RouteDoc>('governance', routeDocId(params.id));
      if (before && before.removedAt === undefined) requireRouteInHands(before, signedIn.user, tree);
      tx.write('governance', routeDocId(params.id), { type: 'approval-route', ...route, ownerUnitId: routeOwnerFor(chain, manages) } satisfies RouteDoc);
      return { result: undefined, audit: [{ actor: actorOf(signedIn), action: 'approval_route.set', target: { kind: 'approval_route', id: params.id }, unitId: route.unitId, ...(before ? { before } : {}), after: route }] };
    });
    return { route };
  });

  api.route({
    method: 'DELETE', url: '/api/approval-routes/:id', tag: 'governance', auth: 'session', params: idParamsSchema,
    summary: 'Remove a route (the unit falls back to its parent\'s route or the default)',
    responses: { 204: noContentSchema.describe('Removed'), 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ params, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    await ctx.changes.commit(async (tx) => {
      const before = await tx.read<RouteDoc>('governance', routeDocId(params.id));
      if (!before || before.removedAt !== undefined) throw notFound(`Route "${params.id}"`);
      requireRouteInHands(before, signedIn.user, tree);
      // Kept, marked removed: the journal undoes writes, never deletions, and the audit names it.
      tx.write('governance', routeDocId(params.id), { ...before, removedAt: ctx.now() } satisfies RouteDoc);
      return { result: undefined, audit: [{ actor: actorOf(signedIn), action: 'approval_route.remove', target: { kind: 'approval_route', id: params.id }, unitId: before.unitId, before }] };
    });
    reply.status(204);
  });
}

/** The unit that answers for a stored route: a route recorded before owners were is the organisation's. */
const ownerOfDoc = (before: Pick<RouteDoc, 'ownerUnitId' | 'unitId'>, tree: UnitTree): UnitId =>
  before.ownerUnitId ?? (rootUnitId(tree) as UnitId | undefined) ?? (before.unitId);

/** Whether `user` may replace or remove a route answered for by `owner` (`routeOutOfHands`, the shared rule). */
function routeInHands(route: ConfiguredRoute, owner: UnitId, user: Parameters<typeof asPolicyUser>[0], tree: UnitTree): boolean {
  return !routeOutOfHands(route, owner, (unitId: UnitId) => can(asPolicyUser(user), 'unit.manage', { unitId }, tree).ok);
}

/**
 * Refuses (403) replacing or removing a route out of the user's hands (`routeOutOfHands`): on a
 * unit they may not manage, or answered for by a unit above their reach.
 */
function requireRouteInHands(before: RouteDoc, user: Parameters<typeof asPolicyUser>[0], tree: UnitTree): void {
  requirePermission(user, 'unit.manage', { unitId: before.unitId }, tree);
  const { type: _type, removedAt: _removed, ownerUnitId: _owner, ...route } = before;
  const owner = ownerOfDoc(before, tree);
  if (!routeInHands(route, owner, user, tree)) {
    throw new ApiError(403, 'forbidden', `This route is answered for at unit "${owner}": only an administrator over that unit may change or remove it`);
  }
}
