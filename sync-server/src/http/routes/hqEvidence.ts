import {
  deviceEventIdParamsSchema, evidenceBundleResponseSchema, evidenceResponseSchema, factRowId, requestIdParamsSchema, sealIdParamsSchema, sealLedgerQuerySchema,
  sealLedgerResponseSchema, verifyBundle, type Action, type EvidenceBundle, type Role,
} from '@seal/shared';
import { currentSignedRoster } from '../../auth/roster';
import { loadUnitTree, permission, requireAnyRole } from '../../auth/scope';
import type { UserDoc } from '../../couch/model';
import type { Store } from '../../couch/store';
import { requestBundle, requestScopeUnit, stampBundle, type BundleMaker } from '../../hq/evidence/bundles';
import { sealLedger } from '../../hq/evidence/ledger';
import { evidenceSources } from '../../hq/evidence/sources';
import { blobsRepo } from '../../sync/blobsRepo';
import { rowsRepo, type RowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError } from '../errors';

const READERS: readonly Role[] = ['admin', 'custodian', 'auditor'];
const EXPORTERS: readonly Role[] = ['admin', 'auditor'];
/** 403 only for a caller whose roles never allow the route, whatever the id; out of scope is the 404 of an id not recorded. */
const REFUSALS = { 401: 'unauthenticated | session_expired', 403: 'forbidden', 404: 'not_found', 409: 'evidence_incomplete' } as const;
/** Whether the caller may do the action over a unit (they hold a role for it: `requireAnyRole` came first). */
type Visible = (unitId: string) => boolean;

const noStamp = (deviceEventId: string) => new ApiError(404, 'not_found', `No stamp "${deviceEventId}" is recorded`);
const noRequest = (requestId: string) => new ApiError(404, 'not_found', `No request "${requestId}" is recorded`);

/**
 * Decides, before anything of the entry `deviceId:seq` is looked at or said, whether the caller may
 * have it: over the unit of its device as the server holds the device's record, and over the scope
 * of the entry's row when one is stored. Someone out of either scope, or asking of a device the
 * server does not hold, gets the 404 a stamp not recorded gets, whatever the entry is: which
 * entries are stamps, made under what request (recorded or not), is said only within scope.
 */
async function requireStampScope(maker: BundleMaker, rows: RowsRepo, visible: Visible, deviceEventId: string): Promise<void> {
  const deviceId = deviceEventId.slice(0, deviceEventId.lastIndexOf(':'));
  const device = await maker.sources.device(deviceId);
  if (device === undefined || !visible(device.unitId)) throw noStamp(deviceEventId);
  const row = (await rows.getMany([factRowId('device_event', deviceEventId)])).get(factRowId('device_event', deviceEventId));
  if (row !== undefined && !visible(row.scopeUnitId)) throw noStamp(deviceEventId);
}

/**
 * Headquarters' evidence: a stamp's, a request's (all its stamps) and a seal's ledger, each piece
 * with `verifyBundle`'s verdict under the organisation key (`log.read`: admins, custodians and
 * auditors within their scope); and the bundles to download and verify elsewhere (`export`:
 * admins and auditors within their scope). A caller holding none of the roles is refused (403,
 * whatever the id); one who holds them, asking of an id outside their scope, gets exactly the 404
 * of an id not recorded — decided before anything of it is read, said or assembled.
 */
export function hqEvidenceRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  const maker: BundleMaker = {
    sources: evidenceSources(rows, blobsRepo(store.couch.use(store.dbName('blobs')))),
    archive: ctx.repos.archive,
    orgKey: ctx.orgKey,
    now: ctx.now,
    currentRoster: () => currentSignedRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now()),
    units: () => loadUnitTree(ctx.repos.units),
  };
  /** Refuses (403 `forbidden`, before any lookup) a caller whose roles never allow `action`; otherwise the units they may do it over. */
  const scopeOf = async (user: UserDoc, roles: readonly Role[], action: Action, doing: string): Promise<Visible> => {
    requireAnyRole(user, roles, doing);
    const tree = await loadUnitTree(ctx.repos.units);
    return (unitId) => permission(user, action, { unitId }, tree).ok;
  };
  /** The bundle, when its seal (as assembled) is in scope; else `notFound`. */
  const inScope = (visible: Visible, bundle: EvidenceBundle, notFound: ApiError): EvidenceBundle => {
    if (!visible(bundle.seal.unitId)) throw notFound;
    return bundle;
  };
  /**
   * The request, when it is recorded and in the caller's scope (`requestScopeUnit`: its seal's unit,
   * the request's when the seal is not recorded); else the one 404 of a request not recorded —
   * refused before a bundle is assembled (a device's whole log read, every photo hashed, signed).
   */
  const requestOf = async (visible: Visible, requestId: string) => {
    const request = await maker.sources.request(requestId);
    if (request === undefined || !visible(await requestScopeUnit(maker, request))) throw noRequest(requestId);
    return request;
  };
  /**
   * A stamp's evidence: its scope first (`requireStampScope`), then the bundle, in which a request
   * outside the caller's scope is one not recorded (409, as `stampBundle` says).
   */
  const stampOf = async (visible: Visible, deviceEventId: string): Promise<EvidenceBundle> => {
    await requireStampScope(maker, rows, visible, deviceEventId);
    return inScope(visible, await stampBundle(maker, deviceEventId, visible), noStamp(deviceEventId));
  };
  const withReport = async (bundle: EvidenceBundle) => ({ report: await verifyBundle(bundle, ctx.orgKey.publicJwk), bundle });
  const download = (reply: { header(name: string, value: string): unknown }, name: string) => {
    reply.header('content-disposition', `attachment; filename="evidence-${name.replace(/[^A-Za-z0-9._-]/g, '-')}.json"`);
    reply.header('cache-control', 'no-store');
  };
  const reading = (user: UserDoc) => scopeOf(user, READERS, 'log.read', 'read evidence');
  const exporting = (user: UserDoc) => scopeOf(user, EXPORTERS, 'export', 'export evidence');

  api.route({
    method: 'GET', url: '/api/hq/evidence/stamps/:deviceEventId', tag: 'hq', auth: 'session', params: deviceEventIdParamsSchema,
    summary: "A stamp's evidence: every piece (photo, device chain, grant, request, approvals, rosters, binding, time) and each check of verifyBundle",
    responses: { 200: evidenceResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn }) => {
    return withReport(await stampOf(await reading(signedIn.user), params.deviceEventId));
  });

  api.route({
    method: 'GET', url: '/api/hq/evidence/requests/:requestId', tag: 'hq', auth: 'session', params: requestIdParamsSchema,
    summary: "A request's evidence: all its stamps, every piece and each check of verifyBundle",
    responses: { 200: evidenceResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn }) => {
    const visible = await reading(signedIn.user);
    const request = await requestOf(visible, params.requestId);
    return withReport(inScope(visible, await requestBundle(maker, request), noRequest(params.requestId)));
  });

  api.route({
    method: 'GET', url: '/api/hq/evidence/seals/:sealId', tag: 'hq', auth: 'session', params: sealIdParamsSchema, query: sealLedgerQuerySchema,
    summary: "A seal's ledger over a period (device clock): its device's entries, and each request stamped with its evidence verdict",
    responses: { 200: sealLedgerResponseSchema, 400: 'invalid_query', ...REFUSALS },
  }, async ({ params, query, signedIn }) => sealLedger(maker, params.sealId, query.from, query.to, await reading(signedIn.user)));

  api.route({
    method: 'GET', url: '/api/hq/bundles/stamps/:deviceEventId', tag: 'hq', auth: 'session', params: deviceEventIdParamsSchema,
    summary: "A stamp's evidence bundle, to download (Content-Disposition) and verify with only the organisation's public key",
    responses: { 200: evidenceBundleResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn, reply }) => {
    const bundle = await stampOf(await exporting(signedIn.user), params.deviceEventId);
    download(reply, `stamp-${params.deviceEventId}`);
    return bundle;
  });

  api.route({
    method: 'GET', url: '/api/hq/bundles/requests/:requestId', tag: 'hq', auth: 'session', params: requestIdParamsSchema,
    summary: "A request's evidence bundle (all its stamps), to download (Content-Disposition) and verify with only the organisation's public key",
    responses: { 200: evidenceBundleResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn, reply }) => {
    const visible = await exporting(signedIn.user);
    const request = await requestOf(visible, params.requestId);
    const bundle = inScope(visible, await requestBundle(maker, request), noRequest(params.requestId));
    download(reply, `request-${params.requestId}`);
    return bundle;
  });
}
