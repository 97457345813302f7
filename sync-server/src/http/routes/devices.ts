import { z } from 'zod';
import { approvalRouteSchema, signSealBinding, signTimeRecord, type DeviceId, type SealId, type UnitId, type UserId } from '@seal/shared';
import { loadUnitTree, requirePermission } from '../../auth/scope';
import type { Api } from '../api';
import { ApiError } from '../errors';
import { idParams, recordIdParam } from '../ids';

const bindingBody = z.object({
  sealId: recordIdParam,
  sealKind: approvalRouteSchema.shape.sealKind,
  minApprovals: approvalRouteSchema.shape.minApprovals,
  custodianId: recordIdParam,
  unitId: recordIdParam.describe("The seal's unit; its path up to HQ goes into the binding"),
  version: z.int().nonnegative().optional().describe('Defaults to the issue time (ms): later bindings always win'),
});

/**
 * Records the organisation key signs for one seal device: the seal binding (which seal it holds,
 * its approval route, custodian and unit path) and a time record. Admins and custodians over the
 * seal's unit (binding) or over any unit (time) only.
 */
export function deviceRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'POST', url: '/api/devices/:id/binding', tag: 'devices', auth: 'session', params: idParams, body: bindingBody,
    summary: 'A seal binding for the device, signed by the org key (the device checks it offline)',
    responses: { 200: 'Signed<SealBinding> { record, signature }', 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope' },
  }, async ({ params, body, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(body.unitId as UnitId)) throw new ApiError(400, 'unit_invalid', `Unit "${body.unitId}" does not exist`);
    requirePermission(signedIn.user, 'device.bind', { unitId: body.unitId }, tree);
    const path: UnitId[] = [];
    for (let id: UnitId | null = body.unitId as UnitId; id !== null && path.length < 16; id = tree.get(id)?.parentId ?? null) path.push(id);
    const now = ctx.now();
    reply.header('cache-control', 'no-store');
    return signSealBinding(ctx.orgKey.privateKey, {
      deviceId: params.id as DeviceId,
      version: body.version ?? now,
      sealId: body.sealId as SealId,
      route: { sealKind: body.sealKind, minApprovals: body.minApprovals },
      custodianId: body.custodianId as UserId,
      sealUnitPath: path,
      issuedAt: now,
    });
  });

  api.route({
    method: 'POST', url: '/api/devices/:id/time', tag: 'devices', auth: 'session', params: idParams,
    summary: "A time record for the device (now, by the server's clock), signed by the org key",
    responses: { 200: 'Signed<TimeRecord> { record, signature }', 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ params, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const units = signedIn.user.grants.filter((g) => g.role === 'admin' || g.role === 'custodian').map((g) => g.unitId);
    if (units.length === 0) throw new ApiError(403, 'forbidden', 'To set a device clock you need the role admin or custodian');
    requirePermission(signedIn.user, 'device.bind', { unitId: units[0]! }, tree);
    reply.header('cache-control', 'no-store');
    return signTimeRecord(ctx.orgKey.privateKey, params.id as DeviceId, ctx.now());
  });
}
