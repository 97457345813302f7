import * as Automerge from '@automerge/automerge';
import {
  can, changeRowId, createSeal, factRowId, governanceTarget, judgeNewCustodian, judgeRecordEdit, judgeSealMove, newActorId, staleGovernanceMove, subjectOf, toBase64Url,
  transitionSeal,
  type ChangeRow, type FactRow, type GovernanceRequest, type NewSeal, type Result, type Seal, type SealStatusChange, type UnitId, type UserId,
} from '@seal/shared';
import type { UserDoc } from '../couch/model';
import { asPolicyUser, type UnitTree } from '../auth/scope';
import { sealMoveStateOf } from './governanceState';
import { governanceTag } from './governanceTag';
import { mergeChangeRows } from './recordStates';
import type { RowsRepo } from './rowsRepo';

/**
 * Why an approved request could not be carried out: the seal moved meanwhile (`stale_transition`),
 * the requester lost the role, or the custodian it names may no longer keep the seal (`not_a_custodian`).
 */
export interface ApplyRefusal {
  readonly code: 'illegal_transition' | 'not_permitted' | 'stale_transition' | 'invalid_record' | 'not_a_custodian';
  readonly message: string;
}

export { governanceTag };

/**
 * Carries out a governance request's lifecycle move: the change the requester asked for, as
 * `transitionSeal` makes it — or, for `create`, the seal's first move `null → active` as
 * `createSeal` makes it (the requester must still hold a role the lifecycle table lists) — judged
 * against the seal's stored timeline by the rule every replica replays it with
 * (`judgeSealMove`), then written as a `seal_status_change` fact that replicates like any other.
 * Only from the state the request was asked from, the `from` and `fromMoveId` its approvers
 * signed (`staleGovernanceMove`): a seal that has moved since — even back to the same status — is
 * refused `stale_transition`, and the request fails, rather than moving the seal from a state
 * nobody approved a move from. The caller holds the seal's push lock around it (the judging and
 * the write), as a push of a move does.
 * Idempotent: a change already tagged with the request is returned, not written again.
 */
export async function applyGovernanceMove(
  request: GovernanceRequest, seal: Omit<Seal, 'status'>, scopeUnitId: string, requester: UserDoc, rows: RowsRepo, tree: UnitTree, now: number,
): Promise<Result<SealStatusChange, ApplyRefusal>> {
  const held = (await rows.lifecycleOf(seal.id)).map((row) => row.body as unknown as SealStatusChange);
  const tag = governanceTag(request.id);
  const to = governanceTarget(request.action);
  // Carried out already: the move this server tagged with the request, to where it asked.
  const done = held.find((change) => change.reason.endsWith(tag) && change.to === to);
  if (done !== undefined) return { ok: true, value: done };
  const state = sealMoveStateOf(held);
  const stale = staleGovernanceMove(request, state);
  if (stale !== undefined) return { ok: false, error: { code: 'stale_transition', message: stale } };
  const making = request.action === 'create';
  if (to === undefined || (making ? state.status !== null : state.status === null)) {
    return { ok: false, error: { code: 'illegal_transition', message: `request "${request.id}" (${request.action}) does not fit a ${state.status ?? 'new'} seal` } };
  }
  const at = Math.max(now, (state.since ?? 0) + 1);
  const reason = `${request.reason.slice(0, 1900)} ${tag}`;
  const moved = making
    ? mapMade(createSeal(seal as NewSeal, asPolicyUser(requester), reason, at, tree))
    : transitionSeal({ ...seal, status: state.status } as Seal, to, asPolicyUser(requester), reason, at, tree);
  if (!moved.ok) return { ok: false, error: { code: moved.error.code === 'not_permitted' ? 'not_permitted' : 'illegal_transition', message: moved.error.message } };
  const judged = judgeSealMove(state, moved.value);
  if (!judged.ok) return { ok: false, error: { code: judged.error.code, message: judged.error.message } };
  const row: FactRow = {
    id: factRowId('seal_status_change', moved.value.id), type: 'fact', kind: 'seal_status_change', subject: subjectOf('seal', seal.id),
    scopeUnitId: scopeUnitId as UnitId, author: requester.id as UserId, createdAt: now, body: moved.value,
  };
  await rows.createMany([row]);
  return { ok: true, value: moved.value };
}

const mapMade = <E>(made: Result<{ change: SealStatusChange }, E>): Result<SealStatusChange, E> => (made.ok ? { ok: true, value: made.value.change } : made);

/**
 * Carries out an approved rename or change of custodian (ADR 009): the server writes the edit as
 * an Automerge change of the seal's record, in the requester's name (an actor of theirs, the row
 * theirs, as the server writes a reviewed move in the requester's name), on top of every change
 * it holds, judged by the record rules every replica applies (`judgeRecordEdit`), and stored as a
 * change row that replicates like any other. Idempotent: a record that already reads as proposed
 * is left as it is. The requester must still hold `seal.update` over the seal's unit (refused
 * `not_permitted`, as a lifecycle move whose requester lost the role is). A new custodian is judged again as when the request was asked
 * (`judgeNewCustodian`, with `named` as the server holds them now): someone who lost the custodian
 * role over the seal's unit, left or moved units while it was reviewed is refused
 * `not_a_custodian`, and the record stays as it was. Ok with the change row's id (or `undefined`
 * when nothing was written).
 */
export async function applyGovernanceEdit(
  request: GovernanceRequest, sealId: string, requester: UserDoc, rows: RowsRepo, now: number, custody: { readonly named: UserDoc | undefined; readonly tree: UnitTree },
): Promise<Result<{ id: string | undefined }, ApplyRefusal>> {
  const state = mergeChangeRows(await rows.changesOf('seal', sealId));
  if (state.doc === null || state.json === null || state.scopeUnitId === null) return { ok: false, error: { code: 'invalid_record', message: `seal "${sealId}" is not held` } };
  const { name, custodianId } = request.proposal;
  const wanted = request.action === 'rename' ? { name } : { custodianId };
  if (Object.entries(wanted).every(([field, value]) => value === undefined || state.json![field] === value)) return { ok: true, value: { id: undefined } };
  // The change is written in the requester's name: they must still be allowed to edit the seal
  // (`seal.update` over its unit), as a move carried out must still be theirs to make.
  const allowed = can(asPolicyUser(requester), 'seal.update', { unitId: state.json.unitId as UnitId }, custody.tree);
  if (!allowed.ok) return { ok: false, error: { code: 'not_permitted', message: `request "${request.id}" is not carried out: its requester may no longer edit seal "${sealId}" (${allowed.error.message}): someone who may (an administrator over its unit, another custodian) can ask for it again` } };
  if (request.action === 'change_custodian') {
    const named = judgeNewCustodian(custodianId, state.json.unitId, custody.named === undefined ? [] : [asPolicyUser(custody.named)], custody.tree);
    if (!named.ok) return { ok: false, error: { code: 'not_a_custodian', message: `request "${request.id}" is not carried out: ${named.error.message}` } };
  }
  const base = Automerge.clone<Record<string, unknown>>(state.doc, { actor: await newActorId(requester.id) });
  const next = Automerge.change(base, { message: governanceTag(request.id), time: Math.floor(now / 1000) }, (doc) => {
    if (request.action === 'rename' && name !== undefined) doc.name = name;
    if (request.action === 'change_custodian' && custodianId !== undefined) doc.custodianId = custodianId;
  });
  const after: Record<string, unknown> = Automerge.toJS(next);
  const judged = judgeRecordEdit({ kind: 'seal', recordId: sealId, creation: false, before: state.json, after });
  if (!judged.ok) return { ok: false, error: { code: 'invalid_record', message: judged.error.message } };
  const bytes = Automerge.getLastLocalChange(next);
  if (bytes === undefined) return { ok: true, value: { id: undefined } };
  const hash = Automerge.decodeChange(bytes).hash;
  const row: ChangeRow = {
    id: changeRowId('seal', sealId, hash), type: 'change', kind: 'seal', subject: subjectOf('seal', sealId),
    scopeUnitId: state.scopeUnitId as UnitId, author: requester.id as UserId, createdAt: now, bytes: toBase64Url(bytes),
  };
  await rows.createMany([row]);
  return { ok: true, value: { id: row.id } };
}
