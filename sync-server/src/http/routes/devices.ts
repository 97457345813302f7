import {
  approvalRouteFor, deviceSchema, holdsSeal, idParamsSchema, sealLockRefusal, sealBindingBodySchema, sealRecordSchema, signedSealBindingSchema, signedTimeRecordSchema, type SealBindingBody, signSealBinding, signTimeRecord, type DeviceId, type SealId, type UnitId, type UserId } from '@seal/shared';
import { loadUnitTree, permission, requirePermission } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError } from '../errors';

type BindingBody = SealBindingBody;

/**
 * Checks a binding asked for against the seal's record as the server holds it: the seal must be
 * recorded, physical and locked in this very device, and the binding must say what the record
 * says (kind, custodian, unit) with at least the approvals its kind's route needs. Otherwise an admin could sign a device into accepting one
 * approval for an official seal (公章). A seal's kind and form never change (validateChange).
 */
function bindingMismatch(deviceId: string, body: BindingBody, json: Record<string, unknown> | null): string | undefined {
  const parsed = sealRecordSchema.safeParse(json);
  if (!parsed.success) return `seal "${body.sealId}" is not recorded here: record the seal (bound to this device) first`;
  const seal = parsed.data;
  if (seal.form !== 'physical') return `seal "${seal.id}" is electronic: no device holds it`;
  if (seal.deviceId !== deviceId) return `seal "${seal.id}" is locked in ${seal.deviceId === null ? 'no device' : `device "${seal.deviceId}"`}, not "${deviceId}"`;
  if (body.sealKind !== seal.kind) return `seal "${seal.id}" is of kind ${seal.kind}, not ${body.sealKind}`;
  if (body.custodianId !== seal.custodianId) return `the custodian of seal "${seal.id}" is "${seal.custodianId}", not "${body.custodianId}"`;
  if (body.unitId !== seal.unitId) return `seal "${seal.id}" belongs to unit "${seal.unitId}", not "${body.unitId}"`;
  const needed = approvalRouteFor(seal.kind).minApprovals;
  if (body.minApprovals < needed) return `a ${seal.kind} seal needs ${needed} approvals, not ${body.minApprovals}`;
  return undefined;
}

/**
 * Records the organisation key signs for one seal device: the seal binding (which seal it holds,
 * its approval route, custodian and unit path) and a time record. Admins and custodians over the
 * seal's unit (binding) or over any unit (time) only; a binding only for a recorded seal locked
 * in that device, saying what its record says.
 */
export function deviceRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));

  api.route({
    method: 'POST', url: '/api/devices/:id/binding', tag: 'devices', auth: 'session', params: idParamsSchema, body: sealBindingBodySchema,
    summary: 'A seal binding for the device, signed by the org key (the device checks it offline)',
    responses: { 200: signedSealBindingSchema.describe('Signed<SealBinding> { record, signature }'), 400: 'invalid_body | unit_invalid', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 409: 'binding_mismatch' },
  }, async ({ params, body, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(body.unitId as UnitId)) throw new ApiError(400, 'unit_invalid', `Unit "${body.unitId}" does not exist`);
    requirePermission(signedIn.user, 'device.bind', { unitId: body.unitId }, tree);
    // The device too: on record, in a unit where the caller binds devices, and holding no other
    // seal (a seal record pointed at another unit's device must not take that device over). A
    // device not on record gets no binding: nothing says which unit it is in, and a device
    // registered later under that id, anywhere, would take it. A device outside the caller's
    // `device.bind` scope is answered exactly as one not on record (same status, code and
    // message): naming a device id must not tell them it exists elsewhere.
    const device = deviceSchema.safeParse(mergeChangeRows(await rows.changesOf('device', params.id)).json);
    if (!device.success || !permission(signedIn.user, 'device.bind', { unitId: device.data.unitId }, tree).ok) {
      throw new ApiError(409, 'binding_mismatch', `No binding signed: device "${params.id}" is not registered on the server in a unit where you bind devices`);
    }
    const refusal = sealLockRefusal(device.data, { id: body.sealId, unitId: body.unitId }, tree);
    if (refusal !== undefined) throw new ApiError(409, 'binding_mismatch', `No binding signed: ${refusal}`);
    // A seal outside the caller's `device.bind` scope is answered as one not recorded: naming it
    // must not tell them it exists, nor which device it is locked in.
    const sealJson = mergeChangeRows(await rows.changesOf('seal', body.sealId)).json;
    const seal = sealRecordSchema.safeParse(sealJson);
    const bindable = seal.success && permission(signedIn.user, 'device.bind', { unitId: seal.data.unitId }, tree).ok;
    const mismatch = bindingMismatch(params.id, body, bindable ? sealJson : null);
    if (mismatch !== undefined) throw new ApiError(409, 'binding_mismatch', `No binding signed: ${mismatch}`);
    // And the device's own record must say it holds this seal: two seal records naming one free device (a
    // client that left the device's record as it was) would otherwise both have it signed over.
    if (!holdsSeal(device.data, body.sealId)) throw new ApiError(409, 'binding_mismatch', `No binding signed: device "${params.id}" does not hold seal "${body.sealId}" by its record (${device.data.state}): record the device holding the seal first`);
    const path: UnitId[] = [];
    for (let id: UnitId | null = body.unitId as UnitId; id !== null && path.length < 16; id = tree.get(id)?.parentId ?? null) path.push(id);
    const now = ctx.now();
    reply.header('cache-control', 'no-store');
    const signed = await signSealBinding(ctx.orgKey.privateKey, {
      deviceId: params.id as DeviceId,
      // The issue time: later bindings always win, and no caller can pin a version above them.
      version: now,
      sealId: body.sealId as SealId,
      route: { sealKind: body.sealKind, minApprovals: body.minApprovals },
      custodianId: body.custodianId as UserId,
      sealUnitPath: path,
      issuedAt: now,
    });
    await ctx.repos.archive.keepBinding(signed);
    return signed;
  });

  api.route({
    method: 'POST', url: '/api/devices/:id/time', tag: 'devices', auth: 'session', params: idParamsSchema,
    summary: "A time record for the device (now, by the server's clock), signed by the org key",
    responses: { 200: signedTimeRecordSchema.describe('Signed<TimeRecord> { record, signature }'), 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ params, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const units = signedIn.user.grants.filter((g) => g.role === 'admin' || g.role === 'custodian').map((g) => g.unitId);
    if (units.length === 0) throw new ApiError(403, 'forbidden', 'To set a device clock you need the role admin or custodian');
    requirePermission(signedIn.user, 'device.bind', { unitId: units[0]! }, tree);
    reply.header('cache-control', 'no-store');
    const signed = await signTimeRecord(ctx.orgKey.privateKey, params.id as DeviceId, ctx.now());
    await ctx.repos.archive.keepTimeRecord(signed);
    return signed;
  });
}
