import type { Millis } from './primitives';
import type { SealStatus } from './seal';
import type { SealStatusChange } from './sealStatusChange';
import { compareText } from './compare';
import { dedupeById } from './dedupeById';
import { findSealTransition, TERMINAL_SEAL_STATUSES } from './sealTransitions';

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
 * Copies of a change count once (see `dedupeById`). Changes are applied by `at`, then id. Offline replicas can record concurrent moves from the
 * same state (a custodian suspends while an admin revokes), so a change is applied when the move
 * from the status reached so far to its `to` is in the table for its `actorRole`, even if its
 * recorded `from` differs (suspended → revoked is as legal as active → revoked). A change that
 * is not legal from there (e.g. a custodian's `suspended → active` after the seal was reported
 * lost) is skipped and reported: it never revives a seal the table would not let it revive.
 *
 * Starts from `null` (not yet created) when the creation change is among `changes`; otherwise
 * from the first change's `from` (a replica may hold only recent history).
 */
export function sealStatusTimeline(changes: readonly SealStatusChange[]): SealStatusTimeline {
  const unique = dedupeById(changes).facts.sort(byTimeThenId);
  const first = unique.find((c) => c.from === null) ?? unique[0];
  let current: SealStatus | null = first?.from ?? null;
  const initial = current;
  const steps: { at: Millis; status: SealStatus; changeId: string }[] = [];
  const skipped: { changeId: string; reason: string }[] = [];
  for (const change of unique) {
    if (current !== null && TERMINAL_SEAL_STATUSES.includes(current)) {
      skipped.push({ changeId: change.id, reason: `the seal was already ${current}` });
      continue;
    }
    const rule = findSealTransition(current, change.to);
    if (rule === undefined || !rule.roles.includes(change.actorRole)) {
      skipped.push({ changeId: change.id, reason: `${current ?? 'new'} → ${change.to} by a ${change.actorRole} is not a legal move` });
      continue;
    }
    current = change.to;
    steps.push({ at: change.at, status: change.to, changeId: change.id });
  }
  return { initial, steps, skipped };
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
