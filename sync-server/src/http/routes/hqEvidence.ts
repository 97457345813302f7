import {
  deviceEventIdParamsSchema, evidenceBundleResponseSchema, evidenceResponseSchema, factRowId, requestIdParamsSchema, sealIdParamsSchema, sealLedgerQuerySchema,
  sealLedgerResponseSchema, verifyBundle, type Action, type EvidenceBundle, type Role,
} from '@seal/shared';
import { currentSignedRoster } from '../../auth/roster';
import { loadUnitTree, permission, requireAnyRole, requirePermission, type UnitTree } from '../../auth/scope';
import type { UserDoc } from '../../couch/model';
import type { Store } from '../../couch/store';
import { requestBundle, stampBundle, type BundleMaker } from '../../hq/evidence/bundles';
import { sealLedger } from '../../hq/evidence/ledger';
import { evidenceSources } from '../../hq/evidence/sources';
import { blobsRepo } from '../../sync/blobsRepo';
import { rowsRepo, type RowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError } from '../errors';

const READERS: readonly Role[] = ['admin', 'custodian', 'auditor'];
const EXPORTERS: readonly Role[] = ['admin', 'auditor'];
const REFUSALS = { 401: 'unauthenticated | session_expired', 403: 'forbidden | out_of_scope', 404: 'not_found', 409: 'evidence_incomplete' } as const;

/**
 * Decides, before anything of the entry `deviceId:seq` is looked at or said, whether the caller may
 * have it: `action` over the unit of its device as the server holds the device's record, and over
 * the scope of the entry's row when one is stored. Someone out of either scope, or asking of a device
 * the server does not hold, gets the 404 a stamp not recorded gets, whatever the entry is: which
 * entries are stamps, made under what request (recorded or not), is said only within scope.
 */
async function requireStampScope(maker: BundleMaker, rows: RowsRepo, tree: UnitTree, user: UserDoc, action: Action, deviceEventId: string): Promise<void> {
  const deviceId = deviceEventId.slice(0, deviceEventId.lastIndexOf(':'));
  const notFound = new ApiError(404, 'not_found', `No stamp "${deviceEventId}" is recorded`);
  const device = await maker.sources.device(deviceId);
  if (device === undefined || !permission(user, action, { unitId: device.unitId }, tree).ok) throw notFound;
  const row = (await rows.getMany([factRowId('device_event', deviceEventId)])).get(factRowId('device_event', deviceEventId));
  if (row !== undefined && !permission(user, action, { unitId: row.scopeUnitId }, tree).ok) throw notFound;
}

/**
 * Headquarters' evidence: a stamp's, a request's (all its stamps) and a seal's ledger, each piece
 * with `verifyBundle`'s verdict under the organisation key (`log.read`: admins, custodians and
 * auditors within their scope); and the bundles to download and verify elsewhere (`export`:
 * admins and auditors within their scope).
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
  /** Refuses before any work those whose roles never allow it (403), then out of the seal's scope after the lookup (403 out_of_scope). */
  const inScope = async (user: UserDoc, action: Action, bundle: EvidenceBundle): Promise<EvidenceBundle> => {
    requirePermission(user, action, { unitId: bundle.seal.unitId }, await loadUnitTree(ctx.repos.units));
    return bundle;
  };
  const requestOf = async (requestId: string) => {
    const request = await maker.sources.request(requestId);
    if (request === undefined) throw new ApiError(404, 'not_found', `No request "${requestId}" is recorded`);
    return request;
  };
  /**
   * Refuses, before a bundle is assembled (a device's whole log read, every photo hashed, the
   * bundle signed), a caller outside the scope of the request's seal (its unit; the request's
   * when the seal is not recorded): a request id printed on a process sheet costs them a 403, not
   * the server that work.
   */
  const mayHave = async (user: UserDoc, action: Action, request: { readonly sealId: string; readonly unitId: string }): Promise<void> => {
    const seal = await maker.sources.seal(request.sealId);
    requirePermission(user, action, { unitId: seal?.unitId ?? request.unitId }, await loadUnitTree(ctx.repos.units));
  };
  /** The request a stamp was made under, when the stamp and its request are recorded (the bundle says what is missing otherwise). */
  const requestOfStamp = async (deviceEventId: string) => {
    const split = deviceEventId.lastIndexOf(':');
    const entry = await maker.sources.entry(deviceEventId.slice(0, split), Number(deviceEventId.slice(split + 1)));
    return entry?.type === 'stamp' && entry.payload.requestId !== null ? maker.sources.request(entry.payload.requestId) : undefined;
  };
  const mayHaveStamp = async (user: UserDoc, action: Action, deviceEventId: string): Promise<void> => {
    await requireStampScope(maker, rows, await loadUnitTree(ctx.repos.units), user, action, deviceEventId);
    const request = await requestOfStamp(deviceEventId);
    if (request !== undefined) await mayHave(user, action, request);
  };
  const withReport = async (bundle: EvidenceBundle) => ({ report: await verifyBundle(bundle, ctx.orgKey.publicJwk), bundle });
  const download = (reply: { header(name: string, value: string): unknown }, name: string) => {
    reply.header('content-disposition', `attachment; filename="evidence-${name.replace(/[^A-Za-z0-9._-]/g, '-')}.json"`);
    reply.header('cache-control', 'no-store');
  };

  api.route({
    method: 'GET', url: '/api/hq/evidence/stamps/:deviceEventId', tag: 'hq', auth: 'session', params: deviceEventIdParamsSchema,
    summary: "A stamp's evidence: every piece (photo, device chain, grant, request, approvals, rosters, binding, time) and each check of verifyBundle",
    responses: { 200: evidenceResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn }) => {
    requireAnyRole(signedIn.user, READERS, 'read evidence');
    await mayHaveStamp(signedIn.user, 'log.read', params.deviceEventId);
    return withReport(await inScope(signedIn.user, 'log.read', await stampBundle(maker, params.deviceEventId)));
  });

  api.route({
    method: 'GET', url: '/api/hq/evidence/requests/:requestId', tag: 'hq', auth: 'session', params: requestIdParamsSchema,
    summary: "A request's evidence: all its stamps, every piece and each check of verifyBundle",
    responses: { 200: evidenceResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn }) => {
    requireAnyRole(signedIn.user, READERS, 'read evidence');
    const request = await requestOf(params.requestId);
    await mayHave(signedIn.user, 'log.read', request);
    return withReport(await inScope(signedIn.user, 'log.read', await requestBundle(maker, request)));
  });

  api.route({
    method: 'GET', url: '/api/hq/evidence/seals/:sealId', tag: 'hq', auth: 'session', params: sealIdParamsSchema, query: sealLedgerQuerySchema,
    summary: "A seal's ledger over a period (device clock): its device's entries, and each request stamped with its evidence verdict",
    responses: { 200: sealLedgerResponseSchema, 400: 'invalid_query', ...REFUSALS },
  }, async ({ params, query, signedIn }) => {
    requireAnyRole(signedIn.user, READERS, 'read evidence');
    const seal = await maker.sources.seal(params.sealId);
    if (seal === undefined) throw new ApiError(404, 'not_found', `No seal "${params.sealId}" is recorded`);
    requirePermission(signedIn.user, 'log.read', { unitId: seal.unitId }, await loadUnitTree(ctx.repos.units));
    return sealLedger(maker, params.sealId, query.from, query.to);
  });

  api.route({
    method: 'GET', url: '/api/hq/bundles/stamps/:deviceEventId', tag: 'hq', auth: 'session', params: deviceEventIdParamsSchema,
    summary: "A stamp's evidence bundle, to download (Content-Disposition) and verify with only the organisation's public key",
    responses: { 200: evidenceBundleResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn, reply }) => {
    requireAnyRole(signedIn.user, EXPORTERS, 'export evidence');
    await mayHaveStamp(signedIn.user, 'export', params.deviceEventId);
    const bundle = await inScope(signedIn.user, 'export', await stampBundle(maker, params.deviceEventId));
    download(reply, `stamp-${params.deviceEventId}`);
    return bundle;
  });

  api.route({
    method: 'GET', url: '/api/hq/bundles/requests/:requestId', tag: 'hq', auth: 'session', params: requestIdParamsSchema,
    summary: "A request's evidence bundle (all its stamps), to download (Content-Disposition) and verify with only the organisation's public key",
    responses: { 200: evidenceBundleResponseSchema, ...REFUSALS },
  }, async ({ params, signedIn, reply }) => {
    requireAnyRole(signedIn.user, EXPORTERS, 'export evidence');
    const request = await requestOf(params.requestId);
    await mayHave(signedIn.user, 'export', request);
    const bundle = await inScope(signedIn.user, 'export', await requestBundle(maker, request));
    download(reply, `request-${params.requestId}`);
    return bundle;
  });
}
