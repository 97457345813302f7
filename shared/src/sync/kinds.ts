import { z } from 'zod';

/**
 * Kinds of append-only facts that replicate. Each is content-addressed or keyed by its origin
 * (see `factIdOf`), so the same id always carries the same body.
 * - `alarm` is raised by the sync-server only (e.g. `fact_conflict`); clients never push one.
 */
export const factKindSchema = z.enum(['decision', 'cancellation', 'grant', 'seal_status_change', 'device_event', 'attachment', 'alarm']);
export type FactKind = z.infer<typeof factKindSchema>;
const FACT_KINDS: readonly FactKind[] = factKindSchema.options;

/** Fact kinds a client may push (everything but server-raised alarms). */
export const PUSHABLE_FACT_KINDS: readonly FactKind[] = FACT_KINDS.filter((kind) => kind !== 'alarm');

/**
 * Kinds of mutable records: Automerge documents whose changes replicate as immutable rows.
 * The organisation tree and role grants are NOT among them: they define scope itself and stay
 * server-authoritative (docs/adr/003-local-first-sync.md).
 */
export const recordKindSchema = z.enum(['seal', 'device', 'request', 'profile']);
export type RecordKind = z.infer<typeof recordKindSchema>;
