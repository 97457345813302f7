import { randomBytes, randomInt } from 'node:crypto';
import {
  caseIdParamsSchema, createSpotCheckBodySchema, drawSpotCheckSample, idParamsSchema, isInSubtree, reconcileRequest, reconcileSeal,
  requestReconciliationResponseSchema, sealRecordSchema, sealReconciliationQuerySchema, sealReconciliationResponseSchema, spotCheckResponseSchema,
  spotCheckVerdictsBodySchema, stampsOf, useRequestSchema, type UnitId,
} from '@seal/shared';
import { loadUnitTree, permission, requirePermission } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { casesRepo, spotCheckDocId, type SpotCheckDoc } from '../../hq/anomalies/casesRepo';
import { loadHistory } from '../../hq/anomalies/loadHistory';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';

const spotView = ({ type: _t, ...view }: SpotCheckDoc) => view;

/** Reconciliation of a request or a seal: approved uses against what the devices recorded. */
export function hqReconciliationRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));

  api.route({
    method: 'GET', url: '/api/hq/reconciliation/requests/:id', tag: 'hq', auth: 'session', params: idParamsSchema,
    summary: 'Reconcile a request: approved uses vs stamps recorded, photos, document hash, holders, device counters',
    responses: { 200: requestReconciliationResponseSchema, 400: 'invalid_query', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 422: 'scope_too_large' },
  }, async ({ params, signedIn }) => {
    const parsed = useRequestSchema.safeParse(mergeChangeRows(await rows.changesOf('request', params.id)).json);
    const tree = await loadUnitTree(ctx.repos.units);
    if (!parsed.success || !permission(signedIn.user, 'log.read', { unitId: parsed.data.unitId }, tree).ok) throw notFound(`Request "${params.id}"`);
    const request = parsed.data;
    const { history } = await loadHistory(store, (u) => isInSubtree(u as UnitId, request.unitId, tree), (d) => d.sealId === request.sealId || isInSubtree(d.unitId as UnitId, request.unitId, tree));
    return reconcileRequest(history, request);
  });

  api.route({
    method: 'GET', url: '/api/hq/reconciliation/seals/:id', tag: 'hq', auth: 'session', params: idParamsSchema, query: sealReconciliationQuerySchema,
    summary: "Reconcile a seal over a period: its stamps by request against approved uses, photos, holders, counters",
    responses: { 200: sealReconciliationResponseSchema, 400: 'invalid_query', 401: 'unauthenticated', 404: 'not_found', 422: 'scope_too_large' },
  }, async ({ params, query, signedIn }) => {
    const parsed = sealRecordSchema.safeParse(mergeChangeRows(await rows.changesOf('seal', params.id)).json);
    const tree = await loadUnitTree(ctx.repos.units);
    if (!parsed.success || !permission(signedIn.user, 'log.read', { unitId: parsed.data.unitId }, tree).ok) throw notFound(`Seal "${params.id}"`);
    const sealId = parsed.data.id;
    const { history } = await loadHistory(store, () => false, (d) => d.sealId === sealId);
    return reconcileSeal(history, sealId, query.from, query.to);
  });

  hqSpotCheckRoutes(api, store);
}

/** Spot checks: a reproducible sample of stamps (seeded), and the reviewer's verdict on each; both audited. */
function hqSpotCheckRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const cases = casesRepo(store.couch.use(store.dbName('cases')));

  api.route({
    method: 'POST', url: '/api/hq/spot-checks', tag: 'hq', auth: 'session', body: createSpotCheckBodySchema,
    summary: "Draw a reproducible random sample of a unit's stamps in a period (the seed is recorded)",
    responses: { 201: spotCheckResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 422: 'scope_too_large' },
  }, async ({ body, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(body.unit as UnitId)) throw notFound(`Unit "${body.unit}"`);
    requirePermission(signedIn.user, 'case.review', { unitId: body.unit }, tree);
    const { history } = await loadHistory(store, (u) => isInSubtree(u as UnitId, body.unit as UnitId, tree));
    const stamps = stampsOf(history.devices).filter((s) => s.at >= body.from && s.at <= body.to);
    const seed = body.seed ?? randomInt(0, 2 ** 31 - 1);
    const byId = new Map(stamps.map((s) => [s.id, s]));
    const sample = drawSpotCheckSample([...byId.keys()], body.size, seed).map((id) => {
      const s = byId.get(id)!;
      return { stampId: id, deviceId: s.deviceId, seq: s.seq, at: s.at, requestId: s.requestId };
    });
    const doc: SpotCheckDoc = {
      type: 'spot-check', id: randomBytes(16).toString('hex'), unitId: body.unit, from: body.from, to: body.to, size: body.size, seed,
      candidates: byId.size, sample, createdBy: signedIn.user.id, createdAt: ctx.now(),
    };
    await ctx.changes.commit((tx) => {
      tx.write('cases', spotCheckDocId(doc.id), doc);
      return { result: doc, audit: [{ actor: actorOf(signedIn), action: 'spot_check.create', target: { kind: 'spot_check', id: doc.id }, unitId: doc.unitId, after: spotView(doc) }] };
    });
    reply.status(201);
    return { spotCheck: spotView(doc) };
  });

  api.route({
    method: 'GET', url: '/api/hq/spot-checks/:id', tag: 'hq', auth: 'session', params: caseIdParamsSchema,
    summary: 'A spot check: its seed, sample and verdicts',
    responses: { 200: spotCheckResponseSchema, 400: 'invalid_query', 401: 'unauthenticated', 404: 'not_found' },
  }, async ({ params, signedIn }) => {
    const doc = await cases.spotCheck(params.id);
    if (!doc || !permission(signedIn.user, 'log.read', { unitId: doc.unitId }, await loadUnitTree(ctx.repos.units)).ok) throw notFound(`Spot check "${params.id}"`);
    return { spotCheck: spotView(doc) };
  });

  api.route({
    method: 'POST', url: '/api/hq/spot-checks/:id/verdicts', tag: 'hq', auth: 'session', params: caseIdParamsSchema, body: spotCheckVerdictsBodySchema,
    summary: 'Record verdicts on sampled stamps (ok, problem, unclear, with a note); audited',
    responses: { 200: spotCheckResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ params, body, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const seen = await cases.spotCheck(params.id);
    if (!seen || !permission(signedIn.user, 'log.read', { unitId: seen.unitId }, tree).ok) throw notFound(`Spot check "${params.id}"`);
    requirePermission(signedIn.user, 'case.review', { unitId: seen.unitId }, tree);
    const outside = body.verdicts.find((v) => !seen.sample.some((s) => s.stampId === v.stampId));
    if (outside) throw new ApiError(400, 'invalid_body', `Stamp "${outside.stampId}" is not in this spot check's sample`);
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      const held = await tx.read<SpotCheckDoc>('cases', spotCheckDocId(params.id));
      if (!held) throw notFound(`Spot check "${params.id}"`);
      const given = new Map(body.verdicts.map((v) => [v.stampId, { verdict: v.verdict, note: v.note, by: signedIn.user.id, at: now }]));
      const next: SpotCheckDoc = { ...held, sample: held.sample.map((s) => (given.has(s.stampId) ? { ...s, verdict: given.get(s.stampId)! } : s)) };
      tx.write('cases', spotCheckDocId(params.id), next);
      const changed = (doc: SpotCheckDoc) => doc.sample.filter((s) => given.has(s.stampId));
      return { result: next, audit: [{ actor: actorOf(signedIn), action: 'spot_check.verdict', target: { kind: 'spot_check', id: params.id }, unitId: held.unitId, before: changed(held), after: changed(next) }] };
    });
    return { spotCheck: spotView(after) };
  });
}
