import { can, type PolicyRefusalCode } from '../policy/can';
import { refuse, ok, type Refusal, type Result } from '../result';
import { type Units } from './orgTree';
import { isReason, millisSchema, type Millis } from './primitives';
import type { Seal, SealStatus } from './seal';
import { sealStatusChangeId, type SealStatusChange } from './sealStatusChange';
import { findSealTransition, nextSealStatuses, TERMINAL_SEAL_STATUSES } from './sealTransitions';
import type { User } from './user';

/** Why a lifecycle move was refused. */
export type SealTransitionRefusalCode = 'terminal_state' | 'illegal_transition' | 'not_permitted' | 'reason_required' | 'invalid_time';

const listStates = (states: readonly string[]): string => (states.length === 0 ? 'none' : states.join(', '));

/** Maps a policy refusal onto the lifecycle's codes: every "may not" is `not_permitted`. */
const notPermitted = (refusal: Refusal<PolicyRefusalCode>): Result<never, Refusal<SealTransitionRefusalCode>> =>
  refuse('not_permitted', refusal.message);

/**
 * Moves a seal to another lifecycle state. Ok with the change record to append (the seal record's
 * `status` is then set from it), or a refusal, checked in this order:
 * 1. `terminal_state` — the seal is destroyed; nothing leaves that state;
 * 2. `illegal_transition` — the move is not in `SEAL_TRANSITIONS` (the message lists the moves
 *    that are);
 * 3. `not_permitted` — the actor is inactive, lacks a role the table lists for the move on a unit
 *    containing the seal's, or is the seal's own custodian where the move excludes them;
 * 4. `reason_required` — the reason is blank;
 * 5. `invalid_time` — `at` is not integer milliseconds since the epoch.
 */
export function transitionSeal(
  seal: Seal,
  to: SealStatus,
  actor: User,
  reason: string,
  at: Millis,
  units: Units,
): Result<SealStatusChange, Refusal<SealTransitionRefusalCode>> {
  const from = seal.status;
  if (TERMINAL_SEAL_STATUSES.includes(from)) {
    return refuse('terminal_state', `expected a seal that is not ${from}, got seal "${seal.id}" ${from}: nothing leaves that state`);
  }
  if (findSealTransition(from, to) === undefined) {
    return refuse('illegal_transition', `expected a move from ${from} to one of: ${listStates(nextSealStatuses(from))}; got ${from} → ${to}`);
  }
  const permit = can(actor, 'seal.transition', { unitId: seal.unitId, sealCustodianId: seal.custodianId, transition: { from, to } }, units);
  if (!permit.ok) return notPermitted(permit.error);
  if (!isReason(reason)) return refuse('reason_required', `expected a reason for ${from} → ${to}, got ${JSON.stringify(reason)}`);
  if (!millisSchema.safeParse(at).success) return refuse('invalid_time', `expected integer milliseconds since the epoch, got ${at}`);
  return ok({ id: sealStatusChangeId(seal.id, from, to, actor.id, at), sealId: seal.id, from, to, actorId: actor.id, actorRole: permit.value.role, reason, at });
}
