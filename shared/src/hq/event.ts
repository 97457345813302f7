import { z } from 'zod';

/**
 * The kinds of event on headquarters' merged timeline:
 * - every device log entry type (`boot` … `low_battery`, named as the device names them);
 * - the facts people and the server write (`decision`, `cancellation`, `grant`,
 *   `seal_status_change`, `attachment`, `alarm`, `alarm_resolution`);
 * - changes of mutable records: a record's first change is its creation (`request_created`…),
 *   any later one an update (`request_updated`…).
 */
export const timelineEventKindSchema = z.enum([
  'boot',
  'time_set',
  'roster_installed',
  'seal_bound',
  'grant_installed',
  'unlock',
  'stamp',
  'lock',
  'refusal',
  'tamper',
  'geofence_breach',
  'low_battery',
  'revocations_installed',
  'decision',
  'cancellation',
  'grant',
  'seal_status_change',
  'attachment',
  'alarm',
  'alarm_resolution',
  'request_created',
  'request_updated',
  'seal_created',
  'seal_updated',
  'device_created',
  'device_updated',
]);
export type TimelineEventKind = z.infer<typeof timelineEventKindSchema>;
export const TIMELINE_EVENT_KINDS: readonly TimelineEventKind[] = timelineEventKindSchema.options;

/** A short, flat summary of what happened (what a list row or a CSV line shows). */
export const timelineSummarySchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type TimelineSummary = z.infer<typeof timelineSummarySchema>;

/**
 * One event of the merged log, derived from one replicated row (`rowId`); a row gives one event
 * (a few record changes give none). `id` is deterministic from the row id, so re-deriving it
 * never duplicates it. `at` is the event's own clock (the device's, the approver's, the server's);
 * `unitId` the row's scope unit. Not strict: a client keeps what it knows of a newer server's answer.
 */
export const timelineEventSchema = z.object({
  id: z.string().min(1),
  at: z.int().nonnegative(),
  kind: timelineEventKindSchema,
  unitId: z.string().min(1),
  sealId: z.string().min(1).optional(),
  deviceId: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  /** Everyone the event names: holder, requester, approver, actor, author. Sorted, no repeats. */
  personIds: z.array(z.string().min(1)),
  summary: timelineSummarySchema,
  /** The replicated row it was derived from. */
  rowId: z.string().min(1),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
