import { can, idParamsSchema, isInSubtree, moveUnitBodySchema, routesLeftBehind, unitChain, unitResponseSchema, type UnitId } from '@seal/shared';
import type { UnitDoc } from '../../couch/model';
import { asPolicyUser, requirePermission, rootUnitId, unitTree } from '../../auth/scope';
import { governanceRepo } from '../../couch/governanceRepo';
import type { Store } from '../../couch/store';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import { unitView } from '../views';
import { checkUnit } from './units';

/** Moving a unit under another, and closing one: both change who covers what, so both are new roster versions. */
export function unitMoveRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const governance = governanceRepo(store.couch.use(store.dbName('governance')));

  api.route({
    method: 'POST', url: '/api/units/:id/move', tag: 'units', auth: 'session', params: idParamsSchema, body: moveUnitBodySchema,
    summary: 'Move a branch or site (with its subtree, people\'s grants and seals) under another unit; the admin must cover both the unit and its new parent',
    responses: {
      200: unitResponseSchema, 400: 'invalid_body | unit_invalid (the HQ; a site as parent)', 401: 'unauthenticated', 403: 'forbidden | out_of_scope',
      404: 'not_found', 409: 'unit_cycle (under itself or its own subtree) | unit_closed | route_left_behind (an approval route set above the mover\'s reach would no longer apply to it)',
    },
  }, async ({ params, body, signedIn }) => {
    const units = await ctx.repos.units.list();
    const tree = unitTree(units);
    const current = units.find((u) => u.id === params.id);
    if (!current) throw notFound(`Unit "${params.id}"`);
    const parent = units.find((u) => u.id === body.parentId);
    if (!parent) throw new ApiError(400, 'unit_invalid', `Parent unit "${body.parentId}" does not exist`);
    requirePermission(signedIn.user, 'unit.manage', { unitId: params.id }, tree);
    requirePermission(signedIn.user, 'unit.manage', { unitId: body.parentId }, tree);
    if (current.parentId === null) throw new ApiError(400, 'unit_invalid', 'The HQ is the root of the tree: it is not moved');
    if (isInSubtree(body.parentId as UnitId, params.id as UnitId, tree)) {
      throw new ApiError(409, 'unit_cycle', `"${parent.name}" is "${current.name}" itself or lies under it: a unit is not moved into its own subtree`);
    }
    if (parent.closedAt !== undefined || current.closedAt !== undefined) throw new ApiError(409, 'unit_closed', 'A closed unit is neither moved nor given new units');
    if (current.parentId === body.parentId) return { unit: unitView(current) };
    // Its seals keep every approval route set above the mover's reach (ADR 009).
    const manages = (unitId: UnitId) => can(asPolicyUser(signedIn.user), 'unit.manage', { unitId }, tree).ok;
    const root = rootUnitId(tree) as UnitId;
    const moved = unitTree(units.map((u) => (u.id === params.id ? { ...u, parentId: body.parentId } : u)));
    const left = routesLeftBehind(unitChain(params.id as UnitId, tree), unitChain(params.id as UnitId, moved), await governance.ownedRoutes(), manages, (o) => o.ownerUnitId ?? root);
    if (left.length > 0) {
      throw new ApiError(409, 'route_left_behind', `Moving "${current.name}" would take its seals out of ${left.length === 1 ? 'an approval route' : `${left.length} approval routes`} set above your reach (on ${[...new Set(left.map((o) => o.route.unitId))].map((id) => `"${tree.get(id)?.name ?? id}"`).join(', ')}): an administrator over that unit may move it`);
    }
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      const unit = await tx.read<UnitDoc>('units', params.id);
      if (!unit) throw notFound(`Unit "${params.id}"`);
      const next: UnitDoc = { ...unit, parentId: body.parentId, updatedAt: now };
      checkUnit(next, units);
      tx.write('units', params.id, next);
      return {
        result: next,
        audit: [{ actor: actorOf(signedIn), action: 'unit.move', target: { kind: 'unit', id: params.id }, unitId: params.id, before: unitView(unit), after: unitView(next) }],
        roster: true,
      };
    });
    return { unit: unitView(after) };
  });

  api.route({
    method: 'POST', url: '/api/units/:id/close', tag: 'units', auth: 'session', params: idParamsSchema,
    summary: 'Close a branch or site that is empty: no open units under it and no active person placed or holding a role there; it stays in the tree for history',
    responses: { 200: unitResponseSchema, 400: 'unit_invalid (the HQ)', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 409: 'unit_not_empty' },
  }, async ({ params, signedIn }) => {
    const units = await ctx.repos.units.list();
    const current = units.find((u) => u.id === params.id);
    if (!current) throw notFound(`Unit "${params.id}"`);
    requirePermission(signedIn.user, 'unit.manage', { unitId: params.id }, unitTree(units));
    if (current.parentId === null) throw new ApiError(400, 'unit_invalid', 'The HQ is not closed');
    if (current.closedAt !== undefined) return { unit: unitView(current) };
    const openChildren = units.filter((u) => u.parentId === params.id && u.closedAt === undefined);
    const people = (await ctx.repos.users.list()).filter((u) => u.active && (u.unitId === params.id || u.grants.some((g) => g.unitId === params.id)));
    if (openChildren.length > 0 || people.length > 0) {
      const what = [
        ...(openChildren.length > 0 ? [`${openChildren.length} open unit(s) under it (${openChildren.map((u) => u.name).join(', ')})`] : []),
        ...(people.length > 0 ? [`${people.length} active person(s) placed or holding a role there (${people.map((u) => u.name).join(', ')})`] : []),
      ];
      throw new ApiError(409, 'unit_not_empty', `"${current.name}" still has ${what.join(' and ')}: move or close them first`);
    }
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      const unit = await tx.read<UnitDoc>('units', params.id);
      if (!unit) throw notFound(`Unit "${params.id}"`);
      const next: UnitDoc = { ...unit, closedAt: now, updatedAt: now };
      tx.write('units', params.id, next);
      return {
        result: next,
        audit: [{ actor: actorOf(signedIn), action: 'unit.close', target: { kind: 'unit', id: params.id }, unitId: params.id, before: unitView(unit), after: unitView(next) }],
        roster: true,
      };
    });
    return { unit: unitView(after) };
  });
}
