import {
  can, canonicalJson, findSealTransition, governanceDecisionBodySchema, governanceDecisionPayload, governanceRequestResponseSchema,
  governanceRequestsQuerySchema, governanceRequestsResponseSchema, governanceTarget, createGovernanceRequestBodySchema, idParamsSchema,
  judgeNewCustodian, subjectOf, takesEffectAtOnce, verifyAssertionWithRoster,
  type GovernanceDecision, type GovernanceProposal, type GovernanceRequest, type GovernanceRequestId, type UserId,
} from '@seal/shared';
import type { z } from 'zod';
import { buildRoster } from '../../auth/roster';
import { asPolicyUser, holdsRoleOn, loadUnitTree, type UnitTree } from '../../auth/scope';
import { newId } from '../../auth/secrets';
import { governanceDocId, governanceRepo, type GovernanceDoc } from '../../couch/governanceRepo';
import type { UserDoc } from '../../couch/model';
import type { Store } from '../../couch/store';
import { reportingAcceptedRows, type AcceptedRowsListener } from '../../sync/acceptedRows';
import { applyGovernanceEdit, applyGovernanceMove } from '../../sync/applyGovernance';
import { governanceRouteOf, sealOnServer, tallyGovernance, type SealOnServer } from '../../sync/governanceState';
import { subjectLockKey, type KeyedLocks } from '../../sync/keyedLocks';
import { revokeSealCertificates } from '../../sync/revokeSealCertificates';
import { rowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError, notFound } from '../errors';
import { actorOf } from '../recordChange';
import type { SignedIn } from '../../auth/sessions';

const ALL_ROLES = ['admin', 'custodian', 'approver', 'staff', 'auditor'] as const;

type AskBody = z.output<typeof createGovernanceRequestBodySchema>;
type DecisionBody = z.output<typeof governanceDecisionBodySchema>;

/**
 * What a request proposes, once the asker may ask it (ADR 009): for `create`, the first move of a
 * seal whose record is held without one (`seal.create` on its unit); for `rename` /
 * `change_custodian`, the new name / someone who may keep the seal (`judgeNewCustodian`, the
 * shared rule), different from today's custodian (`seal.update`); for a lifecycle move, one the
 * table allows from the seal's status and the asker may make, recorded with the seal's last move
 * (`fromMoveId`: the state its approvers sign a move from). Anything else is a 4xx.
 */
async function proposalOf(ctx: Api['ctx'], body: AskBody, seal: SealOnServer, user: UserDoc, tree: UnitTree): Promise<GovernanceProposal> {
  const refused = (code: 'out_of_scope' | 'not_permitted', message: string) => new ApiError(403, code, message);
  const permit = (action: 'seal.create' | 'seal.update') => {
    const allowed = can(asPolicyUser(user), action, { unitId: seal.record.unitId }, tree);
    if (!allowed.ok) throw refused(allowed.error.code === 'out_of_scope' ? 'out_of_scope' : 'not_permitted', `You may not ask to ${body.action} seal "${seal.record.id}": ${allowed.error.message}`);
  };
  const edit = body.action === 'rename' || body.action === 'change_custodian';
  if (!edit && body.proposal !== undefined) throw new ApiError(400, 'invalid_body', `"${body.action}" proposes a move, not a new name or custodian: send no proposal`);
  if (body.action === 'create') {
    if (seal.status !== null) throw new ApiError(422, 'illegal_transition', `Seal "${seal.record.id}" is made already (${seal.status})`);
    permit('seal.create');
    return { from: null, to: 'active', fromMoveId: seal.lastMoveId };
  }
  if (edit) {
    if (seal.status === 'destroyed') throw new ApiError(422, 'illegal_transition', `Seal "${seal.record.id}" is destroyed: its record no longer changes`);
    permit('seal.update');
    if (body.action === 'rename') {
      const name = body.proposal?.name?.trim();
      if (name === undefined || name === '' || name === seal.record.name) throw new ApiError(422, 'invalid_proposal', `expected a new name for seal "${seal.record.id}", got ${JSON.stringify(body.proposal?.name ?? null)}`);
      return { name };
    }
    const custodianId = body.proposal?.custodianId;
    if (custodianId === undefined || custodianId === seal.record.custodianId) throw new ApiError(422, 'invalid_proposal', `expected a new custodian for seal "${seal.record.id}", got ${JSON.stringify(custodianId ?? null)}`);
    const custodian = await ctx.repos.users.get(custodianId);
    const named = judgeNewCustodian(custodianId, seal.record.unitId, custodian ? [asPolicyUser(custodian)] : [], tree);
    if (!named.ok) throw new ApiError(422, 'invalid_proposal', named.error.message);
    return { custodianId };
  }
  const to = governanceTarget(body.action)!;
  if (seal.status === null || findSealTransition(seal.status, to) === undefined) throw new ApiError(422, 'illegal_transition', `A ${seal.status ?? 'new'} seal cannot be moved to ${to}`);
  const allowedMove = can(asPolicyUser(user), 'seal.transition', { unitId: seal.record.unitId, sealCustodianId: seal.record.custodianId, transition: { from: seal.status, to } }, tree);
  if (!allowedMove.ok) throw refused(allowedMove.error.code === 'out_of_scope' ? 'out_of_scope' : 'not_permitted', `You may not ask to move seal "${seal.record.id}" from ${seal.status} to ${to}: ${allowedMove.error.message}`);
  return { from: seal.status, to, fromMoveId: seal.lastMoveId };
}

/** What the governance routes share: the stores, and the view, visibility and apply steps. */
function governanceDeps(api: Api, store: Store, locks: KeyedLocks, onAccepted?: AcceptedRowsListener) {
  const { ctx } = api;
  const stored = rowsRepo(store.couch.use(store.dbName('rows')));
  const rows = onAccepted ? reportingAcceptedRows(stored, onAccepted, (err) => api.app.log.warn({ err }, 'accepted rows could not be passed on')) : stored;
  const repo = governanceRepo(store.couch.use(store.dbName('governance')));
  const certificatesDb = store.couch.use<object>(store.dbName('certificates'));

  const view = async (request: GovernanceRequest, tree: UnitTree, seal?: SealOnServer) => {
    const held = seal ?? (await sealOnServer(rows, request.sealId));
    const roster = await buildRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now());
    const tally = held ? tallyGovernance(request, held, request.route, roster, tree) : undefined;
    return {
      request, route: request.route,
      seal: { name: held?.record.name ?? request.sealId, kind: held?.record.kind ?? request.route.sealKind, status: held?.status ?? null },
      approvedBy: [...(tally?.approvedBy ?? [])], rejectedBy: [...(tally?.rejectedBy ?? [])], missing: tally?.missing ?? 0, openStep: (tally?.openStep ?? 0) + 1,
    };
  };
  /** A seal the person may see (any role over its unit), or 404. */
  const visibleSeal = async (sealId: string, user: UserDoc, tree: UnitTree): Promise<SealOnServer> => {
    const seal = await sealOnServer(rows, sealId);
    if (!seal || !holdsRoleOn(user, ALL_ROLES, seal.record.unitId, tree)) throw notFound(`Seal "${sealId}"`);
    return seal;
  };
  /**
   * Carries the request out: the move (revoking the seal's signing certificates if it left
   * `active`), or the edit of its record. Ok with the id of what was written. Judged and written
   * under the seal's push lock (the lock a push of the seal's moves and edits holds): a move pushed
   * beside it is judged before or after it, never against the same state.
   */
  const apply = (request: GovernanceRequest, seal: SealOnServer, tree: UnitTree, signedIn: SignedIn) =>
    locks.run([subjectLockKey(subjectOf('seal', seal.record.id))], () => applyUnlocked(request, seal, tree, signedIn));
  const applyUnlocked = async (request: GovernanceRequest, seal: SealOnServer, tree: UnitTree, signedIn: SignedIn) => {
    const requester = await ctx.repos.users.get(request.requesterId);
    if (!requester) return { ok: false as const, error: { code: 'not_permitted' as const, message: `the requester "${request.requesterId}" is no longer a user here` } };
    if (request.action === 'rename' || request.action === 'change_custodian') {
      const named = request.proposal.custodianId === undefined ? undefined : await ctx.repos.users.get(request.proposal.custodianId);
      const edited = await applyGovernanceEdit(request, seal.record.id, requester, rows, ctx.now(), { named: named ?? undefined, tree });
      return edited.ok ? { ok: true as const, value: { id: edited.value.id ?? `unchanged:${request.id}`, change: { id: edited.value.id, proposal: request.proposal } } } : edited;
    }
    const moved = await applyGovernanceMove(request, seal.record, seal.scopeUnitId, requester, rows, tree, ctx.now());
    if (moved.ok && moved.value.to !== 'active') {
      await revokeSealCertificates(certificatesDb, ctx.changes, seal.record.id, `seal ${moved.value.from ?? 'new'} → ${moved.value.to}: ${request.reason}`.slice(0, 500), actorOf(signedIn), ctx.now());
    }
    return moved.ok ? { ok: true as const, value: { id: moved.value.id, change: moved.value } } : moved;
  };
  return { rows, repo, view, visibleSeal, apply, locks };
}
type GovernanceDeps = ReturnType<typeof governanceDeps>;

/**
 * The lock a governance request's decisions are judged, applied and recorded under: two approvers
 * deciding at once are taken one after the other, so a move is never made for a decision the
 * record then drops (the hostile tester's race: an approval applied, then refused as a conflict
 * beside a rejection that was recorded). Per process, like every lock here (ADR 003).
 */
const governanceRequestLock = (requestId: string): string => `governance-request:${requestId}`;
/** The lock asking for a governance action on a seal is judged and recorded under: one open request per seal and action. */
const governanceAskLock = (sealId: string, action: string): string => `governance-ask:${sealId}:${action}`;

/**
 * Seal governance (ADR 009): a lifecycle move of a seal whose route asks for a review is a
 * request — who asks, why, the proposed move — that approvers decide with a passkey (the same
 * WebAuthn path as a use request's decision: the challenge is the hash of the signed payload).
 * When the route is met (`tallyGovernance`: the shared rule), the server makes the move as a
 * `seal_status_change` fact; a loss report stops the seal at once and is reviewed after. Every
 * request, decision and move is audited.
 */
export function governanceRoutes(api: Api, store: Store, locks: KeyedLocks, onAccepted?: AcceptedRowsListener): void {
  const deps = governanceDeps(api, store, locks, onAccepted);
  requestRoutes(api, deps);
  decisionRoute(api, deps);
}

/** Asking, listing and reading governance requests. */
function requestRoutes(api: Api, { repo, view, visibleSeal, apply, locks }: GovernanceDeps): void {
  const { ctx } = api;
  api.route({
    method: 'POST', url: '/api/seals/:id/governance-requests', tag: 'governance', auth: 'session', params: idParamsSchema, body: createGovernanceRequestBodySchema,
    summary: "Ask for a reviewed change of a seal (make it, rename it, change its custodian, suspend, resume, report lost, confiscate, revoke, destroy): goes through the route for the seal's kind, unit and action; a loss report stops the seal at once",
    responses: {
      201: governanceRequestResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'not_permitted | out_of_scope', 404: 'not_found',
      409: 'request_open (a request of this kind is open on the seal)', 422: 'illegal_transition | no_review_needed | invalid_proposal',
    },
  }, async ({ params, body, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const seal = await visibleSeal(params.id, signedIn.user, tree);
    const proposal = await proposalOf(ctx, body, seal, signedIn.user, tree);
    const route = governanceRouteOf(seal, body.action, tree, await repo.ownedRoutes());
    if (route === null) throw new ApiError(422, 'no_review_needed', `${body.action} of a ${seal.record.kind} seal needs no review here: make the change directly`);
    // Judged and recorded one ask at a time per seal and action: two asks side by side both found none open.
    const request = await locks.run([governanceAskLock(seal.record.id, body.action)], () => ask(seal, body, proposal, route, tree, signedIn));
    reply.status(201);
    return view(request, tree);
  });
  const ask = async (seal: SealOnServer, body: AskBody, proposal: GovernanceProposal, route: NonNullable<ReturnType<typeof governanceRouteOf>>, tree: UnitTree, signedIn: SignedIn): Promise<GovernanceRequest> => {
    const open = (await repo.requests()).find((r) => r.sealId === seal.record.id && r.state === 'pending' && r.action === body.action);
    if (open) throw new ApiError(409, 'request_open', `Request "${open.id}" to ${body.action} this seal is already open`);
    const now = ctx.now();
    let request: GovernanceRequest = {
      id: newId('gov') as GovernanceRequestId, sealId: seal.record.id, unitId: seal.record.unitId, action: body.action,
      proposal, requesterId: signedIn.user.id as UserId, reason: body.reason, route, createdAt: now, state: 'pending', decisions: [],
    };
    const audit = [{ actor: actorOf(signedIn), action: 'seal_governance.request', target: { kind: 'seal', id: seal.record.id }, unitId: seal.record.unitId, after: request }];
    if (takesEffectAtOnce(body.action)) {
      // A possibly stolen seal is stopped now; its review follows (ADR 009).
      const moved = await apply(request, seal, tree, signedIn);
      if (!moved.ok) throw new ApiError(422, 'illegal_transition', moved.error.message);
      request = { ...request, appliedChangeId: moved.value.id };
      audit.push({ actor: actorOf(signedIn), action: 'seal_governance.apply_urgent', target: { kind: 'seal', id: seal.record.id }, unitId: seal.record.unitId, after: { ...request, change: moved.value.change } as never });
    }
    await ctx.changes.commit((tx) => {
      tx.write('governance', governanceDocId(request.id), { type: 'governance-request', ...request } satisfies GovernanceDoc);
      return { result: undefined, audit };
    });
    return request;
  };

  api.route({
    method: 'GET', url: '/api/governance-requests', tag: 'governance', auth: 'session', query: governanceRequestsQuerySchema,
    summary: 'Governance requests on the seals the person has a role over (for the seal page and the approvers\' list), newest first',
    responses: { 200: governanceRequestsResponseSchema, 400: 'invalid_query', 401: 'unauthenticated' },
  }, async ({ query, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const all = (await repo.requests())
      .filter((r) => (query.sealId === undefined || r.sealId === query.sealId) && (query.state === undefined || r.state === query.state))
      .filter((r) => holdsRoleOn(signedIn.user, ALL_ROLES, r.unitId, tree))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, 200);
    return { requests: await Promise.all(all.map((r) => view(r, tree))) };
  });

  api.route({
    method: 'GET', url: '/api/governance-requests/:id', tag: 'governance', auth: 'session', params: idParamsSchema,
    summary: 'One governance request, its route and where it stands',
    responses: { 200: governanceRequestResponseSchema, 401: 'unauthenticated', 404: 'not_found' },
  }, async ({ params, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const request = await repo.request(params.id);
    if (!request || !holdsRoleOn(signedIn.user, ALL_ROLES, request.unitId, tree)) throw notFound(`Governance request "${params.id}"`);
    return view(request, tree);
  });
}

/** An approver's decision; the move once the route is met. */
function decisionRoute(api: Api, { rows, repo, view, apply, locks }: GovernanceDeps): void {
  const { ctx } = api;
  api.route({
    method: 'POST', url: '/api/governance-requests/:id/decisions', tag: 'governance', auth: 'session', params: idParamsSchema, body: governanceDecisionBodySchema,
    summary: "An approver's passkey-signed verdict on a governance request (challenge = hashRecord(payload)); once the route is met the server makes the move",
    responses: {
      200: governanceRequestResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'self_decision | not_permitted | not_in_route', 404: 'not_found',
      409: 'request_settled | already_decided | step_not_open', 422: 'stale_terms | the verifier\'s refusal (bad_signature, unknown_credential, challenge_mismatch…)',
    },
  }, async ({ params, body, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const { next, seal } = await locks.run([governanceRequestLock(params.id)], () => decide(params.id, body, tree, signedIn));
    return view(next, tree, seal);
  });
  const decide = async (requestId: string, body: DecisionBody, tree: UnitTree, signedIn: SignedIn) => {
    const request = await repo.request(requestId);
    if (!request || !holdsRoleOn(signedIn.user, ALL_ROLES, request.unitId, tree)) throw notFound(`Governance request "${requestId}"`);
    if (request.state !== 'pending') throw new ApiError(409, 'request_settled', `Request "${request.id}" is ${request.state} already`);
    const roster = await buildRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now());
    const verified = await verifyAssertionWithRoster({ assertion: body.assertion, expected: { record: body.payload } }, roster);
    if (!verified.ok) throw new ApiError(422, verified.error.code, verified.error.message);
    const approverId = verified.value.userId as UserId;
    // The signer, not the session, is the approver: a session may carry someone else's signed verdict, never make one.
    if (canonicalJson(body.payload) !== canonicalJson(governanceDecisionPayload(request, body.payload.verdict))) {
      throw new ApiError(422, 'stale_terms', `The decision signs other terms than request "${request.id}" as proposed (request, requester, seal, action or proposal differ)`);
    }
    if (request.decisions.some((d) => d.approverId === approverId)) throw new ApiError(409, 'already_decided', `"${approverId}" has decided request "${request.id}" already`);
    const seal = await sealOnServer(rows, request.sealId);
    if (!seal) throw notFound(`Seal "${request.sealId}"`);
    const decision: GovernanceDecision = {
      id: newId('gdec'), approverId, payload: body.payload, assertion: body.assertion, ...(body.comment ? { comment: body.comment } : {}),
      // Arrival order is the order of the steps: a decision arriving in the same millisecond as
      // the one before it still comes after it (the tally orders decisions by time).
      at: Math.max(ctx.now(), ...request.decisions.map((d) => d.at + 1)),
    };
    const tally = tallyGovernance(request, seal, request.route, roster, tree, [...request.decisions, decision]);
    const ignored = tally.ignored.find((i) => i.decisionId === decision.id);
    if (ignored) {
      const status = ignored.reason === 'out_of_order' ? 409 : 403;
      const code = ignored.reason === 'out_of_order' ? 'step_not_open' : ignored.reason === 'self_decision' ? 'self_decision' : ignored.reason === 'not_in_route' ? 'not_in_route' : 'not_permitted';
      throw new ApiError(status, code, `This decision would not count: ${ignored.message}`);
    }
    let next: GovernanceRequest = { ...request, decisions: [...request.decisions, decision] };
    const audit = [{ actor: actorOf(signedIn), action: 'seal_governance.decide', target: { kind: 'seal', id: request.sealId }, unitId: request.unitId, after: { requestId: request.id, approverId, verdict: body.payload.verdict, decisionId: decision.id } as never }];
    if (tally.outcome === 'rejected') next = { ...next, state: 'rejected', settledAt: ctx.now() };
    if (tally.outcome === 'approved') {
      const moved = await apply(next, seal, tree, signedIn);
      next = moved.ok ? { ...next, state: 'applied', appliedChangeId: moved.value.id, settledAt: ctx.now() } : { ...next, state: 'failed', settledAt: ctx.now() };
      audit.push({ actor: actorOf(signedIn), action: moved.ok ? 'seal_governance.apply' : 'seal_governance.apply_failed', target: { kind: 'seal', id: request.sealId }, unitId: request.unitId, after: (moved.ok ? { requestId: request.id, change: moved.value.change } : { requestId: request.id, ...moved.error }) as never });
    }
    await ctx.changes.commit(async (tx) => {
      const current = await tx.read<GovernanceDoc>('governance', governanceDocId(request.id));
      if (!current || current.decisions.length !== request.decisions.length) throw new ApiError(409, 'conflict', `Request "${request.id}" changed meanwhile: try again`);
      tx.write('governance', governanceDocId(request.id), { type: 'governance-request', ...next } satisfies GovernanceDoc);
      return { result: undefined, audit };
    });
    return { next, seal: await sealOnServer(rows, request.sealId) };
  };
}
