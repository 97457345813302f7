import { z } from 'zod';

/**
 * Kinds of append-only facts that replicate. Each is content-addressed or keyed by its origin
 * (see `factIdOf`), so the same id always carries the same body.
 * - `alarm` is raised by the sync-server only (e.g. `fact_conflict`); clients never push one.
 * - `alarm_resolution` is the sync-server's word that what an alarm reported no longer holds
 *   (a `log_gap` whose missing entries arrived); clients never push one either.
 */
export const factKindSchema = z.enum([
  'decision', 'cancellation', 'grant', 'seal_status_change', 'device_event', 'attachment', 'alarm', 'alarm_resolution',
  'electronic_grant', 'impression', 'countersignature',
]);
export type FactKind = z.infer<typeof factKindSchema>;
const FACT_KINDS: readonly FactKind[] = factKindSchema.options;

/** Fact kinds only the sync-server writes. */
export type ServerFactKind = 'alarm' | 'alarm_resolution' | 'countersignature';
const SERVER_FACT_KINDS: readonly FactKind[] = ['alarm', 'alarm_resolution', 'countersignature'] satisfies ServerFactKind[];

/** Fact kinds a client may push (everything but what the server writes: alarms, their resolutions, countersignatures). */
export const PUSHABLE_FACT_KINDS: readonly FactKind[] = FACT_KINDS.filter((kind) => !SERVER_FACT_KINDS.includes(kind));

/**
 * Kinds of mutable records: Automerge documents whose changes replicate as immutable rows.
 * The organisation tree and role grants are NOT among them: they define scope itself and stay
 * server-authoritative (docs/adr/003-local-first-sync.md).
 */
export const recordKindSchema = z.enum(['seal', 'device', 'request', 'profile']);
export type RecordKind = z.infer<typeof recordKindSchema>;
