import {
  can, routeFloorFor, routeFloorProblem, unitChain,
  approvalRouteResponseSchema, approvalRoutesResponseSchema, configuredRouteSchema, idParamsSchema, noContentSchema, setApprovalRouteBodySchema,
  type ConfiguredRoute, type UnitId,
} from '@seal/shared';
import { asPolicyUser, loadUnitTree, requirePermission } from '../../auth/scope';
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
 * holds at the first unit above it its setter may not manage (`routeFloorFor`, `routeFloorProblem`):
 * a branch makes HQ's route, or the default, stricter for its sites, never looser.
 */
export function approvalRouteRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const repo = governanceRepo(store.couch.use(store.dbName('governance')));

  api.route({
    method: 'GET', url: '/api/approval-routes', tag: 'governance', auth: 'session',
    summary: 'The approval routes administrators set (the defaults apply wherever none is set)',
    responses: { 200: approvalRoutesResponseSchema, 401: 'unauthenticated' },
  }, async () => ({ routes: (await repo.routes()).sort((a, b) => (a.id < b.id ? -1 : 1)) }));

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
    const floor = routeFloorFor(body.sealKind, unitChain(body.unitId as UnitId, tree), body.purpose, (await repo.routes()).filter((r) => r.id !== params.id), manages);
    const below = floor === undefined ? undefined : routeFloorProblem(body.steps, floor.route);
    if (below !== undefined) {
      throw new ApiError(422, 'route_below_floor', `This route asks less than what holds at unit "${floor!.from}" for these seals (${below}): only an administrator over "${floor!.from}" may lower it`);
    }
    const route: ConfiguredRoute = configuredRouteSchema.parse({ id: params.id, ...body, updatedAt: ctx.now() });
    await ctx.changes.commit(async (tx) => {
      const before = await tx.read<RouteDoc>('governance', routeDocId(params.id));
      if (before && before.unitId !== route.unitId) requirePermission(signedIn.user, 'unit.manage', { unitId: before.unitId }, tree);
      tx.write('governance', routeDocId(params.id), { type: 'approval-route', ...route } satisfies RouteDoc);
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
      requirePermission(signedIn.user, 'unit.manage', { unitId: before.unitId }, tree);
      // Kept, marked removed: the journal undoes writes, never deletions, and the audit names it.
      tx.write('governance', routeDocId(params.id), { ...before, removedAt: ctx.now() } satisfies RouteDoc);
      return { result: undefined, audit: [{ actor: actorOf(signedIn), action: 'approval_route.remove', target: { kind: 'approval_route', id: params.id }, unitId: before.unitId, before }] };
    });
    reply.status(204);
  });
}
