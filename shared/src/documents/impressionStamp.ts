import { sealSignatureField, type ImpressionLayoutRecord } from '../domain/impression';
import { formatVerificationCode } from '../domain/verificationCode';
import { verificationUrl, type ImpressionLayout } from './impressionPdf';
import type { SignatureField } from './pades';
import type { SealAppearance } from './sealAppearance';
import type { SealFontLoader } from './sealPdf';

/**
 * What stamping an impression takes besides the document, decided once for the tablet that
 * stamps (`electronicStamping.ts`, `stampElectronically.ts`) and the server that checks what it
 * stamped (`judgeStampedPdf`): both must draw and sign alike to the byte.
 */

/** The layout `drawImpression` takes for an impression drawn as `record` says, with its code (stored form, 11 characters). */
export function impressionDrawing(record: ImpressionLayoutRecord, parts: { readonly appearance: SealAppearance; readonly font: SealFontLoader; readonly code: string }): ImpressionLayout {
  return {
    appearance: parts.appearance,
    font: parts.font,
    placements: record.placements,
    ...(record.seam === undefined ? {} : { seam: record.seam }),
    verification: { url: verificationUrl(record.origin, parts.code), code: formatVerificationCode(parts.code) },
  };
}

/** The 1-based pages an impression drawn as `record` stamps, ascending (a seam with no pages listed runs over all `pageCount`). */
export function stampedPagesOf(record: Pick<ImpressionLayoutRecord, 'placements' | 'seam'>, pageCount: number): number[] {
  const seam = record.seam === undefined ? [] : (record.seam.pages ?? Array.from({ length: pageCount }, (_, i) => i));
  return [...new Set([...record.placements.map((p) => p.page), ...seam])].sort((a, b) => a - b).map((p) => p + 1);
}

/** The signature field the holder's tablet signs an impression in: it names the seal and the impression; `/M` is the claimed time. */
export function impressionSignatureField(impression: { readonly id: string; readonly sealId: string; readonly claimedAt: number }): SignatureField {
  return { name: sealSignatureField(impression.sealId, impression.id), signedAt: new Date(impression.claimedAt), reason: 'Electronic seal impression' };
}
