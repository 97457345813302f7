import { z } from 'zod';
import { timelineEventKindSchema, timelineEventSchema } from '../hq/event';
import { recordIdParamSchema } from './ids';
import { queryTimeSchema } from './queryTime';

/**
 * Headquarters' merged log and dashboard (`/api/hq/...`). Times are integer milliseconds since
 * the Unix epoch; in a query, `from`/`to` also take an ISO 8601 date or date-time. `from` is
 * inclusive, `to` exclusive. Days are China Standard Time days (UTC+08:00, see `HQ_DAY_OFFSET_MS`).
 */
const millis = z.int().nonnegative();


/** Event kinds: the parameter repeated (`kind=stamp&kind=unlock`) or a comma list (`kind=stamp,unlock`). */
const kindListSchema = z
  .union([z.string().max(2000), z.array(z.string().max(2000)).max(50)])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).map((part) => part.trim()).filter((part) => part !== ''))
  .pipe(z.array(timelineEventKindSchema).max(50))
  .describe('Event kinds, repeated or comma-separated');

const flagSchema = z.enum(['true', 'false', '1', '0']).transform((flag) => flag === 'true' || flag === '1');

/** The filters the merged log, its counts and its CSV share. */
export const hqEventFilterShape = {
  unit: recordIdParamSchema.optional().describe("A unit: its whole subtree (default: the reader's scope)"),
  seal: recordIdParamSchema.optional(),
  device: recordIdParamSchema.optional(),
  person: recordIdParamSchema.optional().describe('A user the event names (holder, requester, approver, actor, author)'),
  kind: kindListSchema.optional(),
  from: queryTimeSchema.optional().describe('Inclusive lower bound of the event time'),
  to: queryTimeSchema.optional().describe('Exclusive upper bound of the event time'),
  anomalies: flagSchema.optional().describe('Only events an anomaly case names'),
};

/** `GET /api/hq/events`: newest first. */
export const hqEventsQuerySchema = z.strictObject({
  ...hqEventFilterShape,
  cursor: z.string().min(1).max(2000).optional().describe('Opaque: `nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type HqEventsQuery = z.output<typeof hqEventsQuerySchema>;

/** `GET /api/hq/events.csv`: the same filters, every matching event (streamed). */
export const hqEventsCsvQuerySchema = z.strictObject(hqEventFilterShape);
export type HqEventsCsvQuery = z.output<typeof hqEventsCsvQuerySchema>;

export const hqEventCountsSchema = z.object({
  /** Events matching the filters, on every page. */
  total: z.int().nonnegative(),
  /** The same, by event kind (kinds with none left out). */
  byKind: z.record(z.string(), z.int().nonnegative()),
});
export type HqEventCounts = z.infer<typeof hqEventCountsSchema>;

export const hqEventsResponseSchema = z.object({
  events: z.array(timelineEventSchema),
  /** `null` on the last page. Stable under concurrent inserts: pages continue strictly after the last event shown. */
  nextCursor: z.string().nullable(),
  counts: hqEventCountsSchema,
});
export type HqEventsResponse = z.infer<typeof hqEventsResponseSchema>;

/** `GET /api/hq/dashboard`. */
export const hqDashboardQuerySchema = z.strictObject({
  unit: recordIdParamSchema.optional().describe("The scope: a unit's subtree (default: the reader's scope)"),
  from: queryTimeSchema.optional().describe('Inclusive (default: 30 days before `to`)'),
  to: queryTimeSchema.optional().describe('Exclusive (default: now)'),
});
export type HqDashboardQuery = z.output<typeof hqDashboardQuerySchema>;

export const hqDashboardResponseSchema = z.object({
  unitId: z.string(),
  from: millis,
  to: millis,
  /** Stamps per day (`YYYY-MM-DD`, China Standard Time), every day of the period, zeros included. */
  usesPerDay: z.array(z.object({ day: z.string(), stamps: z.int().nonnegative() })),
  /** Stamps by child unit of the scope (its subtree), plus the scope unit itself for its own events. */
  usesByUnit: z.array(z.object({ unitId: z.string(), name: z.string(), stamps: z.int().nonnegative() })),
  /** Stamps by the kind of the seal stamped (`unknown` when the seal is not known yet). */
  usesBySealKind: z.array(z.object({ sealKind: z.string(), stamps: z.int().nonnegative() })),
  /** Anomaly cases by kind, from the anomaly detector (empty until it reports). */
  anomaliesByKind: z.array(z.object({ kind: z.string(), count: z.int().nonnegative() })),
  /** Request creation to its final approving decision, for requests approved in the period. */
  approvalLatency: z.object({ count: z.int().nonnegative(), p50Ms: z.number().nonnegative().nullable(), p95Ms: z.number().nonnegative().nullable() }),
  fleet: z.object({
    /** Stamps an ink box lasts (`INK_BOX_LIFE_STAMPS`). */
    inkBoxLifeStamps: z.int().positive(),
    devices: z.array(z.object({
      deviceId: z.string(),
      unitId: z.string(),
      sealId: z.string().nullable(),
      /** Last reported battery (a `low_battery` entry), `null` if it never reported one. */
      batteryPercent: z.int().min(0).max(100).nullable(),
      batteryAt: millis.nullable(),
      /** Its latest log entry (device clock). */
      lastContactAt: millis.nullable(),
      /** Stamps in its whole log, and that count as a share of one ink box's life (may pass 1). */
      stampCount: z.int().nonnegative(),
      inkBoxUsed: z.number().nonnegative(),
    })),
  }),
});
export type HqDashboardResponse = z.infer<typeof hqDashboardResponseSchema>;
