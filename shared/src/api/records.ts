import { z } from 'zod';
import { p256PublicJwkSchema } from '../crypto/p256PublicJwk';
import { signedRosterSchema } from '../crypto/roster';
import { approvalRouteSchema } from '../domain/approvalRoute';
import { decisionPayloadSchema, verdictSchema } from '../domain/decision';
import { roleSchema } from '../domain/role';
import { webAuthnAssertionSchema } from '../domain/webAuthnAssertion';
import { sealBindingSchema, signatureSchema, timeRecordSchema } from '../device/orgRecords';
import { signedRevocationListSchema } from '../device/revocationList';
import { recordIdParamSchema } from './ids';
import { userViewSchema } from './views';

// The roster and the organisation key

export const orgKeyResponseSchema = z.object({ keyId: z.string().min(1), publicJwk: p256PublicJwkSchema });
/** `GET /api/roster`: the roster and the organisation key's signature over it. */
export const signedRosterResponseSchema = signedRosterSchema;
/** `GET /api/revocations`: the revocation list in force, signed by the organisation key (device-bridge PROTOCOL.md §5). */
export const signedRevocationListResponseSchema = signedRevocationListSchema;

// Signed decisions

export const verifyDecisionBodySchema = z.strictObject({
  payload: decisionPayloadSchema.describe('The canonical decision record the approver signed (its hashRecord is the challenge)'),
  assertion: webAuthnAssertionSchema.describe('The passkey assertion over it, fields base64url'),
});
export const verifyDecisionResponseSchema = z.object({
  verified: z.literal(true),
  signer: z.object({
    user: userViewSchema,
    credentialId: z.string().min(1),
    /** The role and unit that let them decide. */
    permit: z.object({ role: roleSchema, unitId: z.string().min(1) }),
  }),
  verdict: verdictSchema,
  rosterVersion: z.int().nonnegative(),
});

// Seal devices

export const sealBindingBodySchema = z.strictObject({
  sealId: recordIdParamSchema,
  sealKind: approvalRouteSchema.shape.sealKind,
  minApprovals: approvalRouteSchema.shape.minApprovals,
  custodianId: recordIdParamSchema,
  unitId: recordIdParamSchema.describe("The seal's unit; its path up to HQ goes into the binding"),
});
export type SealBindingBody = z.infer<typeof sealBindingBodySchema>;
export const signedSealBindingSchema = z.object({ record: sealBindingSchema, signature: signatureSchema });
export const signedTimeRecordSchema = z.object({ record: timeRecordSchema, signature: signatureSchema });

// The audit log

export const auditQuerySchema = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0).describe('Return records with seq greater than this'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** One record of the append-only audit log, chained to the previous one by hash. */
export const auditRecordSchema = z.looseObject({
  seq: z.int().nonnegative(),
  at: z.int().nonnegative(),
  actor: z.union([z.object({ userId: z.string(), credentialId: z.string().optional() }), z.object({ system: z.literal(true) })]),
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }),
  unitId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  change: z.string().optional(),
  prevHash: z.string(),
  hash: z.string(),
});
export const auditPageResponseSchema = z.object({ records: z.array(auditRecordSchema), nextAfter: z.int().nonnegative() });
export const auditChainResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), length: z.int().nonnegative(), headHash: z.string() }),
  z.object({ ok: z.literal(false), seq: z.int().nonnegative(), code: z.enum(['hash_mismatch', 'broken_link', 'sequence_gap']), message: z.string() }),
]);

// Health

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  store: z.looseObject({ reachable: z.boolean() }),
});
/** The OpenAPI document itself (generated from these schemas). */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) });
