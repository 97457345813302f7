import { degrees, PDFDocument, rgb, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import { embedSealFont, type SealFontLoader } from './sealPdf';

/** What the anti-counterfeit print names on every page. */
export interface PrintCopyLabel {
  /** The short verification code of the stamped document. */
  readonly code: string;
  /** The organisation's name, as the watermark and the footer spell it. */
  readonly organisation: string;
  /** Where anyone holding the paper checks it (the QR carries it), e.g. `https://seal.example/verify?code=K7Q2-9XWM`. */
  readonly verifyUrl: string;
  /** The print's date line (ISO date or any short text). */
  readonly printedAt: string;
}

/** The band under each page's content that holds the QR and the code, in points. */
export const PRINT_BAND_POINTS = 68;
const INK = rgb(0.12, 0.12, 0.12);
const WATERMARK = rgb(0.64, 0.09, 0.1);

/** A QR as vector squares with its quiet zone, its bottom-left corner at (x, y). */
function drawQrSquare(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / (n + 4);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n; col += 1) {
      if (qr.modules.get(row, col)) page.drawRectangle({ x: x + (col + 2) * cell, y: y + size - (row + 3) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
}

/** Shortens `text` with an ellipsis until it fits `width` at `size`. */
function fitted(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The light diagonal watermark across the page: organisation and code, three times along the diagonal. */
function drawWatermark(page: PDFPage, label: PrintCopyLabel, font: PDFFont): void {
  const { width, height } = page.getSize();
  const angle = Math.atan2(height, width);
  const text = `${label.organisation} · ${label.code}`;
  const size = Math.min(36, (Math.hypot(width, height) * 0.26) / Math.max(1, font.widthOfTextAtSize(text, 1)));
  for (const at of [0.05, 0.36, 0.67]) {
    // Each copy starts on the diagonal at `at` of its length, its baseline a third of a line below it.
    const x = width * at + (Math.sin(angle) * size) / 3;
    const y = PRINT_BAND_POINTS + (height - PRINT_BAND_POINTS) * at - (Math.cos(angle) * size) / 3;
    page.drawText(text, { x, y, size, font, color: WATERMARK, opacity: 0.13, rotate: degrees((angle * 180) / Math.PI) });
  }
}

/** The band at the foot of the page: the QR, the code, the organisation, how to check it. */
function drawBand(page: PDFPage, label: PrintCopyLabel, font: PDFFont, pageNumber: number, pages: number): void {
  const { width } = page.getSize();
  const margin = 18;
  const qr = PRINT_BAND_POINTS - 10;
  drawQrSquare(page, label.verifyUrl, width - margin - qr, 5, qr);
  page.drawLine({ start: { x: margin, y: PRINT_BAND_POINTS - 2 }, end: { x: width - margin, y: PRINT_BAND_POINTS - 2 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  const room = width - 2 * margin - qr - 10;
  const line = (text: string, y: number, size: number) => page.drawText(fitted(text, font, size, room), { x: margin, y, size, font, color: INK });
  line(`验证码 Verification code: ${label.code}`, 46, 11);
  line(`${label.organisation} · 防伪打印件 Anti-counterfeit copy · ${pageNumber}/${pages}`, 31, 8);
  line(`扫码或访问 Scan or visit: ${label.verifyUrl}`, 19, 7);
  line(`打印 Printed ${label.printedAt} · 原件以电子签名为准 The signed PDF is the original`, 8, 6);
}

/**
 * The anti-counterfeit print of a stamped PDF: a NEW document whose every page is a copy of the
 * original's page, drawn a little smaller above a band with the verification code, its QR and the
 * organisation, under a light diagonal watermark naming the organisation and the code. The signed
 * original is only read (its bytes stay as they are, and stay the document that verifies); the
 * print carries no signature: it is paper that leads back to the record.
 */
export async function makePrintCopy(original: Uint8Array, label: PrintCopyLabel, loadFont: SealFontLoader): Promise<Uint8Array> {
  const source = await PDFDocument.load(original, { ignoreEncryption: true, updateMetadata: false });
  const print = await PDFDocument.create();
  const font = await embedSealFont(print, loadFont, 'NotoSansSC');
  const count = source.getPageCount();
  const embedded = await print.embedPdf(source, source.getPageIndices());
  embedded.forEach((content, index) => {
    const { width, height } = content;
    const page = print.addPage([width, height]);
    // Keep the page's size; shrink its content into the room above the band.
    const scale = Math.min(1, (height - PRINT_BAND_POINTS) / height);
    page.drawPage(content, { x: (width - width * scale) / 2, y: PRINT_BAND_POINTS, xScale: scale, yScale: scale });
    drawWatermark(page, label, font);
    drawBand(page, label, font, index + 1, count);
  });
  print.setTitle(`${label.code} — ${label.organisation}`);
  print.setProducer('Seal Control');
  return print.save({ useObjectStreams: false });
}
