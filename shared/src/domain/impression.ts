import { z } from 'zod';
import { toBase64Url } from '../encoding/base64url';
import { grantIdSchema, requestIdSchema, sealIdSchema, userIdSchema } from './ids';
import { millisSchema, sha256HexSchema } from './primitives';
import { verificationCodeSchema } from './verificationCode';

/**
 * An impression's id: chosen at random by the tablet before it draws the seal (the QR and the
 * verification code printed on the page derive from it, so it must exist before the PDF is
 * signed): 16–64 characters of base64url, 128 random bits by `newImpressionId`.
 */
export const impressionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { message: 'expected an impression id: 16–64 characters of A-Z a-z 0-9 _ -' }).brand<'ImpressionId'>();
export type ImpressionId = z.infer<typeof impressionIdSchema>;

/** A new impression id: 128 random bits as base64url (22 characters). */
export function newImpressionId(): ImpressionId {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16))) as ImpressionId;
}

/** A certificate serial as the organisation CA issues it: 32 lower-case hex digits. */
export const certificateSerialHexSchema = z.string().regex(/^[0-9a-f]{32}$/, { message: 'expected a certificate serial: 32 lower-case hex digits' });

/** The most pages one impression may stamp (a 骑缝章 across a long document stamps every page). */
export const MAX_IMPRESSION_PAGES = 2000;

/**
 * The most seals placed on one page of an impression: a document is sealed once where it is
 * signed, and a second mark on a page (a second signature block) is the most a real one takes.
 * With the seam's one slice a page carries at most three seals: drawing grows with the square of
 * the seals on a page (each adds names to the page's resources), so this is what bounds it.
 */
export const MAX_PLACEMENTS_PER_PAGE = 2;

/** A length on a page, in mm, as a placement gives it (bounded: a page is at most a few metres). */
const mmSchema = z.number().min(-10_000).max(10_000);
const pageIndexSchema = z.int().min(0).max(1_000_000);

/**
 * How an impression was drawn on the approved document, as the person placed it (the
 * `ImpressionPlacement`s and `SeamPlacement` `drawImpression` takes) and the origin of the
 * verification address its QR carries. With the seal's look, the seal font and the impression's
 * code, it is all `drawImpression` needs: the server draws the impression again from the approved
 * bytes and countersigns only a PDF that is exactly that, plus the seal's signature
 * (`judgeStampedPdf`).
 */
export const impressionLayoutRecordSchema = z.strictObject({
  // At most two a page (`MAX_PLACEMENTS_PER_PAGE`; `layoutImpression` also caps them by the
  // document's pages and refuses overlaps): drawing grows with the square of the seals on a page,
  // so a row with hundreds stacked on one would cost the server minutes to judge.
  placements: z
    .array(z.strictObject({ page: pageIndexSchema, x: mmSchema, y: mmSchema, size: mmSchema.optional() }))
    .max(200)
    .refine((list) => list.every((p, i) => list.filter((q, j) => j <= i && q.page === p.page).length <= MAX_PLACEMENTS_PER_PAGE), {
      message: `expected at most ${MAX_PLACEMENTS_PER_PAGE} seals placed on a page`,
    }),
  seam: z
    .strictObject({
      pages: z
        .array(pageIndexSchema)
        .min(2)
        .max(MAX_IMPRESSION_PAGES)
        .refine((pages) => new Set(pages).size === pages.length, { message: 'expected a seam over each page once' })
        .optional(),
      y: mmSchema,
      size: mmSchema.optional(),
    })
    .optional(),
  /** The app's origin (`https://seal.example.com`): the QR carries `verificationUrl(origin, code)`. */
  origin: z.string().max(200).regex(/^https?:\/\/[^/?#\s]+$/, { message: 'expected an origin: http(s)://host[:port], nothing after it' }),
});
export type ImpressionLayoutRecord = z.infer<typeof impressionLayoutRecordSchema>;

/**
 * An impression (电子用印): one application of an electronic seal to a PDF under an electronic
 * grant, made and signed on the holder's tablet (offline if need be) and replicated as an
 * append-only fact. Counted like a physical stamp: uses are counted per REQUEST across all its
 * impressions. Keyed by its random `id` (the same id always carries the same body; a second body
 * is a `fact_conflict`). `verificationCode` is `verificationCodeOf(id)`, checked by every judge.
 *
 * - `sourceSha256`: SHA-256 of the PDF the seal was applied to — must equal the grant's
 *   approved `documentSha256`;
 * - `signedSha256`: SHA-256 of the PDF the tablet produced and signed (seal, QR and code drawn,
 *   PAdES signature appended), which the server countersigns;
 * - `certificateSerial`: the holder's signing certificate that made the signature;
 * - `claimedAt`: the tablet's clock when it signed (the signature's `/M`): it must lie in the
 *   grant's window and in the certificate's validity, before any revocation;
 * - `pages`: the 1-based pages stamped, ascending;
 * - `layout`: where and how the seal and QR were drawn ({@link impressionLayoutRecordSchema}).
 *   Absent on impressions made by an app before it was recorded: those are never countersigned,
 *   since what their later revision draws cannot be checked.
 */
export const impressionSchema = z.strictObject({
  id: impressionIdSchema,
  grantId: grantIdSchema,
  requestId: requestIdSchema,
  sealId: sealIdSchema,
  holderId: userIdSchema,
  sourceSha256: sha256HexSchema,
  signedSha256: sha256HexSchema,
  certificateSerial: certificateSerialHexSchema,
  claimedAt: millisSchema,
  pages: z
    .array(z.int().positive())
    .min(1)
    .max(MAX_IMPRESSION_PAGES)
    .refine((pages) => pages.every((page, i) => i === 0 || page > pages[i - 1]!), { message: 'expected the stamped pages ascending, each once' }),
  verificationCode: verificationCodeSchema,
  layout: impressionLayoutRecordSchema.optional(),
});
export type Impression = z.infer<typeof impressionSchema>;

/**
 * The organisation's countersignature of an impression (a fact the sync-server alone writes, once
 * it checked the signed PDF and the impression and appended its own signature): which impression,
 * the hash of the PDF it countersigned (the impression's `signedSha256`) and of the result, when,
 * and the certificate it was countersigned under. Keyed by the impression (`countersign:<id>`),
 * so two instances countersigning the same impression make one fact (the store keeps the first).
 */
export const countersignatureSchema = z.strictObject({
  id: z.string().regex(/^countersign:[A-Za-z0-9_-]{16,64}$/),
  impressionId: impressionIdSchema,
  requestId: requestIdSchema,
  sealId: sealIdSchema,
  signedSha256: sha256HexSchema,
  countersignedSha256: sha256HexSchema,
  /** The countersigning certificate's serial (the instance's, issued by the organisation CA). */
  countersignerSerial: certificateSerialHexSchema,
  at: millisSchema,
});
export type Countersignature = z.infer<typeof countersignatureSchema>;

/** The id of an impression's countersignature fact. */
export const countersignatureId = (impressionId: string): string => `countersign:${impressionId}`;

/** The signature field a seal's signature is made in: it names the seal and the impression (`stampElectronically`). */
export const sealSignatureField = (sealId: string, impressionId: string): string => `seal:${sealId}:${impressionId}`;

/** The impression a seal's signature field names, or `undefined` for any other field. */
export function impressionIdOfSealField(field: string): string | undefined {
  return /^seal:[^:]+:([A-Za-z0-9_-]{16,64})$/.exec(field)?.[1];
}

