import {
  factRowId, governanceTarget, judgeSealMove, sealLifecycleStateOf, sealStatusTimeline, subjectOf, transitionSeal,
  type FactRow, type GovernanceRequest, type Result, type Seal, type SealStatusChange, type UnitId, type UserId,
} from '@seal/shared';
import type { UserDoc } from '../couch/model';
import { asPolicyUser, type UnitTree } from '../auth/scope';
import type { RowsRepo } from './rowsRepo';

/** Why an approved request could not be carried out (the seal moved meanwhile, the requester lost the role). */
export interface ApplyRefusal {
  readonly code: 'illegal_transition' | 'not_permitted' | 'stale_transition';
  readonly message: string;
}

/** The tag a lifecycle change carries in its reason: which governance request made it. */
export const governanceTag = (requestId: string): string => `[governance ${requestId}]`;

/**
 * Carries out a governance request's lifecycle move: the change the requester asked for, as
 * `transitionSeal` makes it (the requester must still hold a role the lifecycle table lists),
 * judged against the seal's stored timeline by the rule every replica replays it with
 * (`judgeSealMove`), then written as a `seal_status_change` fact that replicates like any other.
 * Idempotent: a change already tagged with the request is returned, not written again.
 */
export async function applyGovernanceMove(
  request: GovernanceRequest, seal: Omit<Seal, 'status'>, scopeUnitId: string, requester: UserDoc, rows: RowsRepo, tree: UnitTree, now: number,
): Promise<Result<SealStatusChange, ApplyRefusal>> {
  const held = (await rows.lifecycleOf(seal.id)).map((row) => row.body as unknown as SealStatusChange);
  const tag = governanceTag(request.id);
  const done = held.find((change) => change.reason.endsWith(tag));
  if (done !== undefined) return { ok: true, value: done };
  const to = governanceTarget(request.action);
  const state = sealLifecycleStateOf(sealStatusTimeline(held));
  if (to === undefined || state.status === null) return { ok: false, error: { code: 'illegal_transition', message: `request "${request.id}" (${request.action}) moves no seal that exists` } };
  const at = Math.max(now, (state.since ?? 0) + 1);
  const reason = `${request.reason.slice(0, 1900)} ${tag}`;
  const moved = transitionSeal({ ...seal, status: state.status } as Seal, to, asPolicyUser(requester), reason, at, tree);
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
