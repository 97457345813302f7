import { rgb } from '@cantoo/pdf-lib';
import { INK, MUTED, PAGE, RULE, type PdfCanvas } from './pdfCanvas';

const BAR = rgb(0.2, 0.4, 0.7);

/** Horizontal bars, one per labelled value, scaled to the largest; the value at each bar's end. */
export function barChart(canvas: PdfCanvas, items: readonly { label: string; value: number }[]): void {
  if (items.length === 0) {
    canvas.text('—', { color: MUTED });
    return;
  }
  const size = 9;
  const labelWidth = canvas.width * 0.3;
  const barSpace = canvas.width - labelWidth - 40;
  const max = Math.max(1, ...items.map((i) => i.value));
  for (const { label, value } of items) {
    canvas.need(16);
    const { page, font } = canvas;
    page.drawText(canvas.fit(label, size, labelWidth - 6), { x: PAGE.margin, y: canvas.y - 11, size, font, color: INK });
    const length = Math.max(value > 0 ? 1 : 0, (value / max) * barSpace);
    page.drawRectangle({ x: PAGE.margin + labelWidth, y: canvas.y - 12, width: length, height: 10, color: BAR });
    page.drawText(String(value), { x: PAGE.margin + labelWidth + length + 4, y: canvas.y - 11, size, font, color: INK });
    canvas.y -= 16;
  }
  canvas.y -= 6;
}

/** Columns over time (one per day), with the peak marked on the axis and the first and last day under it. */
export function columnChart(canvas: PdfCanvas, items: readonly { label: string; value: number }[]): void {
  const height = 110;
  canvas.need(height + 30);
  const { page, font } = canvas;
  const left = PAGE.margin + 28;
  const width = canvas.width - 28;
  const bottom = canvas.y - height;
  const max = Math.max(1, ...items.map((i) => i.value));
  page.drawLine({ start: { x: left, y: bottom }, end: { x: left + width, y: bottom }, thickness: 0.6, color: MUTED });
  page.drawLine({ start: { x: left, y: bottom }, end: { x: left, y: bottom + height }, thickness: 0.6, color: MUTED });
  page.drawLine({ start: { x: left, y: bottom + height }, end: { x: left + width, y: bottom + height }, thickness: 0.3, color: RULE });
  page.drawText(String(max), { x: PAGE.margin, y: bottom + height - 4, size: 8, font, color: MUTED });
  page.drawText('0', { x: PAGE.margin, y: bottom - 3, size: 8, font, color: MUTED });
  const step = items.length > 0 ? width / items.length : width;
  items.forEach(({ value }, i) => {
    const h = (value / max) * (height - 4);
    if (h > 0) page.drawRectangle({ x: left + i * step + step * 0.15, y: bottom, width: Math.max(0.8, step * 0.7), height: h, color: BAR });
  });
  if (items.length > 0) {
    page.drawText(items[0]!.label, { x: left, y: bottom - 12, size: 8, font, color: MUTED });
    const last = items.at(-1)!.label;
    page.drawText(last, { x: left + width - font.widthOfTextAtSize(last, 8), y: bottom - 12, size: 8, font, color: MUTED });
  }
  canvas.y = bottom - 24;
}
