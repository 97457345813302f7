import { rgb, type PDFDocument, type PDFFont, type PDFPage, type RGB } from '@cantoo/pdf-lib';

/** A4 in points, and the margins every page keeps. */
export const PAGE = { width: 595.28, height: 841.89, margin: 48 } as const;
export const INK = rgb(0.13, 0.15, 0.2);
export const MUTED = rgb(0.42, 0.45, 0.5);
export const RULE = rgb(0.82, 0.84, 0.87);
export const ACCENT = rgb(0.71, 0.13, 0.13);

/**
 * Writes down the pages of a document: a cursor that moves down, a new page when the next block
 * does not fit, and the page numbers once every page exists.
 */
export class PdfCanvas {
  page: PDFPage;
  y: number;

  constructor(readonly doc: PDFDocument, readonly font: PDFFont) {
    this.page = this.addPage();
    this.y = PAGE.height - PAGE.margin;
  }

  get width(): number {
    return PAGE.width - 2 * PAGE.margin;
  }

  private addPage(): PDFPage {
    return this.doc.addPage([PAGE.width, PAGE.height]);
  }

  /** Makes room for a block `height` points tall, on a new page if this one is too full. */
  need(height: number): void {
    if (this.y - height >= PAGE.margin + 24) return;
    this.page = this.addPage();
    this.y = PAGE.height - PAGE.margin;
  }

  text(text: string, options: { size?: number; color?: RGB; x?: number; gap?: number } = {}): void {
    const size = options.size ?? 10;
    this.need(size * 1.4);
    this.page.drawText(text, { x: PAGE.margin + (options.x ?? 0), y: this.y - size, size, font: this.font, color: options.color ?? INK });
    this.y -= size * 1.4 + (options.gap ?? 0);
  }

  /** Text cut to fit `maxWidth` at `size`, with an ellipsis when cut. */
  fit(text: string, size: number, maxWidth: number): string {
    if (this.font.widthOfTextAtSize(text, size) <= maxWidth) return text;
    let cut = text;
    while (cut.length > 1 && this.font.widthOfTextAtSize(`${cut}…`, size) > maxWidth) cut = cut.slice(0, -1);
    return `${cut}…`;
  }

  heading(text: string): void {
    this.need(40);
    this.y -= 10;
    this.text(text, { size: 13, color: ACCENT, gap: 2 });
    this.page.drawLine({ start: { x: PAGE.margin, y: this.y + 2 }, end: { x: PAGE.width - PAGE.margin, y: this.y + 2 }, thickness: 0.6, color: RULE });
    this.y -= 6;
  }

  /** A table: a header row and rows of cells, columns as fractions of the width. */
  table(columns: readonly { label: string; share: number; align?: 'right' }[], rows: readonly (readonly string[])[]): void {
    const size = 9;
    const rowHeight = 15;
    const draw = (cells: readonly string[], color: RGB) => {
      this.need(rowHeight);
      let x = PAGE.margin;
      cells.forEach((cell, i) => {
        const column = columns[i]!;
        const width = column.share * this.width;
        const shown = this.fit(cell, size, width - 6);
        const offset = column.align === 'right' ? width - 4 - this.font.widthOfTextAtSize(shown, size) : 2;
        this.page.drawText(shown, { x: x + offset, y: this.y - 11, size, font: this.font, color });
        x += width;
      });
      this.y -= rowHeight;
      this.page.drawLine({ start: { x: PAGE.margin, y: this.y }, end: { x: PAGE.width - PAGE.margin, y: this.y }, thickness: 0.4, color: RULE });
    };
    draw(columns.map((c) => c.label), MUTED);
    for (const row of rows) draw(row, INK);
    this.y -= 6;
  }

  /** "第 n / N 页 · Page n of N" at the foot of every page. */
  numberPages(footer: string): void {
    const pages = this.doc.getPages();
    pages.forEach((page, i) => {
      const label = `${footer}    第 ${i + 1} / ${pages.length} 页 · Page ${i + 1} of ${pages.length}`;
      const size = 8;
      page.drawText(label, { x: PAGE.width - PAGE.margin - this.font.widthOfTextAtSize(label, size), y: PAGE.margin / 2, size, font: this.font, color: MUTED });
    });
  }
}
