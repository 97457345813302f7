import { z } from 'zod';
import { sealFormSchema, sealKindSchema } from '../domain/seal';
import { sha256HexSchema } from '../domain/primitives';

/**
 * The public verification API (`/verify`, no sign-in; docs/adr/008-electronic-seal-signing.md
 * "What a stranger may see"). What it discloses is what the stamped paper itself already claims,
 * made checkable: the organisation, the seal as drawn, the request's title and document hash, who
 * approved (names and roles, not ids), when it was stamped, and whether every signature holds. It
 * never discloses person ids, e-mail addresses, passkey credential ids, geofence coordinates,
 * the request's purpose, or anything about other requests.
 */

const isoTime = z.string().describe('ISO 8601 time (UTC)');
const base64Pdf = z.string().max(6_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'expected the PDF in base64' });

/** `GET /api/verify/:code`: an impression's verification code (as typed: case, spaces and `-` do not matter), or a process sheet's `SEALCTL:REQ:<id>`. */
export const verifyCodeParamsSchema = z.strictObject({ code: z.string().min(1).max(200) });

/** `GET /api/verify/:code/photos/:sha256`: the photo of a stamp listed in the record of a process sheet's code. */
export const verifyPhotoParamsSchema = z.strictObject({ code: z.string().min(1).max(200), sha256: sha256HexSchema });

/** `POST /api/verify/pdf`: the PDF itself (base64), or only its SHA-256 — exactly one. */
export const verifyPdfBodySchema = z
  .strictObject({ pdf: base64Pdf.optional(), sha256: sha256HexSchema.optional() })
  .refine((b) => (b.pdf === undefined) !== (b.sha256 === undefined), { message: 'expected exactly one of pdf (base64) or sha256' });
export type VerifyPdfBody = z.infer<typeof verifyPdfBodySchema>;

/** The seal as the verifier draws it (`sealAppearance({kind, name, antiCounterfeitCode}, organisationName)`). */
export const verifiedSealSchema = z.strictObject({
  name: z.string(),
  kind: sealKindSchema,
  form: sealFormSchema,
  /** Its anti-counterfeit code (防伪码), when it has one. */
  code: z.string().nullable(),
  /** The organisation name drawn along the seal's arc. */
  organisationName: z.string(),
  /** The seal's status now (a seal revoked since still verifies what it stamped before). */
  status: z.string(),
});

/** One approval: who (name and role as the roster says), when, and whether its passkey assertion verifies over the request's terms. */
export const verifiedApprovalSchema = z.strictObject({
  approverName: z.string(),
  role: z.string(),
  at: isoTime,
  verified: z.boolean(),
});

/** The request, as far as the stamped document's holder may see it. */
export const verifiedRequestSchema = z.strictObject({
  title: z.string(),
  documentSha256: sha256HexSchema,
  pages: z.int().positive(),
  unitName: z.string(),
  usesApproved: z.int().nonnegative(),
  status: z.string(),
});

/** The holder's signing certificate, as the CA's records say at the time asked. */
export const verifiedCertificateSchema = z.strictObject({
  serial: z.string(),
  status: z.enum(['valid', 'expired', 'revoked', 'unknown']),
  notBefore: isoTime.nullable(),
  notAfter: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});

/** An electronic impression's record. */
export const verifiedImpressionSchema = z.strictObject({
  kind: z.literal('electronic'),
  organisation: z.strictObject({ name: z.string() }),
  seal: verifiedSealSchema,
  request: verifiedRequestSchema,
  approvals: z.array(verifiedApprovalSchema),
  impression: z.strictObject({
    verificationCode: z.string(),
    holderName: z.string(),
    claimedAt: isoTime,
    pages: z.array(z.int().positive()),
    sourceSha256: sha256HexSchema,
    signedSha256: sha256HexSchema,
    /** Whether the impression keeps to its grant (`judgeImpression`): hash, window, uses, seal active, certificate. */
    authorised: z.boolean(),
    /** Why not, when not (refusal or anomaly codes, e.g. `impression_beyond_uses`). */
    problems: z.array(z.string()),
  }),
  countersignature: z.strictObject({
    status: z.enum(['present', 'awaiting']),
    at: isoTime.nullable(),
    countersignedSha256: sha256HexSchema.nullable(),
  }),
  certificate: verifiedCertificateSchema,
});

/** A physical stamp under a request: its device log entry, and the photo the device took. */
export const verifiedStampSchema = z.strictObject({
  deviceId: z.string(),
  seq: z.int().nonnegative(),
  at: isoTime,
  /** Whether the stamp keeps to the request (`deriveRequestStatus`: no anomaly). */
  authorised: z.boolean(),
  anomalies: z.array(z.string()),
  /** The photo of the stamped page (its SHA-256 as the device logged it), when one was taken. */
  photoSha256: sha256HexSchema.nullable(),
  /** Whether the photo's bytes are held by the organisation (arrived and match the hash). */
  photoHeld: z.boolean(),
});

/** A physical request's record, found by its process sheet's code. */
export const verifiedPhysicalSchema = z.strictObject({
  kind: z.literal('physical'),
  organisation: z.strictObject({ name: z.string() }),
  seal: verifiedSealSchema,
  request: verifiedRequestSchema,
  approvals: z.array(verifiedApprovalSchema),
  stamps: z.array(verifiedStampSchema),
});

export const verifiedRecordSchema = z.discriminatedUnion('kind', [verifiedImpressionSchema, verifiedPhysicalSchema]);
export type VerifiedRecord = z.infer<typeof verifiedRecordSchema>;
export type VerifiedImpression = z.infer<typeof verifiedImpressionSchema>;
export type VerifiedPhysical = z.infer<typeof verifiedPhysicalSchema>;

/** `GET /api/verify/:code` answers the record (404 `unknown_code` for a code naming nothing, 400 `verification_code_mistyped` for one that does not check). */
export const verifyCodeResponseSchema = z.strictObject({ record: verifiedRecordSchema });

/**
 * `POST /api/verify/pdf`: whether the bytes are a recorded document. `match` says which recorded
 * PDF they are (the tablet's signed one, or the organisation's countersigned one); `none` means
 * no record has these bytes — any changed byte gives `none`, and `message` says so plainly.
 * `claimed` is the record the PDF names in its signature field (`seal:<sealId>:<impressionId>`)
 * when its bytes do not match: what it claims to be, for comparison.
 */
export const verifyPdfResponseSchema = z.strictObject({
  sha256: sha256HexSchema,
  match: z.enum(['signed', 'countersigned', 'none']),
  message: z.string(),
  record: verifiedImpressionSchema.nullable(),
  claimed: verifiedImpressionSchema.nullable(),
});
export type VerifyPdfResponse = z.infer<typeof verifyPdfResponseSchema>;
