import { refuse, ok, type Refusal, type Result } from '../result';
import type { Millis } from './primitives';
import type { SealStatus } from './seal';
import type { SealStatusChange } from './sealStatusChange';
import { findSealTransition, TERMINAL_SEAL_STATUSES } from './sealTransitions';

/** Where a seal's life cycle stands: its status (`null` before its creation) and since when. */
export interface SealLifecycleState {
  readonly status: SealStatus | null;
  /** When the last applied move was made (`null` before any). */
  readonly since: Millis | null;
}

/** Why a lifecycle move does not apply: not a move of the table for its role, or not from where the seal is. */
export type SealMoveRefusalCode = 'illegal_transition' | 'stale_transition';

/**
 * How far ahead of the server's clock a lifecycle move may be dated when pushed: clock jitter
 * between a tablet and the server, not a wrong clock (HQ's default clock-skew alarm for seal
 * devices is 5 minutes, too).
 * A move must be made after the seal's last one (`judgeSealMove`), so a move dated ahead holds
 * the seal's life cycle in the future: every later move — an administrator's confiscation or
 * revocation made now — is refused as no later than it, or (the app dates a move just after the
 * last one) takes effect only once that time comes. A custodian pushing `active → suspended` and
 * `suspended → active` a day ahead kept the seal active and out of anyone else's reach for a day.
 * The trade-off: a tablet whose clock runs more than this fast would have its moves refused
 * (`future_time`, "check the clock") when it pushes them before the server's clock has come within
 * this of their date. So the app dates rows by its clock corrected by the server's answers, and
 * makes a move refused so again with the corrected date while it still applies (ADR 003, *Clocks*).
 */
export const MAX_MOVE_AHEAD_MS = 5 * 60 * 1000;

/**
 * `future_time` when a lifecycle move is dated more than {@link MAX_MOVE_AHEAD_MS} after
 * `serverNow`: the server judges each pushed move by it before its place in the seal's chain.
 */
export function judgeMoveTime(change: Pick<SealStatusChange, 'from' | 'to' | 'at'>, serverNow: Millis): Result<void, Refusal<'future_time'>> {
  if (change.at <= serverNow + MAX_MOVE_AHEAD_MS) return ok(undefined);
  return refuse('future_time', `expected a move dated at most ${MAX_MOVE_AHEAD_MS / 60_000} minutes after the server's clock (${serverNow}), got ${moveText(change)} dated ${change.at}: check the clock of the device that made it`);
}

const moveText = (change: Pick<SealStatusChange, 'from' | 'to'>): string => `${change.from ?? 'new'} → ${change.to}`;

/**
 * Whether a lifecycle move applies to a seal in `state`. The one rule the server judges a pushed
 * move by (in arrival order) and every replica replays a seal's moves by (`sealStatusTimeline`):
 * 1. `illegal_transition` — the move is not in `SEAL_TRANSITIONS`, or not for the recorded role;
 * 2. `stale_transition` — its `from` is not the seal's current status (it was made, offline,
 *    from a status the seal has since left: a second creation, a resume of a seal meanwhile lost,
 *    the second of two concurrent moves from one status, any move of a destroyed seal), or it
 *    was made no later than the seal's last move.
 *
 * The second half of 2 makes the moves a server accepts a chain ordered by `at`: each starts
 * where the one before ended, and later. So replaying the accepted moves by `(at, id)` applies
 * every one of them, in the order the server accepted them, on every replica (docs/adr/001).
 * Who may make the move (roles over the seal's unit, the custodian exclusion) is `can`'s to judge.
 */
export function judgeSealMove(state: SealLifecycleState, change: Pick<SealStatusChange, 'from' | 'to' | 'actorRole' | 'at'>): Result<void, Refusal<SealMoveRefusalCode>> {
  const legal = judgeSealMoveInTable(change);
  if (!legal.ok) return legal;
  if (change.from !== state.status) {
    if (state.status === null) return refuse('stale_transition', `expected the seal's creation (new → active) first, got ${moveText(change)} for a seal that has no status yet`);
    const terminal = TERMINAL_SEAL_STATUSES.includes(state.status) ? ': nothing leaves that state' : '';
    const got = change.from === null ? `a second creation (new → ${change.to})` : `${moveText(change)}, made from a status the seal has left`;
    return refuse('stale_transition', `expected a move from the seal's current status ${state.status}${terminal}; got ${got}`);
  }
  if (state.since !== null && change.at <= state.since) {
    return refuse('stale_transition', `expected a move made after the seal's last move (at ${state.since}), got ${moveText(change)} made at ${change.at}`);
  }
  return ok(undefined);
}

/** Rule 1 of {@link judgeSealMove} alone: the move is in the table for its recorded role, whatever the seal's state. */
export function judgeSealMoveInTable(change: Pick<SealStatusChange, 'from' | 'to' | 'actorRole'>): Result<void, Refusal<'illegal_transition'>> {
  const rule = findSealTransition(change.from, change.to);
  if (rule === undefined) return refuse('illegal_transition', `${moveText(change)} is not a move of the seal life cycle`);
  if (!rule.roles.includes(change.actorRole)) return refuse('illegal_transition', `${moveText(change)} is not a move a ${change.actorRole} may make (only ${rule.roles.join(', ')})`);
  return ok(undefined);
}
