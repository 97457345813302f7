import {
  factActorOf, factIdOf, governanceActionOfMove, routeFor, unitChain, isRequestDocumentType, MAX_REQUEST_DOCUMENT_BYTES, parseSubject, factRowId, factSubjectOf, judgeSealMove, judgeSealMoveInTable, judgeMoveTime, parseFactBody, sealLifecycleStateOf, sealStatusTimeline,
  PUSHABLE_FACT_KINDS, verifyAssertionWithRoster,
  type Decision, type FactBody, type SealKind, type UnitId, type FactKind, type FactRow, type ServerFactKind, type UserId,
} from '@seal/shared';
import { GOVERNANCE_TAG_START } from './governanceTag';
import { judgePushedGrant } from './judgePushedGrant';
import { judgePushedElectronicGrant, judgePushedImpression } from './judgePushedImpression';
import { verifyDeviceSignature } from './deviceSignature';
import { nodeSha256Hex } from './nodeHash';
import { ACCEPT, allowed, covers, refuseRow, type PushContext, type RowVerdict } from './pushContext';

/** Verifies a decision's passkey assertion against the current roster; the signer must be its approver. */
async function verifyDecision(decision: Decision, ctx: PushContext): Promise<RowVerdict> {
  if (decision.id !== (await factIdOf('decision', decision, nodeSha256Hex))) return refuseRow('id_mismatch', `decision "${decision.id}" is not the content address of its body`);
  const verified = await verifyAssertionWithRoster({ assertion: decision.assertion, expected: { record: decision.payload } }, await ctx.roster());
  if (!verified.ok) {
    const code = verified.error.code === 'unknown_credential' || verified.error.code === 'revoked_credential' ? verified.error.code : 'bad_signature';
    return refuseRow(code, `decision "${decision.id}": ${verified.error.code}: ${verified.error.message}`);
  }
  if (verified.value.userId !== decision.approverId) {
    return refuseRow('forged_author', `decision "${decision.id}" names approver "${decision.approverId}" but was signed with a passkey of "${verified.value.userId}"`);
  }
  return ACCEPT;
}

/** The request a fact is about, with its scope checked against the row's. */
async function requestOf(row: FactRow, requestId: string, ctx: PushContext) {
  const request = await ctx.records.get('request', requestId);
  if (request.json === null) return { verdict: refuseRow('unknown_record', `expected request "${requestId}" to be on the server first, got no such request`) };
  if (request.scopeUnitId !== row.scopeUnitId) return { verdict: refuseRow('wrong_scope', `expected the scope of request "${requestId}" ("${request.scopeUnitId}"), got "${row.scopeUnitId}"`) };
  return { verdict: ACCEPT, json: request.json };
}

/**
 * A lifecycle move whose route asks for a review (`routeFor`, the shared rule: the configured
 * route for the seal's kind, unit and action, else the default — two approvers for a move of a
 * 公章, 法人章 or 财务章) is made by the server once its governance request is approved; pushed
 * directly it is refused (ADR 009). The server's own move replicates back as a copy, accepted above.
 */
async function needsGovernance(seal: Record<string, unknown>, move: FactBody<'seal_status_change'>, ctx: PushContext): Promise<RowVerdict> {
  const action = governanceActionOfMove(move.from, move.to);
  const route = routeFor(seal.kind as SealKind, unitChain(seal.unitId as UnitId, ctx.tree), action, (await ctx.routes?.()) ?? []);
  if (route === null) return ACCEPT;
  return refuseRow('governance_required', `moving a ${String(seal.kind)} seal ${move.from ?? 'new'} → ${move.to} goes through its approval route (${route.minApprovals} approval(s)): ask for it with a governance request`);
}

type Checker = (row: FactRow, body: never, ctx: PushContext) => Promise<RowVerdict>;

const CHECKS: Readonly<Record<Exclude<FactKind, ServerFactKind>, Checker>> = {
  async decision(row, body: FactBody<'decision'>, ctx) {
    const request = await requestOf(row, body.payload.requestId, ctx);
    if (!request.json) return request.verdict;
    const signed = await verifyDecision(body, ctx);
    if (!signed.ok) return signed;
    return allowed(ctx.user, 'request.decide', { unitId: row.scopeUnitId, requesterId: request.json.requesterId as UserId }, ctx.tree);
  },
  async cancellation(row, body: FactBody<'cancellation'>, ctx) {
    const request = await requestOf(row, body.requestId, ctx);
    if (!request.json) return request.verdict;
    return allowed(ctx.user, 'request.cancel', { unitId: row.scopeUnitId, requesterId: request.json.requesterId as UserId }, ctx.tree);
  },
  async grant(row, body: FactBody<'grant'>, ctx) {
    const request = await requestOf(row, body.requestId, ctx);
    if (!request.json) return request.verdict;
    const inScope = covers(ctx.user, row.scopeUnitId, ctx.tree);
    if (!inScope.ok) return inScope;
    return judgePushedGrant(body, request.json, ctx);
  },
  async seal_status_change(row, body: FactBody<'seal_status_change'>, ctx) {
    const seal = await ctx.records.get('seal', body.sealId);
    if (seal.json === null) return refuseRow('unknown_record', `expected seal "${body.sealId}" to be on the server first, got no such seal`);
    if (seal.scopeUnitId !== row.scopeUnitId) return refuseRow('wrong_scope', `expected the scope of seal "${body.sealId}" ("${seal.scopeUnitId}"), got "${row.scopeUnitId}"`);
    const legal = judgeSealMoveInTable(body);
    if (!legal.ok) return refuseRow(legal.error.code, legal.error.message);
    const dated = judgeMoveTime(body, ctx.now);
    if (!dated.ok) return refuseRow(dated.error.code, dated.error.message);
    // The recorded role must be one the actor holds over the seal: judge with that role's grants only.
    const asRole = { ...ctx.user, grants: ctx.user.grants.filter((g) => g.role === body.actorRole) };
    const target = { unitId: row.scopeUnitId, sealCustodianId: seal.json.custodianId as UserId, transition: { from: body.from, to: body.to } };
    const permitted = allowed(asRole, 'seal.transition', target, ctx.tree);
    if (!permitted.ok) return permitted;
    // Policy first: only someone who may move the seal learns where it stands. Then the move must
    // start where the seal is now, by the rule every replica's timeline applies (judgeSealMove).
    const held = await ctx.records.lifecycleOf(body.sealId);
    // Its id already held: a copy (a duplicate) or a second body (a conflict, alarmed) — for the
    // store's answer to tell apart (see pushRows), not a move to judge again.
    if (held.some((change) => change.id === body.id)) return ACCEPT;
    // The governance tag marks the moves the server writes for approved requests (its own come
    // back above, as copies): a pushed move carrying one would pass for a request carried out.
    if (body.reason.includes(GOVERNANCE_TAG_START)) return refuseRow('invalid_row', `a move's reason may not carry "${GOVERNANCE_TAG_START}…]": the server tags the moves it makes for approved governance requests`);
    const reviewed = await needsGovernance(seal.json, body, ctx);
    if (!reviewed.ok) return reviewed;
    const current = judgeSealMove(sealLifecycleStateOf(sealStatusTimeline(held)), body);
    if (!current.ok) return refuseRow(current.error.code, current.error.message);
    ctx.records.addLifecycleChange(body);
    if (body.to !== 'active') await ctx.revokeSealCertificates?.(body.sealId, `seal ${body.from ?? 'new'} → ${body.to}: ${body.reason}`.slice(0, 500));
    ctx.audits?.set(row.id, {
      action: 'seal.status_change', target: { kind: 'seal', id: body.sealId }, unitId: row.scopeUnitId,
      before: { status: body.from }, after: { status: body.to, reason: body.reason, actorRole: body.actorRole, at: body.at },
    });
    return ACCEPT;
  },
  async device_event(row, body: FactBody<'device_event'>, ctx) {
    const device = await ctx.records.get('device', body.deviceId);
    if (device.json === null) return refuseRow('unknown_record', `expected device "${body.deviceId}" to be on the server first, got no such device`);
    if (device.scopeUnitId !== row.scopeUnitId) return refuseRow('wrong_scope', `expected the scope of device "${body.deviceId}" ("${device.scopeUnitId}"), got "${row.scopeUnitId}"`);
    // Scope before the signature: a bad signature raises an alarm (see pushRows), and only someone
    // the device's unit covers may raise one.
    const inScope = covers(ctx.user, row.scopeUnitId, ctx.tree);
    if (!inScope.ok) return inScope;
    if (!(await verifyDeviceSignature(ctx.deviceKeys, body.deviceId, device.json.publicKeyJwk, body))) {
      return refuseRow('bad_signature', `device event ${body.deviceId}:${body.seq}: the signature does not verify with the key of device "${body.deviceId}"`);
    }
    return ACCEPT;
  },
  attachment(row, body: FactBody<'attachment'>, ctx) {
    // A request's document travels to its approvers: only the types and size the form states.
    if (parseSubject(body.about)?.kind === 'request') {
      if (!isRequestDocumentType(body.mime)) return Promise.resolve(refuseRow('invalid_row', `a request's document must be a PDF, JPEG or PNG, got ${body.mime}`));
      if (body.size > MAX_REQUEST_DOCUMENT_BYTES) return Promise.resolve(refuseRow('invalid_row', `a request's document may be at most ${MAX_REQUEST_DOCUMENT_BYTES} bytes, got ${body.size}`));
    }
    return Promise.resolve(covers(ctx.user, row.scopeUnitId, ctx.tree));
  },
  async electronic_grant(row, body: FactBody<'electronic_grant'>, ctx) {
    const request = await requestOf(row, body.requestId, ctx);
    if (!request.json) return request.verdict;
    const inScope = covers(ctx.user, row.scopeUnitId, ctx.tree);
    if (!inScope.ok) return inScope;
    return judgePushedElectronicGrant(body, request.json, ctx);
  },
  async impression(row, body: FactBody<'impression'>, ctx) {
    // The holder pushes it (`factActorOf`: the author is the holder), in the request's scope.
    const request = await requestOf(row, body.requestId, ctx);
    if (!request.json) return request.verdict;
    const inScope = covers(ctx.user, row.scopeUnitId, ctx.tree);
    if (!inScope.ok) return inScope;
    return judgePushedImpression(body, ctx);
  },
};

/**
 * Checks one fact row: a kind clients may push, a body that satisfies its schema, the id its kind
 * defines, the subject it is about, its maker is the author, then the kind's own rules
 * (signatures, referenced records and their scope, policy, legal lifecycle moves).
 */
export async function validateFact(row: FactRow, ctx: PushContext): Promise<RowVerdict> {
  if (!PUSHABLE_FACT_KINDS.includes(row.kind) || row.kind === 'alarm' || row.kind === 'alarm_resolution' || row.kind === 'countersignature') return refuseRow('not_pushable', `clients may not push ${row.kind} facts`);
  const parsed = parseFactBody(row.kind, row.body);
  if (!parsed.ok) return refuseRow('invalid_row', parsed.error.message);
  const body = parsed.value as FactBody<typeof row.kind>;
  // The id is computed over the body as it arrived (the schema is strict, so nothing in it is
  // unknown): the bytes stored and replicated are exactly the bytes addressed.
  const expectedId = factRowId(row.kind, await factIdOf(row.kind, row.body as unknown as FactBody<typeof row.kind>, nodeSha256Hex));
  if (row.id !== expectedId) return refuseRow('id_mismatch', `expected the row id "${expectedId}" (from the fact's body), got "${row.id}"`);
  const subject = factSubjectOf(row.kind, body);
  if (row.subject !== subject) return refuseRow('invalid_row', `expected the subject "${subject}", got "${row.subject}"`);
  const actor = factActorOf(row.kind, body);
  if (actor !== undefined && actor !== row.author) return refuseRow('forged_author', `the ${row.kind} names "${actor}" as its maker, but "${row.author}" pushed it`);
  return CHECKS[row.kind](row, body as never, ctx);
}
