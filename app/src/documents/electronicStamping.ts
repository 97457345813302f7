import {
  drawImpression, err, impressionDrawing, ok, refuse, sealAppearance, sealOrganisationName, stampedPagesOf, unambiguousPdf,
  type ElectronicGrant, type ImpressionLayoutRecord, type ImpressionPlacement, type PdfStructureRefusalCode, type Refusal, type Result, type SealLook, type SeamPlacement,
} from '@seal/shared';
import { fileSha256 } from '../requests/fileSha256';
import { openPdfPages, type PdfPages } from './pdfPages';
import { loadSealFont } from './sealFont';

/**
 * Stamping a PDF under an electronic grant, on the tablet: the document must be the one whose
 * SHA-256 the approvers signed; the seal and the verification QR are drawn into it
 * (`drawImpression`), then the grant's holder signs it and the impression is recorded.
 */

/** What the stamping screen needs of an electronic grant (the fact `electronic_grant`). */
export type ElectronicGrantView = Pick<ElectronicGrant, 'id' | 'requestId' | 'sealId' | 'holderId' | 'documentSha256' | 'uses' | 'window'> & Partial<ElectronicGrant>;

export type DocumentCheckRefusalCode = 'document_mismatch' | 'not_a_pdf';

/** The chosen file, read, if it is the approved document; refused plainly otherwise. */
export async function checkChosenDocument(file: Blob, grant: ElectronicGrantView): Promise<Result<{ bytes: Uint8Array; sha256: string }, Refusal<DocumentCheckRefusalCode>>> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha256 = await fileSha256(new Blob([bytes]));
  if (sha256 !== grant.documentSha256.toLowerCase()) return refuse('document_mismatch', `expected a document with SHA-256 ${grant.documentSha256}, got ${sha256}`);
  if (new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).indexOf('%PDF-') === -1) return refuse('not_a_pdf', 'the approved document is not a PDF: only PDFs are stamped electronically');
  return ok({ bytes, sha256 });
}

/** The slow steps, in order, for the progress line. */
export type StampStep = 'font' | 'drawing' | 'signing';

export interface StampRequest {
  readonly grant: ElectronicGrantView;
  readonly source: Uint8Array;
  readonly seal: SealLook;
  /** The seal's unit's name, engraved along the rim when the seal's name does not say. */
  readonly unitName: string;
  readonly placements: readonly ImpressionPlacement[];
  readonly seam?: SeamPlacement;
  /** The document's number of pages (a seam seal runs over all of them). */
  readonly pageCount: number;
  /** The verification page's origin (this app's). */
  readonly origin: string;
}

export interface StampedDocument {
  readonly pdf: Uint8Array;
  readonly code: string;
  /** The impression's id: what its countersignature is queued under. */
  readonly impressionId: string;
}

/** A new impression: its id and the verification code derived from it, printed before signing. */
export interface ImpressionStart {
  readonly impressionId: string;
  /** In stored form (11 characters); printed grouped (`7KQM-2XHP-R9D`). */
  readonly code: string;
}

/** The signing and recording step (see `impressionSigner.ts`). */
export interface ImpressionSigner {
  begin(): Promise<ImpressionStart>;
  sign(args: { grant: ElectronicGrantView; sourcePdf: Uint8Array; stampedPdf: Uint8Array; impression: ImpressionStart; pages: readonly number[]; layout: ImpressionLayoutRecord }): Promise<Result<Uint8Array, Refusal>>;
}

/** The layout as the impression records it: the placements and seam as chosen (nothing else), and this app's origin. */
function layoutRecordOf(request: Pick<StampRequest, 'placements' | 'seam' | 'origin'>): ImpressionLayoutRecord {
  const size = (s: number | undefined) => (s === undefined ? {} : { size: s });
  const { seam } = request;
  return {
    placements: request.placements.map((p) => ({ page: p.page, x: p.x, y: p.y, ...size(p.size) })),
    ...(seam === undefined ? {} : { seam: { ...(seam.pages === undefined ? {} : { pages: [...seam.pages] }), y: seam.y, ...size(seam.size) } }),
    origin: request.origin,
  };
}

/** Draws the impression and has it signed and recorded; `onStep` reports each slow step. */
export async function stampDocument(request: StampRequest, signer: ImpressionSigner, onStep: (step: StampStep) => void): Promise<Result<StampedDocument, Refusal>> {
  onStep('font');
  const font = await loadSealFont().catch((error: unknown) => error as Error);
  if (font instanceof Error) return refuse('seal_font_missing', `the seal's font is not on this tablet and could not be fetched: ${font.message}`);
  onStep('drawing');
  const impression = await signer.begin();
  const code = impression.code;
  const appearance = sealAppearance(request.seal, sealOrganisationName(request.seal, request.unitName));
  // Recorded with the impression: the server draws it again from the approved bytes and
  // countersigns only the very PDF that gives (judgeStampedPdf), so nothing else rides along.
  const layout = layoutRecordOf(request);
  const stampedPdf = await drawImpression(request.source, impressionDrawing(layout, { appearance, font: () => Promise.resolve(font), code }));
  onStep('signing');
  const signed = await signer.sign({ grant: request.grant, sourcePdf: request.source, stampedPdf, impression, pages: stampedPagesOf(layout, request.pageCount), layout });
  return signed.ok ? ok({ pdf: signed.value, code, impressionId: impression.impressionId }) : err(signed.error);
}

export type OpenDocumentRefusalCode = DocumentCheckRefusalCode | PdfStructureRefusalCode | 'unreadable' | 'rotated';

/** The chosen file, checked against the grant and opened for the preview (PDF.js), or why not. */
export async function openChosenDocument(file: Blob, grant: ElectronicGrantView): Promise<Result<{ bytes: Uint8Array; pages: PdfPages }, Refusal<OpenDocumentRefusalCode>>> {
  const checked = await checkChosenDocument(file, grant);
  if (!checked.ok) return checked;
  // Stamping redraws pages as pdf-lib reads them; the approvers saw them as a viewer does. The
  // server refuses to countersign a document the two could read differently: say so before stamping.
  const structure = unambiguousPdf(checked.value.bytes);
  if (!structure.ok) return structure;
  const pages = await openPdfPages(checked.value.bytes).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (pages instanceof Error) return refuse('unreadable', pages.message);
  if (pages.sizes.some((size) => size.rotation % 360 !== 0)) {
    await pages.close();
    return refuse('rotated', 'the PDF has pages turned by /Rotate');
  }
  return ok({ bytes: checked.value.bytes, pages });
}
