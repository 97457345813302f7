import { z } from 'zod';
import { evidenceBundleSchema } from '../evidence/bundleSchema';
import { deviceEventIdSchema, requestIdSchema, sealIdSchema } from '../domain/ids';
import { millisSchema } from '../domain/primitives';
import { recordIdParamSchema } from './ids';
import { queryMillisSchema } from './queryTime';

/** `:deviceEventId` — a device log entry's key, `deviceId:seq`. */
export const deviceEventIdParamsSchema = z.strictObject({
  deviceEventId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}:(0|[1-9][0-9]{0,14})$/, { message: 'expected deviceId:seq' }),
});
export const requestIdParamsSchema = z.strictObject({ requestId: recordIdParamSchema });
export const sealIdParamsSchema = z.strictObject({ sealId: recordIdParamSchema });

/** A seal's ledger period (device clock, ms; both ends included). Default: all of it. */
export const sealLedgerQuerySchema = z.strictObject({
  from: queryMillisSchema.optional(),
  to: queryMillisSchema.optional(),
});

/** One check of a bundle (see `verifyBundle`). */
export const evidenceCheckSchema = z.object({
  check: z.string(),
  subject: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  warning: z.boolean().optional(),
});
export const evidenceReportSchema = z.object({
  valid: z.boolean(),
  kind: z.enum(['stamp', 'request']).nullable(),
  checks: z.array(evidenceCheckSchema),
});

/** A stamp's or a request's evidence: the bundle (every piece), and `verifyBundle`'s report on it under the org key. */
export const evidenceResponseSchema = z.object({ report: evidenceReportSchema, bundle: evidenceBundleSchema });
export type EvidenceResponse = z.infer<typeof evidenceResponseSchema>;

/** The downloadable bundle (`Content-Disposition: attachment`). */
export const evidenceBundleResponseSchema = evidenceBundleSchema.describe('EvidenceBundle: verify with `npx tsx scripts/verify-bundle.ts verify <file> --org-key <jwk>`');

/** One entry of a seal's device log in the period. */
export const sealLedgerEntrySchema = z.object({
  deviceEventId: deviceEventIdSchema,
  seq: z.int().nonnegative(),
  at: millisSchema,
  type: z.string(),
  requestId: requestIdSchema.nullable(),
  useIndex: z.int().positive().nullable(),
});

/** Each request stamped in the period: its evidence verdict (from its request bundle) and what failed. */
export const sealLedgerRequestSchema = z.object({
  requestId: requestIdSchema,
  stamps: z.int().nonnegative(),
  valid: z.boolean(),
  failed: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const sealLedgerResponseSchema = z.object({
  sealId: sealIdSchema,
  deviceId: z.string().nullable(),
  from: millisSchema.nullable(),
  to: millisSchema.nullable(),
  entries: z.array(sealLedgerEntrySchema),
  requests: z.array(sealLedgerRequestSchema),
  /** Stamps the device made with no request (always an anomaly). */
  stampsWithoutRequest: z.int().nonnegative(),
});
export type SealLedgerResponse = z.infer<typeof sealLedgerResponseSchema>;
