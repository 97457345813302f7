import { PDFDocument } from '@cantoo/pdf-lib';
import { drawProcessSheet, embedSealFont, type ProcessSheetContent } from '@seal/shared';
import { fetchSheetFont } from '../api/processSheets';

/**
 * The process sheet as a PDF, made in the browser from the request as this device holds it (its
 * terms and approvals), in Noto Sans SC (the subset its text uses; the font comes from the
 * server once and is kept by the HTTP cache). Loaded on demand: pdf-lib stays out of the
 * request screen's bundle.
 */
export async function processSheetPdf(content: ProcessSheetContent): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`用印流程单 Process sheet ${content.requestId}`);
  drawProcessSheet(doc, content, await embedSealFont(doc, fetchSheetFont));
  return doc.save();
}
