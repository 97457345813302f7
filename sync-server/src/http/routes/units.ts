import { z } from 'zod';
import { checkUnitTree, createUnitBodySchema, idParamsSchema, orgUnitSchema, unitResponseSchema, unitsResponseSchema, updateUnitBodySchema, type OrgUnit } from '@seal/shared';
import type { UnitDoc } from '../../couch/model';
import { newId } from '../../auth/secrets';
import { requirePermission, unitTree } from '../../auth/scope';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import { unitView } from '../views';

/** Whether two geofences are the same circle (both absent counts as the same). */
const sameGeofence = (a: UnitDoc['geofence'], b: UnitDoc['geofence']): boolean =>
  a === b || (a !== undefined && b !== undefined && a.lat === b.lat && a.lon === b.lon && a.radiusM === b.radiusM);

/** Refuses (400 `unit_invalid`) a unit the domain's schema or tree rules refuse. */
export function checkUnit(unit: UnitDoc, others: readonly UnitDoc[]): void {
  const { type: _t, createdAt: _c, updatedAt: _u, ...orgUnit } = unit;
  const parsed = orgUnitSchema.safeParse(orgUnit);
  if (!parsed.success) throw new ApiError(400, 'unit_invalid', `The unit is not valid:\n${z.prettifyError(parsed.error)}`);
  const tree = checkUnitTree([...others.filter((u) => u.id !== unit.id), unit] as unknown as OrgUnit[]);
  if (!tree.ok) throw new ApiError(400, 'unit_invalid', tree.error.message);
}

/** The organisation tree: every signed-in user reads it; admins change their subtree. */
export function unitRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'GET', url: '/api/units', tag: 'units', auth: 'session',
    summary: 'The organisation tree (HQ, branches, sites with their geofences)',
    responses: { 200: unitsResponseSchema, 401: 'unauthenticated | session_expired' },
  }, async () => ({ units: (await ctx.repos.units.list()).map(unitView) }));

  api.route({
    method: 'POST', url: '/api/units', tag: 'units', auth: 'session', body: createUnitBodySchema,
    summary: 'Create a branch or site under a unit the admin covers (a new roster version)',
    responses: { 201: unitResponseSchema, 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope' },
  }, async ({ body, signedIn, reply }) => {
    const units = await ctx.repos.units.list();
    const tree = unitTree(units);
    if (!tree.has(body.parentId as never)) throw new ApiError(400, 'unit_invalid', `Parent unit "${body.parentId}" does not exist`);
    requirePermission(signedIn.user, 'unit.manage', { unitId: body.parentId }, tree);
    if (units.find((u) => u.id === body.parentId)?.closedAt !== undefined) throw new ApiError(409, 'unit_closed', `Unit "${body.parentId}" is closed: it takes no new units`);
    const now = ctx.now();
    const unit: UnitDoc = {
      type: 'unit', id: newId('unit'), name: body.name, kind: body.kind, parentId: body.parentId,
      ...(body.geofence ? { geofence: body.geofence } : {}), createdAt: now, updatedAt: now,
    };
    checkUnit(unit, units);
    // The roster carries the tree: a new unit is a new roster version.
    await ctx.changes.commit((tx) => {
      tx.write('units', unit.id, unit);
      return { result: unit, audit: [{ actor: actorOf(signedIn), action: 'unit.create', target: { kind: 'unit', id: unit.id }, unitId: unit.id, after: unitView(unit) }], roster: true };
    });
    reply.status(201);
    return { unit: unitView(unit) };
  });

  api.route({
    method: 'PATCH', url: '/api/units/:id', tag: 'units', auth: 'session', params: idParamsSchema, body: updateUnitBodySchema,
    summary: 'Rename a unit or set / remove a site\'s geofence (a geofence change is a new roster version)',
    responses: { 200: unitResponseSchema, 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ params, body, signedIn }) => {
    const units = await ctx.repos.units.list();
    const current = units.find((u) => u.id === params.id);
    if (!current) throw notFound(`Unit "${params.id}"`);
    requirePermission(signedIn.user, 'unit.manage', { unitId: params.id }, unitTree(units));
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      const unit = await tx.read<UnitDoc>('units', params.id);
      if (!unit) throw notFound(`Unit "${params.id}"`);
      const { geofence: _g, ...rest } = unit;
      const geofence = body.geofence === undefined ? unit.geofence : body.geofence ?? undefined;
      const next: UnitDoc = { ...rest, ...(body.name ? { name: body.name } : {}), ...(geofence ? { geofence } : {}), updatedAt: now };
      checkUnit(next, units);
      tx.write('units', params.id, next);
      // Names are not in the roster; geofences are (a seal device enforces them offline).
      return {
        result: next,
        audit: [{ actor: actorOf(signedIn), action: 'unit.update', target: { kind: 'unit', id: params.id }, unitId: params.id, before: unitView(unit), after: unitView(next) }],
        roster: !sameGeofence(unit.geofence, next.geofence),
      };
    });
    return { unit: unitView(after) };
  });
}
