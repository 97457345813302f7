import { z } from 'zod';
import { millisSchema, reasonSchema } from '../domain/primitives';
import { anomalyKindSchema, anomalyRulesSchema, anomalySeveritySchema } from '../hq/anomalies/anomalyRules';
import { MAX_SPOT_CHECK_SIZE } from '../hq/anomalies/drawSpotCheckSample';
import { recordIdParamSchema } from './ids';
import { queryMillisSchema } from './queryTime';

/** Where a case is in its life: open → acknowledged → resolved (with a note). */
export const caseStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/** A case: one anomaly's root cause, its evidence, and who did what about it. */
export const caseViewSchema = z.object({
  id: z.string(),
  caseKey: z.string(),
  kind: anomalyKindSchema,
  severity: anomalySeveritySchema,
  status: caseStatusSchema,
  unitId: z.string(),
  deviceId: z.string().nullable(),
  sealId: z.string().nullable(),
  requestId: z.string().nullable(),
  at: millisSchema,
  message: z.string(),
  evidence: z.array(z.string()),
  openedAt: millisSchema,
  lastSeenAt: millisSchema,
  acknowledgedAt: millisSchema.optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: millisSchema.optional(),
  resolvedBy: z.string().optional(),
  resolution: z.string().optional(),
});
export type CaseView = z.infer<typeof caseViewSchema>;

export const casesQuerySchema = z.strictObject({
  unit: recordIdParamSchema.optional().describe('A unit: its subtree (default: everything the reader covers)'),
  status: caseStatusSchema.optional(),
  kind: anomalyKindSchema.optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/).optional().describe('From the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const casesResponseSchema = z.object({ cases: z.array(caseViewSchema), nextCursor: z.string().nullable(), total: z.int().nonnegative() }).describe('Cases in scope, most recent first');
export const caseResponseSchema = z.object({ case: caseViewSchema }).describe('The case');
export const caseIdParamsSchema = z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/, { message: 'expected a case id (32 hex characters)' }) });
export const resolveCaseBodySchema = z.strictObject({ note: reasonSchema.describe('Why the case is closed: required') });
export const acknowledgeCaseBodySchema = z.strictObject({ note: z.string().max(2000).optional() });

export const anomalyScanBodySchema = z.strictObject({
  unit: recordIdParamSchema,
  verifyPhotoBytes: z.boolean().optional().describe("Read every photo's bytes back and hash them (finds storage corrupted since upload; slower)"),
});
export const anomalyScanResponseSchema = z.object({
  unit: z.string(),
  devices: z.int().nonnegative(),
  entries: z.int().nonnegative(),
  anomalies: z.int().nonnegative(),
  opened: z.int().nonnegative(),
  updated: z.int().nonnegative(),
}).describe('What the scan read and found: new root causes opened a case, known ones updated theirs');

export const anomalyRulesResponseSchema = z.object({ rules: anomalyRulesSchema, updatedAt: millisSchema.nullable(), updatedBy: z.string().nullable() }).describe('The detection rules in force');

const photoCounts = z.object({ matched: z.int(), mismatched: z.int(), missing: z.int(), none: z.int() });
const counterCheck = z.object({ deviceId: z.string(), requestId: z.string(), counter: z.int(), logged: z.int(), balanced: z.boolean() });
const reconciledStamp = z.object({
  id: z.string(), deviceId: z.string(), unitId: z.string(), seq: z.int(), at: millisSchema, sealId: z.string().nullable(), requestId: z.string().nullable(),
  grantId: z.string().nullable(), useIndex: z.int().nullable(), photoSha256: z.string().nullable(), holderId: z.string().nullable(),
  photo: z.enum(['matched', 'mismatched', 'missing', 'none']), granted: z.boolean(),
});
export const requestReconciliationResponseSchema = z.object({
  requestId: z.string(), sealId: z.string(), unitId: z.string(), documentSha256: z.string(), requesterId: z.string(),
  approvers: z.array(z.string()), grants: z.array(z.string()), usesApproved: z.int(), usesRecorded: z.int(),
  stamps: z.array(reconciledStamp), holders: z.array(z.string()), photos: photoCounts, counters: z.array(counterCheck),
  verdict: z.enum(['balanced', 'over_use', 'ungranted_stamps', 'photo_problems']),
}).describe('Approved uses against the stamps the devices recorded, photos, document hash, holders, device counters');
export const sealReconciliationQuerySchema = z.strictObject({ from: queryMillisSchema, to: queryMillisSchema })
  .refine((q) => q.from <= q.to, { message: 'expected from ≤ to', path: ['to'] });
export const sealReconciliationResponseSchema = z.object({
  sealId: z.string(), from: millisSchema, to: millisSchema, stamps: z.int(), granted: z.int(), ungranted: z.int(),
  byRequest: z.array(z.object({ requestId: z.string().nullable(), stamps: z.int(), usesApproved: z.int().nullable() })),
  photos: photoCounts, holders: z.array(z.string()), counters: z.array(counterCheck),
}).describe("A seal's stamps over a period, by request, against approved uses");

export const spotCheckVerdictSchema = z.enum(['ok', 'problem', 'unclear']);
export const createSpotCheckBodySchema = z.strictObject({
  unit: recordIdParamSchema,
  from: millisSchema,
  to: millisSchema,
  size: z.int().min(1).max(MAX_SPOT_CHECK_SIZE),
  seed: z.int().min(0).max(2 ** 31 - 1).optional().describe('Drawn at random and recorded when absent'),
}).refine((b) => b.from <= b.to, { message: 'expected from ≤ to', path: ['to'] });
export const spotCheckViewSchema = z.object({
  id: z.string(),
  unitId: z.string(),
  from: millisSchema,
  to: millisSchema,
  size: z.int(),
  seed: z.int(),
  candidates: z.int().describe('How many stamps the sample was drawn from'),
  sample: z.array(z.object({
    stampId: z.string(), deviceId: z.string(), seq: z.int(), at: millisSchema, requestId: z.string().nullable(),
    verdict: z.object({ verdict: spotCheckVerdictSchema, note: z.string(), by: z.string(), at: millisSchema }).optional(),
  })),
  createdBy: z.string(),
  createdAt: millisSchema,
});
export type SpotCheckView = z.infer<typeof spotCheckViewSchema>;
export const spotCheckResponseSchema = z.object({ spotCheck: spotCheckViewSchema }).describe('The spot check: its seed, sample and verdicts');
export const spotCheckVerdictsBodySchema = z.strictObject({
  verdicts: z.array(z.strictObject({ stampId: z.string().min(1).max(600), verdict: spotCheckVerdictSchema, note: z.string().max(2000).default('') })).min(1).max(MAX_SPOT_CHECK_SIZE),
});
