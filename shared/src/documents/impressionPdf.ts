import { clip, endPath, popGraphicsState, pushGraphicsState, rectangle, rgb, PDFDocument, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { layoutImpression, type Box, type ImpressionPlacement, type QrMark, type SeamPlacement } from './impressionLayout';
import { drawSealOnPage, embedSealFont, subsetTagOf, type SealFontLoader } from './sealPdf';
import type { SealAppearance } from './sealAppearance';

/** What an electronic impression draws on a document, and with which font. */
export interface ImpressionLayout {
  readonly appearance: SealAppearance;
  /** The seal's font (see `embedSealFont`): only the glyphs drawn go into the document. */
  readonly font: SealFontLoader;
  readonly placements: readonly ImpressionPlacement[];
  readonly seam?: SeamPlacement;
  /** Printed on every stamped page: the QR carries `url`, the text says `code`. */
  readonly verification: { readonly url: string; readonly code: string };
}

/** The address a stamped page's QR carries: the public verification page, by code. */
export const verificationUrl = (origin: string, code: string): string => `${origin.replace(/\/+$/, '')}/verify?code=${encodeURIComponent(code)}`;

const BLACK = rgb(0, 0, 0);
const WHITE = rgb(1, 1, 1);

/**
 * Draws a QR code as vector squares (each row's dark runs as one rectangle), on a white square
 * that holds the quiet zone, so that it scans over whatever the page has there.
 */
export function drawQrCode(page: PDFPage, text: string, box: Box): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = box.width / (n + 2 * quiet);
  page.drawRectangle({ ...box, color: WHITE });
  const top = box.y + box.height - quiet * cell;
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n;) {
      if (!qr.modules.get(row, col)) { col += 1; continue; }
      let end = col;
      while (end < n && qr.modules.get(row, end)) end += 1;
      // A hair wider and taller than the cell, so that anti-aliased renderers leave no seams between runs.
      page.drawRectangle({ x: box.x + (quiet + col) * cell, y: top - (row + 1) * cell, width: (end - col) * cell + 0.02, height: cell + 0.02, color: BLACK });
      col = end;
    }
  }
}

/** The code's lines beside the QR, bottom up: the address small, the code large, what it is (each shrunk to fit). */
function drawVerificationText(page: PDFPage, mark: QrMark, font: PDFFont, verification: ImpressionLayout['verification']): void {
  const { x, y, width, size } = mark.text;
  const fit = (text: string, wanted: number): number => Math.min(wanted, (wanted * width) / Math.max(1, font.widthOfTextAtSize(text, wanted)));
  const address = verification.url.replace(/\?.*$/, '');
  const addressSize = fit(address, size * 0.85);
  page.drawText(address, { x, y, size: addressSize, font, color: BLACK });
  const codeSize = fit(verification.code, size * 1.9);
  const codeY = y + addressSize * 1.3;
  page.drawText(verification.code, { x, y: codeY, size: codeSize, font, color: BLACK });
  const label = '电子印章验证 Verify this seal';
  page.drawText(label, { x, y: codeY + codeSize * 1.05, size: fit(label, size), font, color: BLACK });
}

/**
 * Stamps `source` with an electronic seal: the seal, drawn as vectors with its text in an
 * embedded font subset, at each placement and, optionally, across the page edges (骑缝章); on
 * every stamped page a QR to the verification page with the short code beside it. The original
 * bytes are kept as they are and the marks appended as an incremental update (ISO 32000-1
 * §7.5.6): the first revision still hashes to the approved SHA-256, and the result is what the
 * tablet signs. Runs in the browser and in Node (no Buffer, no file access: the font is loaded
 * by `layout.font`). Throws on a layout `layoutImpression` refuses. Deterministic: the same
 * source and layout give the same bytes, which is how the server checks what a stamped PDF adds
 * (`judgeStampedPdf`).
 */
export async function drawImpression(source: Uint8Array, layout: ImpressionLayout): Promise<Uint8Array> {
  const doc = await PDFDocument.load(source, { forIncrementalUpdate: true, updateMetadata: false, throwOnInvalidObject: true });
  if (doc.context.trailerInfo.Encrypt !== undefined) throw new Error('the PDF is encrypted: it cannot be stamped');
  // pdf-lib names each font and graphics state it adds to a page with a "random" suffix drawn from
  // Math.sin(1), Math.sin(2)…, whose last bits may differ between engines: a count names them the
  // same on the tablet and on the server (pdf-lib still skips a name the page already uses).
  let named = 0;
  doc.context.addRandomSuffix = (prefix: string, digits = 4): string => `${prefix}-${String(++named).padStart(digits, '0')}`;
  const pages = doc.getPages();
  const boxes = pages.map((p) => p.getCropBox());
  // Placements are in the page's own frame; a page shown turned (/Rotate) would put the seal elsewhere than chosen.
  const turned = pages.findIndex((p) => p.getRotation().angle % 360 !== 0);
  if (turned !== -1) throw new Error(`page ${turned + 1} is turned by /Rotate ${pages[turned]!.getRotation().angle}: stamping turned pages is not supported`);
  const marks = layoutImpression(boxes, layout.appearance, layout.placements, layout.seam);
  if (!marks.ok) throw new Error(`cannot stamp this layout (${marks.error.code}): ${marks.error.message}`);
  // The subset's tag follows from the code: the same impression drawn again is the same bytes.
  const font = await embedSealFont(doc, layout.font, undefined, await subsetTagOf(layout.verification.code));
  for (const mark of marks.value.seals) {
    const page = pages[mark.page]!;
    const origin = boxes[mark.page]!;
    const at = { x: origin.x + mark.x, y: origin.y + mark.y, scale: mark.scale };
    if (mark.clip === undefined) {
      drawSealOnPage(page, layout.appearance, font, at);
      continue;
    }
    const c = mark.clip;
    page.pushOperators(pushGraphicsState(), rectangle(origin.x + c.x, origin.y + c.y, c.width, c.height), clip(), endPath());
    drawSealOnPage(page, layout.appearance, font, at);
    page.pushOperators(popGraphicsState());
  }
  for (const mark of marks.value.qrs) {
    const page = pages[mark.page]!;
    const origin = boxes[mark.page]!;
    const shifted: QrMark = {
      page: mark.page,
      qr: { ...mark.qr, x: origin.x + mark.qr.x, y: origin.y + mark.qr.y },
      text: { ...mark.text, x: origin.x + mark.text.x, y: origin.y + mark.text.y },
    };
    drawQrCode(page, layout.verification.url, shifted.qr);
    drawVerificationText(page, shifted, font, layout.verification);
  }
  // A classic cross-reference table: every reader (and our own signature update after it) takes it.
  return doc.commit({ useObjectStreams: false });
}
