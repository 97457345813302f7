import type { Millis } from './primitives';
import type { SealStatus } from './seal';
import type { SealStatusChange } from './sealStatusChange';
import { compareText } from './compare';
import { dedupeById } from './dedupeById';
import { judgeSealMove, type SealLifecycleState } from './judgeSealMove';

/** A seal's status over time, derived from its lifecycle changes (see {@link sealStatusTimeline}). */
export interface SealStatusTimeline {
  /** The status before the first applied change; `null` when the seal did not exist yet. */
  readonly initial: SealStatus | null;
  /** Applied changes in order: from `at` on, the seal was `status`. */
  readonly steps: readonly { readonly at: Millis; readonly status: SealStatus; readonly changeId: string }[];
  /** Changes that could not apply to the state the seal was in by then, with why. */
  readonly skipped: readonly { readonly changeId: string; readonly reason: string }[];
}

const byTimeThenId = (a: SealStatusChange, b: SealStatusChange): number => a.at - b.at || compareText(a.id, b.id);

/**
 * Replays a seal's lifecycle changes — in any order, with duplicates — into its status over time.
 *
 * Copies of a change count once (see `dedupeById`). Changes are taken by `at`, then id, and each
 * applies only if `judgeSealMove` — the rule the server judges a pushed move by — lets it apply to
 * the status reached so far: a move of the table for its role, from exactly that status, made
 * after the last applied move. Anything else is skipped and reported, never carried: a
 * custodian's `suspended → active` made offline while the seal was meanwhile reported lost, the
 * second of two concurrent moves from one status, a second creation. The server refuses such
 * moves (`stale_transition`) and refused rows drop out of every projection, so a replica holding
 * only what the server accepted applies every change it holds (docs/adr/001).
 *
 * Starts from `null` (not yet created) when the creation change is among `changes`; otherwise
 * from the first change's `from` (a replica may hold only recent history).
 */
export function sealStatusTimeline(changes: readonly SealStatusChange[]): SealStatusTimeline {
  const unique = dedupeById(changes).facts.sort(byTimeThenId);
  const first = unique.find((c) => c.from === null) ?? unique[0];
  let state: SealLifecycleState = { status: first?.from ?? null, since: null };
  const initial = state.status;
  const steps: { at: Millis; status: SealStatus; changeId: string }[] = [];
  const skipped: { changeId: string; reason: string }[] = [];
  for (const change of unique) {
    const verdict = judgeSealMove(state, change);
    if (!verdict.ok) {
      skipped.push({ changeId: change.id, reason: verdict.error.message });
      continue;
    }
    state = { status: change.to, since: change.at };
    steps.push({ at: change.at, status: change.to, changeId: change.id });
  }
  return { initial, steps, skipped };
}

/** Where a timeline ends: the status after its last applied change, and when that change was made. */
export function sealLifecycleStateOf(timeline: SealStatusTimeline): SealLifecycleState {
  const last = timeline.steps.at(-1);
  return last === undefined ? { status: timeline.initial, since: null } : { status: last.status, since: last.at };
}

/** The seal's status at time `at` on a timeline (the last step at or before `at`); `null` before creation. */
export function sealStatusAt(timeline: SealStatusTimeline, at: Millis): SealStatus | null {
  let status = timeline.initial;
  for (const step of timeline.steps) {
    if (step.at > at) break;
    status = step.status;
  }
  return status;
}
