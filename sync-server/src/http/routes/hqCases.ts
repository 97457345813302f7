import {
  acknowledgeCaseBodySchema, anomalyRulesResponseSchema, anomalyRulesSchema, anomalyScanBodySchema, anomalyScanResponseSchema, caseIdParamsSchema,
  caseResponseSchema, casesQuerySchema, casesResponseSchema, isInSubtree, resolveCaseBodySchema, type UnitId,
} from '@seal/shared';
import { isSystemAdmin, loadUnitTree, permission, requireAnyRole, requirePermission, type UnitTree } from '../../auth/scope';
import type { UserDoc } from '../../couch/model';
import type { Store } from '../../couch/store';
import { caseDocId, casesRepo, caseView, RULES_DOC_ID, type CaseDoc, type CasesRepo, type RulesDoc } from '../../hq/anomalies/casesRepo';
import { scanCases } from '../../hq/anomalies/scanCases';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';

const READERS = ['admin', 'custodian', 'auditor'] as const;
const canRead = (user: UserDoc, unitId: string, tree: UnitTree): boolean => permission(user, 'log.read', { unitId }, tree).ok;
const cursorOf = (c: CaseDoc): string => `${c.at}_${c.id}`;
/** Most recent first, then by id: a total order, so a cursor names one place in it. */
const order = (a: CaseDoc, b: CaseDoc): number => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A case the user may read; one they may not is answered as absent (404), never described. */
async function visibleCase(cases: CasesRepo, id: string, user: UserDoc, tree: UnitTree): Promise<CaseDoc> {
  const found = await cases.get(id);
  if (!found || !canRead(user, found.unitId, tree)) throw notFound(`Case "${id}"`);
  return found;
}

/** The exception queue: cases of anomalies in the reader's scope, and their review (open → acknowledged → resolved). */
export function hqCaseRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const cases = casesRepo(store.couch.use(store.dbName('cases')));

  api.route({
    method: 'GET', url: '/api/hq/cases', tag: 'hq', auth: 'session', query: casesQuerySchema,
    summary: 'Anomaly cases in scope (unit subtree, status, kind), most recent first, by cursor',
    responses: { 200: casesResponseSchema, 400: 'invalid_query', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' },
  }, async ({ query, signedIn }) => {
    requireAnyRole(signedIn.user, READERS, 'read anomaly cases');
    const tree = await loadUnitTree(ctx.repos.units);
    if (query.unit !== undefined && !tree.has(query.unit as UnitId)) throw notFound(`Unit "${query.unit}"`);
    const matching = (await cases.list())
      .filter((c) => canRead(signedIn.user, c.unitId, tree))
      .filter((c) => query.unit === undefined || isInSubtree(c.unitId as UnitId, query.unit as UnitId, tree))
      .filter((c) => (query.status === undefined || c.status === query.status) && (query.kind === undefined || c.kind === query.kind))
      .sort(order);
    const start = query.cursor === undefined ? 0 : matching.findIndex((c) => cursorOf(c) === query.cursor) + 1;
    if (query.cursor !== undefined && start === 0) throw new ApiError(400, 'invalid_query', 'The cursor names no case of this listing: start again without it');
    const page = matching.slice(start, start + query.limit);
    const more = start + page.length < matching.length;
    return { cases: page.map(caseView), nextCursor: more ? cursorOf(page.at(-1)!) : null, total: matching.length };
  });

  api.route({
    method: 'GET', url: '/api/hq/cases/:id', tag: 'hq', auth: 'session', params: caseIdParamsSchema,
    summary: 'One case with its evidence (row ids) and its review',
    responses: { 200: caseResponseSchema, 400: 'invalid_query', 401: 'unauthenticated', 404: 'not_found' },
  }, async ({ params, signedIn }) => ({ case: caseView(await visibleCase(cases, params.id, signedIn.user, await loadUnitTree(ctx.repos.units))) }));

  const review = (to: 'acknowledged' | 'resolved') => async ({ params, body, signedIn }: { params: { id: string }; body: { note?: string | undefined }; signedIn: Parameters<typeof actorOf>[0] }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const seen = await visibleCase(cases, params.id, signedIn.user, tree);
    requirePermission(signedIn.user, 'case.review', { unitId: seen.unitId }, tree);
    const now = ctx.now();
    const after = await ctx.changes.commit(async (tx) => {
      const held = await tx.read<CaseDoc>('cases', caseDocId(params.id));
      if (!held) throw notFound(`Case "${params.id}"`);
      if (held.status === 'resolved' || held.status === to) throw new ApiError(409, 'conflict', `Case "${params.id}" is ${held.status}: it cannot be ${to}`);
      const by = signedIn.user.id;
      const next: CaseDoc = to === 'acknowledged'
        ? { ...held, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by }
        : { ...held, status: 'resolved', ...(held.acknowledgedAt === undefined ? { acknowledgedAt: now, acknowledgedBy: by } : {}), resolvedAt: now, resolvedBy: by, resolution: body.note! };
      tx.write('cases', caseDocId(params.id), next);
      const action = to === 'acknowledged' ? 'case.acknowledge' : 'case.resolve';
      return { result: next, audit: [{ actor: actorOf(signedIn), action, target: { kind: 'case', id: params.id }, unitId: held.unitId, before: caseView(held), after: { ...caseView(next), ...(body.note ? { note: body.note } : {}) } }] };
    });
    return { case: caseView(after) };
  };

  api.route({
    method: 'POST', url: '/api/hq/cases/:id/acknowledge', tag: 'hq', auth: 'session', params: caseIdParamsSchema, body: acknowledgeCaseBodySchema,
    summary: 'Acknowledge an open case (someone is on it); audited',
    responses: { 200: caseResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 409: 'conflict' },
  }, review('acknowledged'));

  api.route({
    method: 'POST', url: '/api/hq/cases/:id/resolve', tag: 'hq', auth: 'session', params: caseIdParamsSchema, body: resolveCaseBodySchema,
    summary: 'Resolve a case with a note (required); audited',
    responses: { 200: caseResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 409: 'conflict' },
  }, review('resolved'));

  hqScanAndRuleRoutes(api, store, cases);
}

function hqScanAndRuleRoutes(api: Api, store: Store, cases: CasesRepo): void {
  const { ctx } = api;
  api.route({
    method: 'POST', url: '/api/hq/anomalies/scan', tag: 'hq', auth: 'session', body: anomalyScanBodySchema,
    summary: "Detect anomalies in a unit's subtree and open a case per new root cause (idempotent)",
    responses: { 200: anomalyScanResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | out_of_scope', 404: 'not_found', 422: 'scope_too_large' },
  }, async ({ body, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(body.unit as UnitId)) throw notFound(`Unit "${body.unit}"`);
    requirePermission(signedIn.user, 'case.review', { unitId: body.unit }, tree);
    return scanCases(ctx, store, body.unit, actorOf(signedIn), { verifyPhotoBytes: body.verifyPhotoBytes ?? false });
  });

  api.route({
    method: 'GET', url: '/api/hq/anomaly-rules', tag: 'hq', auth: 'session',
    summary: 'The anomaly detection rules in force (thresholds, working hours)',
    responses: { 200: anomalyRulesResponseSchema, 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ signedIn }) => {
    requireAnyRole(signedIn.user, READERS, 'read the anomaly rules');
    return cases.rules();
  });

  api.route({
    method: 'PUT', url: '/api/hq/anomaly-rules', tag: 'hq', auth: 'session', body: anomalyRulesSchema,
    summary: 'Change the anomaly detection rules (system administrators; audited, before and after)',
    responses: { 200: anomalyRulesResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ body, signedIn }) => {
    if (!isSystemAdmin(signedIn.user, await loadUnitTree(ctx.repos.units))) throw new ApiError(403, 'forbidden', 'Only a system administrator (admin at headquarters) changes the anomaly rules');
    const now = ctx.now();
    const before = await cases.rules();
    const doc: RulesDoc = { type: 'anomaly-rules', rules: body, updatedAt: now, updatedBy: signedIn.user.id };
    await ctx.changes.commit(async (tx) => {
      await tx.read('cases', RULES_DOC_ID);
      tx.write('cases', RULES_DOC_ID, doc);
      return { result: doc, audit: [{ actor: actorOf(signedIn), action: 'anomaly_rules.update', target: { kind: 'anomaly_rules', id: RULES_DOC_ID }, unitId: null, before: before.rules, after: body }] };
    });
    return { rules: body, updatedAt: now, updatedBy: signedIn.user.id };
  });
}
