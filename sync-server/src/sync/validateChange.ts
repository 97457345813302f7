import * as Automerge from '@automerge/automerge';
import {
  changeRowId, checkRequestSeal, deviceHoldRefusal, deviceSchema, fromBase64Url, isActorOf, judgeRecordEdit, judgeSealCustodian, requestEditAfterDecision, parseSubject, RECORD_ACTIONS, rosterView, routeFor, scopeOfRecord,
  sealEditActions, sealLockRefusal, sealRecordSchema, unitChain,
  type ChangeRow, type SealKind, type UnitId,
} from '@seal/shared';
import { asPolicyUser } from '../auth/scope';
import { ACCEPT, allowed, refuseRow, type PushContext, type RowVerdict } from './pushContext';
import type { RecordState } from './recordStates';

function decode(row: ChangeRow): { bytes: Uint8Array; change: Automerge.DecodedChange } | undefined {
  try {
    const bytes = fromBase64Url(row.bytes);
    return { bytes, change: Automerge.decodeChange(bytes) };
  } catch {
    return undefined;
  }
}

/** Who may make this change: the kind's action, plus the requester / own-profile rules. */
function checkPolicy(row: ChangeRow, before: RecordState, after: Record<string, unknown>, ctx: PushContext): RowVerdict {
  const unitId = row.scopeUnitId;
  const creating = before.doc === null;
  switch (row.kind) {
    case 'seal':
    case 'device':
      return allowed(ctx.user, creating ? RECORD_ACTIONS[row.kind].create : RECORD_ACTIONS[row.kind].update, { unitId }, ctx.tree);
    case 'request': {
      const requesterBefore = creating ? row.author : before.json?.requesterId;
      if (requesterBefore !== row.author || after.requesterId !== row.author) {
        return refuseRow('not_own_request', `expected the requester "${String(requesterBefore)}" to edit request "${String(after.id)}", got "${row.author}"`);
      }
      return allowed(ctx.user, 'request.create', { unitId }, ctx.tree);
    }
    case 'profile':
      // One's own profile, in one's own home unit; anyone else's needs `user.manage` there.
      if (after.id !== row.author) return allowed(ctx.user, 'user.manage', { unitId }, ctx.tree);
      if (after.unitId !== ctx.user.unitId) return refuseRow('wrong_scope', `expected your profile in your home unit "${ctx.user.unitId}", got "${String(after.unitId)}"`);
      return ctx.user.active ? ACCEPT : refuseRow('inactive_user', `expected an active user, got the deactivated user "${ctx.user.id}"`);
  }
}

/**
 * A rename or change of custodian of a seal whose route asks for a review (`routeFor` for
 * `rename` / `change_custodian`: none by default, set by an administrator) is written by the
 * server once its governance request is approved (ADR 009); pushed directly it is refused. The
 * server's own change replicates back as a copy, accepted above as a duplicate.
 */
async function editNeedsGovernance(before: Record<string, unknown>, after: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const configured = (await ctx.routes?.()) ?? [];
  for (const action of sealEditActions(before, after)) {
    const route = routeFor(before.kind as SealKind, unitChain(before.unitId as UnitId, ctx.tree), action, configured);
    if (route !== null) return refuseRow('governance_required', `a ${action === 'rename' ? 'rename' : 'change of custodian'} of a ${String(before.kind)} seal here goes through its approval route (${route.minApprovals} approval(s)): ask for it with a governance request`);
  }
  return ACCEPT;
}

/**
 * The custodian a seal record is made with, or changed to, by a pushed change (`judgeSealCustodian`,
 * the shared rule): someone who may keep seals of the seal's unit (an active user holding the
 * custodian role over it, as a `change_custodian` governance request must propose) — or, for a
 * seal being made, its maker themselves — and never handed away by the seal's own custodian.
 * Otherwise a keeper who also approves would make their seal naming, or rename its custodian to,
 * a made-up or another person and approve its use or moves alone. A change that leaves the
 * custodian as it was is not judged (the roster is not read for it).
 */
async function custodianNamed(before: Record<string, unknown> | null, after: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  if (before !== null && before.custodianId === after.custodianId) return ACCEPT;
  const judged = judgeSealCustodian({ actorId: ctx.user.id, before, after, users: rosterView(await ctx.roster()).users, units: ctx.tree });
  if (judged.ok) return ACCEPT;
  return refuseRow(judged.error.code === 'not_a_custodian' ? 'invalid_record' : 'seal_custodian_excluded', judged.error.message);
}

/**
 * A physical seal newly locked in a device (`deviceId` set or changed): a device on record must be
 * free for it and in its unit's subtree (`sealLockRefusal`), and the pusher must be allowed to bind
 * devices in the device's own unit. Otherwise a
 * custodian of one site could point their seal at another site's device: HQ's evidence for their
 * seal would show that device's log, and the server would sign a binding that takes it over.
 */
async function lockedIn(before: Record<string, unknown> | null, after: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const deviceId = after.deviceId;
  if (typeof deviceId !== 'string' || deviceId === before?.deviceId) return ACCEPT;
  const device = await ctx.records.get('device', deviceId);
  // A device not on record is no device to lock a seal in: its id is only a serial someone typed,
  // which a device registered later (anywhere) could carry. The app offers registered devices
  // only, and a registration made on the same tablet goes up before the seal (the outbox's order).
  if (device.json === null) return refuseRow('unknown_record', `expected device "${deviceId}" to be registered on the server first, got no such device`);
  const held = deviceSchema.safeParse(device.json);
  if (!held.success) return refuseRow('invalid_record', `device "${deviceId}" is not a device record`);
  // Who may first: a refusal must not tell someone outside the device's unit its state or seal.
  const permitted = allowed(ctx.user, RECORD_ACTIONS.device.update, { unitId: held.data.unitId }, ctx.tree);
  if (!permitted.ok) return permitted;
  const refusal = sealLockRefusal(held.data, { id: String(after.id), unitId: String(after.unitId) }, ctx.tree);
  return refusal === undefined ? ACCEPT : refuseRow('wrong_scope', `a seal is not locked in this device: ${refusal}`);
}

/**
 * A device record changing the seal it holds (`sealId` set, changed or cleared): judged against the
 * records of the seal taken and the seal let go, as held with the rows of the batch before
 * (`deviceHoldRefusal`). A device's holding is what the server signs a binding for and what makes
 * its log a seal's evidence: a client pointing it at a seal locked elsewhere would take that seal
 * over, and one freeing it while the seal is still locked in it would hide the seal's stamps.
 */
async function holding(before: Record<string, unknown> | null, after: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const device = deviceSchema.safeParse(after);
  if (!device.success) return refuseRow('invalid_record', `device "${String(after.id)}" is not a device record`);
  const beforeSealId = typeof before?.sealId === 'string' ? before.sealId : null;
  const afterSealId = device.data.sealId;
  if (afterSealId === beforeSealId) return ACCEPT;
  const sealRecord = async (sealId: string | null) => {
    if (sealId === null) return undefined;
    const parsed = sealRecordSchema.safeParse((await ctx.records.get('seal', sealId)).json);
    return parsed.success ? parsed.data : undefined;
  };
  const letGo = await sealRecord(beforeSealId);
  const taken = await sealRecord(afterSealId);
  const refusal = deviceHoldRefusal(beforeSealId, device.data, { letGo, taken }, ctx.tree);
  if (refusal === undefined) return ACCEPT;
  return refuseRow(afterSealId !== null && beforeSealId === null && taken === undefined ? 'unknown_record' : 'wrong_scope', `a device holds no seal this way: ${refusal}`);
}

/**
 * The seal a request names (`checkRequestSeal`, the shared rule): recorded on the server — before
 * this push, or by a row earlier in it, as a seal made offline goes up before the request made for
 * it (the outbox's order) — and in a unit where the requester may ask for seals. Otherwise staff of
 * one branch could file a request for another's seal, and its public verification page and HQ's
 * log would show that seal's card. Refused `unknown_record` either way, in the same words.
 */
async function requestedSeal(after: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const sealId = String(after.sealId);
  const held = sealRecordSchema.safeParse((await ctx.records.get('seal', sealId)).json);
  const judged = checkRequestSeal(asPolicyUser(ctx.user), sealId, held.success ? held.data : undefined, ctx.tree);
  if (judged.ok) return ACCEPT;
  const { code, message } = judged.error;
  if (code === 'inactive_user') return refuseRow(code, message);
  // Another unit's seal is answered as a seal nobody recorded: the refusal says nothing of whether
  // it exists or where (as the evidence and binding routes do).
  return refuseRow('unknown_record', `seal "${sealId}" is not recorded in a unit you may ask for seals in`);
}

/**
 * An edit of a request someone has decided on (a decision stored, or accepted earlier in this
 * push): what its approvers read but do not sign stays as they read it (`requestEditAfterDecision`).
 * The decisions are looked up only for an edit that changes those parts: the app never edits a
 * request after filing it.
 */
async function decidedEdit(requestId: string, before: Record<string, unknown>, after: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const refusal = requestEditAfterDecision(before, after);
  if (refusal === undefined) return ACCEPT;
  const decidedOn = (row: { readonly type: string; readonly kind: string; readonly body?: unknown }) =>
    row.type === 'fact' && row.kind === 'decision' && (row.body as { payload?: { requestId?: unknown } } | undefined)?.payload?.requestId === requestId;
  const decided = [...ctx.pushed.values()].some(decidedOn) || (await ctx.rows.documentRows(['request', requestId])).some(decidedOn);
  return decided ? refuseRow('request_decided', refusal) : ACCEPT;
}

/**
 * Checks one Automerge change row: it decodes, its id is its hash, its actor is the session
 * user's, it applies on top of what the server holds (dependencies present), and the edit passes
 * the record rules the app's editor applies too (`judgeRecordEdit`: one creation per record, a
 * strict schema, id and fixed fields kept), stays in its scope, and the user may make it. On success the
 * batch's view of the record moves forward.
 */
export async function validateChange(row: ChangeRow, ctx: PushContext): Promise<RowVerdict> {
  const subject = parseSubject(row.subject);
  if (subject === undefined || subject.kind !== row.kind) return refuseRow('invalid_row', `expected a ${row.kind} subject, got "${row.subject}"`);
  const decoded = decode(row);
  if (decoded === undefined) return refuseRow('invalid_change', `expected an Automerge change in "bytes" of row "${row.id}"`);
  const expectedId = changeRowId(row.kind, subject.recordId, decoded.change.hash);
  if (row.id !== expectedId) return refuseRow('id_mismatch', `expected the row id "${expectedId}" (the change's hash), got "${row.id}"`);
  if (!isActorOf(decoded.change.actor, ctx.actorPrefix)) {
    return refuseRow('forged_author', `expected a change by an actor of "${ctx.user.id}" (prefix ${ctx.actorPrefix}), got actor ${decoded.change.actor}`);
  }
  const before = await ctx.records.get(row.kind, subject.recordId);
  if (before.scopeUnitId !== null && before.scopeUnitId !== row.scopeUnitId) {
    return refuseRow('wrong_scope', `expected ${row.subject} in its unit "${before.scopeUnitId}", got "${row.scopeUnitId}"`);
  }
  // A change the server holds already (a retry, another replica's copy): the store's answer makes
  // it a duplicate (see pushRows); judging it again would call its own creation a second one.
  if (before.doc !== null && Automerge.hasHeads(before.doc, [decoded.change.hash])) return ACCEPT;
  const base = before.doc === null ? Automerge.init<unknown>() : Automerge.clone(before.doc);
  let doc: Automerge.Doc<unknown>;
  try {
    [doc] = Automerge.applyChanges(base, [decoded.bytes]);
  } catch (error) {
    // A change the document cannot take: a second change under a sequence number its actor used
    // already (Automerge's DuplicateSeqNumber), say. The row's fault: refused, never a 500.
    return refuseRow('invalid_change', `change ${decoded.change.hash} does not apply to ${row.subject} as the server holds it: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500));
  }
  const missing = Automerge.getMissingDeps(doc, []);
  if (missing.length > 0) return refuseRow('missing_dependency', `change ${decoded.change.hash} depends on ${missing.join(', ')}, which this server does not hold (refused or never pushed)`);
  const json = Automerge.toJS(doc) as Record<string, unknown>;
  // A change that depends on nothing starts a document: a creation. One more for a record the
  // server holds would merge in as a concurrent edit and overwrite the first creation's fields.
  const creation = decoded.change.deps.length === 0;
  const parsed = judgeRecordEdit({ kind: row.kind, recordId: subject.recordId, creation, before: before.json, after: json });
  if (!parsed.ok) return refuseRow(parsed.error.code, parsed.error.message);
  const scope = scopeOfRecord(parsed.value);
  if (scope !== row.scopeUnitId) return refuseRow('wrong_scope', `expected the row's scope "${row.scopeUnitId}" to be the record's unit, got "${scope}"`);
  const permitted = checkPolicy(row, before, json, ctx);
  if (!permitted.ok) return permitted;
  if (row.kind === 'profile' && json.id !== row.author) {
    // Someone else's profile: the right to manage users over every unit they hold a role on too,
    // as for their account (`requireManageOf`): a branch administrator does not rename a
    // head-office administrator who happens to live in the branch.
    for (const role of (await ctx.roster()).users.find((user) => user.id === json.id)?.roles ?? []) {
      const over = allowed(ctx.user, 'user.manage', { unitId: role.unitId as UnitId }, ctx.tree);
      if (!over.ok) return over;
    }
  }
  if (row.kind === 'request') {
    const sealed = await requestedSeal(json, ctx);
    if (!sealed.ok) return sealed;
  }
  if (row.kind === 'request' && before.json !== null) {
    const frozen = await decidedEdit(subject.recordId, before.json, json, ctx);
    if (!frozen.ok) return frozen;
  }
  if (row.kind === 'seal' && before.json !== null) {
    const reviewed = await editNeedsGovernance(before.json, json, ctx);
    if (!reviewed.ok) return reviewed;
  }
  if (row.kind === 'seal') {
    const custody = await custodianNamed(before.json, json, ctx);
    if (!custody.ok) return custody;
    const locked = await lockedIn(before.json, json, ctx);
    if (!locked.ok) return locked;
  }
  if (row.kind === 'device') {
    const held = await holding(before.json, json, ctx);
    if (!held.ok) return held;
  }
  if (row.kind === 'seal' || row.kind === 'device') {
    const action = before.json !== null ? 'update' : row.kind === 'seal' ? 'create' : 'register';
    ctx.audits?.set(row.id, { action: `${row.kind}.${action}`, target: { kind: row.kind, id: subject.recordId }, unitId: row.scopeUnitId, before: before.json, after: json });
  }
  ctx.records.set(row.kind, subject.recordId, { doc, json, scopeUnitId: row.scopeUnitId });
  return ACCEPT;
}
