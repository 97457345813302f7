import type { UseCounters } from './persisted';

/**
 * The per-request use counters — the device's anti-replay memory — as pure functions over the
 * stored table. The rule they keep: a request's counter is never forgotten while any grant for
 * that request could still pass, and the table stays bounded by refusing, never by forgetting.
 *
 * - An entry lives as long as the request's APPROVED window (the one every approving decision
 *   signs), never the window a grant's presenter chose: a grant's window must lie inside the
 *   approved one, so once the device clock is past the approved end no grant for it can pass.
 *   When a request is seen under several approved windows (edited and approved again), the
 *   entry keeps the latest end.
 * - Nothing is pruned by time. When the table is full, the entry whose approved window ends
 *   earliest is evicted and the `watermark` rises to that end: from then on any request the
 *   device holds no counter for, whose approved window ends at or before the watermark, is
 *   refused (`below_watermark`). An evicted request is thereby refused for ever, and a request
 *   the device never saw is refused only if its approved window ends as early as one it
 *   forgot — which, since the earliest-ending entry goes first, is normally long closed.
 */

/** An empty table (a new device). */
export const EMPTY_USE_COUNTERS: UseCounters = { watermark: 0, requests: {} };

/** Uses already made under `requestId`. */
export const usesMadeUnder = (table: UseCounters, requestId: string): number => table.requests[requestId]?.used ?? 0;

/**
 * Whether the device must refuse `requestId` because it may have forgotten its counter: it holds
 * none, and the request's approved window ends at or before the watermark.
 */
export const isBelowWatermark = (table: UseCounters, requestId: string, approvedNotAfter: number): boolean =>
  table.requests[requestId] === undefined && approvedNotAfter <= table.watermark;

/** What a use writes into the table. */
export interface UseRecord {
  readonly requestId: string;
  readonly used: number;
  /** The end of the request's approved window (signed by its approvers). */
  readonly approvedNotAfter: number;
  /** Who holds the grant (the requester): may read the photos of this request's stamps. */
  readonly holderId: string;
}

/**
 * The table after a use: the request's entry set (its approved end never moves back), then, while
 * more than `capacity` entries remain, the earliest-ending OTHER entry is evicted and the
 * watermark raised to its end. The entry just written is never the one evicted: the running
 * session reads it for its next press.
 */
export function recordUse(table: UseCounters, use: UseRecord, capacity: number): UseCounters {
  const previous = table.requests[use.requestId];
  const written = { used: use.used, approvedNotAfter: Math.max(use.approvedNotAfter, previous?.approvedNotAfter ?? 0), holderId: use.holderId };
  const others = Object.entries(table.requests)
    .filter(([id]) => id !== use.requestId)
    .sort(([a, x], [b, y]) => x.approvedNotAfter - y.approvedNotAfter || (a < b ? -1 : a > b ? 1 : 0));
  const evicted = others.slice(0, Math.max(0, others.length + 1 - Math.max(1, capacity)));
  const watermark = evicted.reduce((mark, [, entry]) => Math.max(mark, entry.approvedNotAfter), table.watermark);
  const requests = Object.fromEntries([...others.slice(evicted.length), [use.requestId, written] as const]);
  return { watermark, requests };
}
