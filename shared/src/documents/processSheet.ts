import { rgb, type PDFDocument, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import jsQR from 'jsqr';
import type { RequestId } from '../domain/ids';
import { refuse, type Refusal, type Result } from '../result';
import { parseProcessSheetCode, processSheetCode, type ProcessSheetRefusalCode } from './processSheetCode';
import { drawSealOnPage, POINTS_PER_MM } from './sealPdf';
import type { SealAppearance } from './sealAppearance';

/** RGBA pixels, as a canvas's ImageData holds them (4 bytes a pixel, rows top to bottom). */
export interface RgbaPixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * The most pixels the QR is first searched in: the scan is box-filtered down to this (an A4
 * sheet at about 100 dpi, where its QR's cells are still 6 pixels wide). jsQR's search grows
 * faster than the pixels on a busy image (random noise is full of finder-pattern look-alikes:
 * about a second a megapixel), so it is never given a 12-megapixel scan whole.
 */
export const SHEET_READ_PIXELS = 1_000_000;
/**
 * The longest side a scan is searched at when the first search finds nothing (a photo where the
 * sheet fills only part of the frame): the size the app reads and sends a photo at, too.
 */
export const SHEET_READ_SIDE = 2000;

/** The image box-filtered by a whole `factor` (each `factor` × `factor` block one grey pixel, in RGBA); itself at 1. */
function shrunk(image: RgbaPixels, factor: number): RgbaPixels {
  if (factor <= 1) return image;
  const [width, height] = [Math.floor(image.width / factor), Math.floor(image.height / factor)];
  const data = new Uint8ClampedArray(width * height * 4);
  const source = image.data;
  const area = factor * factor;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy += 1) {
        let at = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx += 1, at += 4) sum += 77 * source[at]! + 150 * source[at + 1]! + 29 * source[at + 2]!;
      }
      const o = (y * width + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = sum / (area * 256);
      data[o + 3] = 255;
    }
  }
  return { data, width, height };
}

/**
 * The images a scan is searched in, smallest first, each at most `SHEET_READ_SIDE` long: the
 * scan shrunk to about `SHEET_READ_PIXELS`, then, if that is smaller than it, to the read side.
 */
export function sheetSearchImages(image: RgbaPixels): RgbaPixels[] {
  const first = Math.max(1, Math.ceil(Math.sqrt((image.width * image.height) / SHEET_READ_PIXELS)), Math.ceil(Math.max(image.width, image.height) / SHEET_READ_SIDE));
  const second = Math.max(1, Math.ceil(Math.max(image.width, image.height) / SHEET_READ_SIDE));
  // A QR is at least 21 modules wide: an image shrunk narrower than that holds none.
  return (second < first ? [first, second] : [first]).filter((f) => image.width / f >= 21 && image.height / f >= 21).map((f) => shrunk(image, f));
}

/** The QR search `readProcessSheet` runs (jsQR's signature; a test watches what it is given). */
export type QrSearch = (data: Uint8ClampedArray, width: number, height: number, options: { inversionAttempts: 'dontInvert' }) => { data: string } | null;

/**
 * Reads a sheet's code from a scan or a photo (jsQR: it finds the QR's finder patterns, so a
 * sheet turned a little, or photographed at a slant, still reads), then parses it. The search is
 * bounded whatever the image (see `sheetSearchImages`): at most two searches, of at most
 * `SHEET_READ_PIXELS` and then `SHEET_READ_SIDE` × `SHEET_READ_SIDE`, and only for dark ink on
 * light paper (an inverted image is not looked at: that would double the work on noise).
 */
export function readProcessSheet(image: RgbaPixels, search: QrSearch = jsQR): Result<RequestId, Refusal<ProcessSheetRefusalCode>> {
  for (const searched of sheetSearchImages(image)) {
    const found = search(searched.data, searched.width, searched.height, { inversionAttempts: 'dontInvert' });
    if (found !== null) return parseProcessSheetCode(found.data);
  }
  return refuse('no_code_found', `found no QR code in the ${image.width} × ${image.height} image: scan the whole sheet, flat and in focus`);
}

/** What a process sheet says besides its code. */
export interface ProcessSheetContent {
  readonly requestId: RequestId;
  readonly title: string;
  readonly sealName: string;
  readonly unitName: string;
  readonly requester: string;
  readonly uses: number;
  /** One line per approval, e.g. "王经理 批准 2026-12-03 10:20". */
  readonly approvals: readonly string[];
  /** Printed as the sheet's date line. */
  readonly printedAt: string;
  /** The seal's picture, drawn small beside its name. */
  readonly seal?: SealAppearance;
}

const A4: [number, number] = [595.28, 841.89];
const INK = rgb(0.1, 0.1, 0.1);

/** The QR as vector squares (no image: sharp when printed, and no PNG encoder needed). */
function drawQr(page: PDFPage, text: string, x: number, top: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / (n + 8);
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n; col += 1) {
      if (qr.modules.get(row, col)) page.drawRectangle({ x: x + (col + 4) * cell, y: top - (row + 5) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
}

/**
 * Adds an A4 process sheet to `doc`: the title, the request's facts and approvals on the left,
 * its code as a QR (with the code in words under it) on the right, and an empty box where the
 * seal is stamped on paper. `font` holds the characters (see `embedSealFont`).
 */
export function drawProcessSheet(doc: PDFDocument, content: ProcessSheetContent, font: PDFFont): PDFPage {
  const page = doc.addPage(A4);
  const margin = 20 * POINTS_PER_MM;
  const top = A4[1] - margin;
  const text = (value: string, x: number, y: number, size: number) => page.drawText(value, { x, y, size, font, color: INK });
  text('用印流程单 Process sheet', margin, top - 24, 22);
  const lines: [string, string][] = [
    ['文件 Document', content.title],
    ['印章 Seal', content.sealName],
    ['单位 Unit', content.unitName],
    ['申请人 Requester', content.requester],
    ['次数 Uses', String(content.uses)],
    ['打印 Printed', content.printedAt],
    ['编号 Code', processSheetCode(content.requestId)],
  ];
  let y = top - 70;
  for (const [label, value] of lines) {
    text(label, margin, y, 10);
    text(value.slice(0, 60), margin + 100, y, 12);
    y -= 22;
  }
  y -= 10;
  text('审批 Approvals', margin, y, 12);
  for (const approval of content.approvals.length === 0 ? ['—'] : content.approvals) {
    y -= 18;
    text(approval.slice(0, 70), margin + 12, y, 10);
  }
  const qrSize = 150;
  drawQr(page, processSheetCode(content.requestId), A4[0] - margin - qrSize, top - 40, qrSize);
  if (content.seal !== undefined) drawSealOnPage(page, content.seal, font, { x: A4[0] - margin - qrSize / 2, y: top - 60 - qrSize - 70, scale: 2 });
  // The box the paper is stamped in.
  const box = { x: margin, y: margin + 20, width: A4[0] - 2 * margin, height: 260 };
  page.drawRectangle({ ...box, borderColor: rgb(0.55, 0.55, 0.55), borderWidth: 1, borderDashArray: [4, 3] });
  text('盖章处 Stamp here', box.x + 8, box.y + box.height - 18, 10);
  return page;
}
