import { PDFDocument } from '@cantoo/pdf-lib';
import type { Impression } from '../domain/impression';
import { ok, refuse, type Refusal, type Result } from '../result';
import { drawImpression } from './impressionPdf';
import { impressionDrawing, impressionSignatureField, stampedPagesOf } from './impressionStamp';
import { prepareSignature, type PreparedSignature } from './pades';
import type { SealAppearance } from './sealAppearance';
import type { SealFontLoader } from './sealPdf';
import { unambiguousPdf, type PdfStructureRefusalCode } from './unambiguousPdf';

export type StampedPdfRefusalCode = 'pdf_not_as_stamped' | PdfStructureRefusalCode;

/** What a signed impression's PDF is judged against: the approved document in it, and everything its drawing took. */
export interface StampedPdfExpectation {
  /** How many bytes of the PDF are the approved document as it was (`documentEnd`). */
  readonly sourceLength: number;
  readonly impression: Pick<Impression, 'id' | 'sealId' | 'claimedAt' | 'verificationCode' | 'pages' | 'layout'>;
  /** The seal as the organisation holds it (`sealAppearance` of its record and unit). */
  readonly appearance: SealAppearance;
  readonly font: SealFontLoader;
  /** Where the QR may send a reader: the organisation's own origins. */
  readonly origins: readonly string[];
}

type Refused = Result<never, Refusal<StampedPdfRefusalCode>>;
const notAsStamped = (message: string): Refused => refuse('pdf_not_as_stamped', message);
const isHexDigit = (byte: number): boolean => (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);

/** Where `pdf` first departs from `prepared` outside the signature's value (hex digits there), or `undefined` if nowhere. */
function firstDeparture(pdf: Uint8Array, prepared: PreparedSignature): number | undefined {
  const want = prepared.bytes;
  const { start, end } = prepared.contents;
  const common = Math.min(pdf.length, want.length);
  for (let i = 0; i < common; i++) {
    const inValue = i > start && i < end - 1;
    if (inValue ? !isHexDigit(pdf[i]!) : pdf[i] !== want[i]) return i;
  }
  return pdf.length === want.length ? undefined : common;
}

/**
 * Whether a signed impression's PDF adds to the approved document nothing but the impression
 * itself: the PDF must be, byte for byte, what the tablet's own stamping gives — `drawImpression`
 * of the approved bytes with the impression's recorded layout (its code, the seal as the
 * organisation holds it, the QR to one of its origins), then the seal's signature field
 * (`prepareSignature`) — save for the signature's value. So no later revision may replace or paint
 * over a page, add a page, redefine an object, or add an annotation, an action or a mark outside
 * the recorded layout: anything the impression would not draw departs from those bytes. The
 * recorded pages must be the pages the layout stamps. The drawing is deterministic
 * (`subsetTagOf`), so an honest PDF passes wherever it was drawn. The approved document must
 * also read the same to pdf-lib and to a viewer (`unambiguousPdf`): the redrawing parses it with
 * pdf-lib, so a byte comparison alone would pass a page that pdf-lib and the approvers' viewer read
 * differently (`pdf_ambiguous`).
 */
export async function judgeStampedPdf(pdf: Uint8Array, expected: StampedPdfExpectation): Promise<Result<{ readonly pages: readonly number[] }, Refusal<StampedPdfRefusalCode>>> {
  const { impression } = expected;
  const layout = impression.layout;
  if (layout === undefined) return notAsStamped(`impression ${impression.verificationCode} records no layout (an app older than the recorded layout stamped it): what its PDF adds to the approved document cannot be checked`);
  if (!expected.origins.includes(layout.origin)) return notAsStamped(`its QR sends readers to ${layout.origin}, expected this organisation's verification page at ${expected.origins.join(' or ')}`);
  if (!(expected.sourceLength > 0 && expected.sourceLength <= pdf.length)) return notAsStamped(`the approved document is ${expected.sourceLength} bytes, longer than this PDF (${pdf.length})`);
  // The font is the server's own: failing to read it is not the PDF's fault, so it throws.
  const loaded = await expected.font();
  // A plain view (not Node's Buffer), as the browser hands the font over: fontkit sees the same bytes the same way.
  const fontBytes = loaded instanceof Uint8Array ? new Uint8Array(loaded.buffer, loaded.byteOffset, loaded.byteLength) : new Uint8Array(loaded);
  const source = pdf.slice(0, expected.sourceLength);
  const structure = unambiguousPdf(source);
  if (!structure.ok) return structure;
  let prepared: PreparedSignature;
  let drawnLength: number;
  try {
    const drawn = await drawImpression(source, impressionDrawing(layout, { appearance: expected.appearance, font: () => Promise.resolve(fontBytes), code: impression.verificationCode }));
    drawnLength = drawn.length;
    prepared = await prepareSignature(drawn, impressionSignatureField(impression));
  } catch (error) {
    return notAsStamped(`the impression's recorded layout does not stamp the approved document: ${error instanceof Error ? error.message : String(error)}`);
  }
  const at = firstDeparture(pdf, prepared);
  if (at !== undefined) {
    const part = at < expected.sourceLength ? 'the approved document' : at < drawnLength ? "the seal's drawing" : at < prepared.bytes.length ? "the seal's signature update" : 'past its end';
    return notAsStamped(
      `byte ${at} (in ${part}) is not what stamping the approved document with this seal at the impression's recorded layout gives: ` +
      `this PDF is ${pdf.length} bytes, the stamped document ${prepared.bytes.length}; it adds or changes something besides the seal's impression`,
    );
  }
  const pageCount = layout.seam !== undefined && layout.seam.pages === undefined ? (await PDFDocument.load(source, { updateMetadata: false })).getPageCount() : 0;
  const pages = stampedPagesOf(layout, pageCount);
  if (pages.join() !== impression.pages.join()) return notAsStamped(`the impression records pages ${impression.pages.join(', ')}, its layout stamps pages ${pages.join(', ')}`);
  return ok({ pages });
}
