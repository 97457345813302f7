import { z } from 'zod';
import { recordIdParamSchema } from './ids';

const pem = (label: string) => z.string().max(16_384).regex(new RegExp(`^-----BEGIN ${label}-----\\n[A-Za-z0-9+/=\\n]+-----END ${label}-----\\n$`), { message: `expected a PEM ${label}` });
const isoTime = z.string().describe('ISO 8601 time (UTC)');
/** A certificate serial as issued: 32 lower-case hex digits. */
export const certificateSerialSchema = z.string().regex(/^[0-9a-f]{32}$/, { message: 'expected a certificate serial: 32 lower-case hex digits' });

/** `GET /api/documents/ca`: the organisation CA certificate (public: verifiers and pdfsig trust it). */
export const caCertificateResponseSchema = z.strictObject({ certificate: pem('CERTIFICATE') });

/** `POST /api/documents/signing-certificates`: a tablet asks for a short-lived certificate for its key and one electronic seal. */
export const signingCertificateBodySchema = z.strictObject({
  sealId: recordIdParamSchema,
  /** PKCS#10 request (PEM) for an ECDSA P-256 key, signed by that key. */
  csr: pem('CERTIFICATE REQUEST'),
  /** Validity in days, 1 to 7 (default 3): the longest the tablet may sign offline (ADR 008). */
  days: z.int().min(1).max(7).optional(),
});
export type SigningCertificateBody = z.infer<typeof signingCertificateBodySchema>;

/** A signing certificate as the server issued and keeps it. */
export const signingCertificateViewSchema = z.strictObject({
  serial: certificateSerialSchema,
  sealId: z.string(),
  holderId: z.string(),
  unitId: z.string(),
  notBefore: isoTime,
  notAfter: isoTime,
  issuedAt: isoTime,
  revokedAt: isoTime.nullable(),
  revocationReason: z.string().nullable(),
});
export type SigningCertificateView = z.infer<typeof signingCertificateViewSchema>;

export const signingCertificateResponseSchema = z.strictObject({
  record: signingCertificateViewSchema,
  certificate: pem('CERTIFICATE'),
  /** The issuers above it, up to the organisation CA (PEM each). */
  chain: z.array(pem('CERTIFICATE')),
});

export const certificateSerialParamsSchema = z.strictObject({ serial: certificateSerialSchema });
export const revokeCertificateBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const certificateRecordResponseSchema = z.strictObject({ record: signingCertificateViewSchema });

/** Base64 (RFC 4648 §4) of a PDF, at most 6 MB of base64 (4.5 MB of PDF). */
const base64Pdf = z.string().max(6_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'expected the PDF in base64' });

/** `POST /api/documents/countersign`: a PDF the seal's holder signed (offline), for the organisation's countersignature. */
export const countersignBodySchema = z.strictObject({ pdf: base64Pdf });
export const countersignResponseSchema = z.strictObject({
  /** The PDF with the organisation's countersignature appended (base64). */
  pdf: base64Pdf,
  /** SHA-256 (hex) of the countersigned PDF: what /verify finds it by. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  certificate: signingCertificateViewSchema,
  /** The seal's claimed signing time (/M). */
  signedAt: isoTime.nullable(),
});

/**
 * `POST /api/documents/impressions/:id/countersign`: the PDF a holder signed for the impression
 * `:id` (whose fact was pushed), for the organisation's countersignature after every check of
 * ADR 008 and `judgeImpression`.
 */
export const impressionParamsSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { message: 'expected an impression id' }) });
export const countersignImpressionBodySchema = z.strictObject({ pdf: base64Pdf });
export const countersignImpressionResponseSchema = z.strictObject({
  impressionId: z.string(),
  /** SHA-256 (hex) of the countersigned PDF: what /verify finds it by. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The countersigned PDF (base64). */
  pdf: base64Pdf,
  countersignedAt: isoTime,
});
