/**
 * Stamped PDFs for tests: the honest one, made by the app's own stamping code (`drawImpression`
 * with the impression's recorded layout, then the seal's signature in its field), and hostile ones
 * that keep the approved document as their first revision but show something else — each a later
 * revision a holder's tablet could append before signing.
 */
import { readFile } from 'node:fs/promises';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFString, StandardFonts, rgb } from '@cantoo/pdf-lib';
import {
  drawImpression, impressionDrawing, impressionSignatureField, sealAppearance, sealOrganisationName, signPdf,
  type ImpressionLayoutRecord, type SealLook, type Signer,
} from '@seal/shared';

const FONT = new URL('../node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf', import.meta.url);
let font: Promise<Uint8Array> | undefined;
/** The seal's font, as the tablet loads it (read once). */
export const sealFont = (): Promise<Uint8Array> => (font ??= readFile(FONT).then((b) => new Uint8Array(b)));

/** What the tablet knows when it draws: the seal's record and unit name, the impression's code. */
export interface StampParts {
  readonly look: SealLook;
  readonly unitName: string;
  readonly layout: ImpressionLayoutRecord;
  /** The impression's verification code, stored form. */
  readonly code: string;
}

/** `source` with the impression drawn as the app draws it (not yet signed). */
export async function drawAsTheApp(source: Uint8Array, parts: StampParts): Promise<Uint8Array> {
  const appearance = sealAppearance(parts.look, sealOrganisationName(parts.look, parts.unitName));
  return drawImpression(source, impressionDrawing(parts.layout, { appearance, font: sealFont, code: parts.code }));
}

/** The drawn PDF signed by the holder in the impression's field, as `stampElectronically` signs it. */
export function signAsTheApp(drawn: Uint8Array, signer: Signer, impression: { id: string; sealId: string; claimedAt: number }): Promise<Uint8Array> {
  return signPdf(drawn, signer, impressionSignatureField(impression));
}

/** Drawn and signed as the tablet does it (`stampDocument`, then `stampElectronically`). */
export async function stampAsTheApp(source: Uint8Array, parts: StampParts, signer: Signer, impression: { id: string; sealId: string; claimedAt: number }): Promise<Uint8Array> {
  return signAsTheApp(await drawAsTheApp(source, parts), signer, impression);
}

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const startOfLastXref = (pdf: Uint8Array): number => Number([...new TextDecoder('latin1').decode(pdf.subarray(-2048)).matchAll(/startxref\s+(\d+)/g)].at(-1)![1]);

/**
 * `pdf` with a hand-written incremental update holding `objects` (`n g obj … endobj` each), a
 * classic cross-reference section for just them and a trailer naming the same catalog: an update
 * that writes whatever object number and generation it likes, as pdf-lib would not.
 */
export async function appendRawUpdate(pdf: Uint8Array, objects: readonly { num: number; gen: number; body: string }[]): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const info = doc.context.trailerInfo;
  let body = pdf.at(-1) === 0x0a ? '' : '\n';
  const entries: string[] = [];
  for (const o of objects) {
    entries.push(`${o.num} 1\n${String(pdf.length + body.length).padStart(10, '0')} ${String(o.gen).padStart(5, '0')} n\r\n`);
    body += `${o.num} ${o.gen} obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = pdf.length + body.length;
  const size = Math.max(doc.context.largestObjectNumber + 1, ...objects.map((o) => o.num + 1));
  const trailer = `<< /Size ${size} /Root ${String(info.Root)}${info.Info ? ` /Info ${String(info.Info)}` : ''}${info.ID ? ` /ID ${String(info.ID)}` : ''} /Prev ${startOfLastXref(pdf)} >>`;
  const tail = latin1(`${body}xref\n${entries.join('')}trailer\n${trailer}\nstartxref\n${xrefAt}\n%%EOF\n`);
  const out = new Uint8Array(pdf.length + tail.length);
  out.set(pdf);
  out.set(tail, pdf.length);
  return out;
}

/** A content stream object's text: `<< /Length n >> stream … endstream`. */
const streamObject = (content: string): string => `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;

/** An update made with pdf-lib on `pdf` (its bytes kept, the changes appended). */
async function update(pdf: Uint8Array, change: (doc: PDFDocument) => Promise<void> | void): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  await change(doc);
  return doc.commit({ useObjectStreams: false });
}

/** The first content stream of page 1, and its first font, as the approved document has them. */
async function originals(pdf: Uint8Array): Promise<{ contents: PDFRef; font: PDFRef; fontName: string; fontDict: PDFDict }> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const page = doc.getPage(0).node;
  const held = page.get(PDFName.of('Contents'));
  const contents = held instanceof PDFRef ? held : (doc.context.lookup(held, PDFArray).get(0) as PDFRef);
  const fonts = page.Resources()!.lookup(PDFName.of('Font'), PDFDict);
  const name = fonts.keys()[0]!;
  const font = fonts.get(name) as PDFRef;
  return { contents, font, fontName: name.asString(), fontDict: doc.context.lookup(font, PDFDict) };
}

/** The words a forger puts on the page. */
export const FORGED_TEXT = 'PAY THE BEARER 1,000,000 CNY';

/** A PDF a holder's tablet might sign: made from the approved `source` and its honest drawing `drawn` (`drawAsTheApp`). */
export interface Attack {
  readonly name: string;
  make(pdfs: { readonly source: Uint8Array; readonly drawn: Uint8Array; readonly parts: StampParts }): Promise<Uint8Array>;
}

/**
 * Later revisions that change what the approved document shows while keeping its bytes as the
 * first revision, each in a revision of its own after the honest drawing unless its name says
 * otherwise. `judgeStampedPdf` must refuse every one.
 */
export const ATTACKS: readonly Attack[] = [
  {
    name: "an update replacing page 1's /Contents with other content",
    make: ({ drawn }) => update(drawn, async (doc) => {
      const page = doc.getPage(0);
      page.node.set(PDFName.of('Contents'), doc.context.register(doc.context.stream('')));
      page.drawText(FORGED_TEXT, { x: 60, y: 700, size: 20, font: await doc.embedFont(StandardFonts.Helvetica) });
    }),
  },
  {
    name: 'an appended content stream painting a white box over the text and writing other text',
    make: ({ drawn }) => update(drawn, async (doc) => {
      const page = doc.getPage(0);
      const helvetica = await doc.embedFont(StandardFonts.Helvetica);
      page.drawRectangle({ x: 40, y: 400, width: 520, height: 380, color: rgb(1, 1, 1) });
      page.drawText(FORGED_TEXT, { x: 60, y: 700, size: 20, font: helvetica, color: rgb(0, 0, 0) });
    }),
  },
  {
    name: 'the same white box and text in an update between the approved document and the seal',
    make: async ({ source, parts }) => drawAsTheApp(await update(source, async (doc) => {
      const page = doc.getPage(0);
      page.drawRectangle({ x: 40, y: 400, width: 520, height: 380, color: rgb(1, 1, 1) });
      page.drawText(FORGED_TEXT, { x: 60, y: 700, size: 20, font: await doc.embedFont(StandardFonts.Helvetica) });
    }), parts),
  },
  {
    name: 'an update adding a page',
    make: ({ drawn }) => update(drawn, async (doc) => {
      doc.addPage().drawText(FORGED_TEXT, { x: 60, y: 700, size: 20, font: await doc.embedFont(StandardFonts.Helvetica) });
    }),
  },
  {
    name: "an update redefining page 1's original content stream (same object number and generation)",
    make: async ({ source, drawn }) => {
      const { contents, fontName } = await originals(source);
      return appendRawUpdate(drawn, [{ num: contents.objectNumber, gen: contents.generationNumber, body: streamObject(`BT ${fontName} 24 Tf 72 700 Td (${FORGED_TEXT}) Tj ET`) }]);
    },
  },
  {
    name: "an update redefining page 1's original font under a new generation",
    make: async ({ source, drawn }) => {
      const { font, fontDict } = await originals(source);
      const changed = fontDict.clone();
      changed.set(PDFName.of('BaseFont'), PDFName.of('Courier'));
      return appendRawUpdate(drawn, [{ num: font.objectNumber, gen: font.generationNumber + 1, body: changed.toString() }]);
    },
  },
  {
    name: 'a FreeText annotation on page 1',
    make: ({ drawn }) => update(drawn, (doc) => {
      const note = doc.context.obj({ Type: 'Annot', Subtype: 'FreeText', Rect: [60, 650, 560, 720], Contents: PDFString.of(FORGED_TEXT), DA: PDFString.of('/Helv 20 Tf 0 g'), F: 4 });
      doc.getPage(0).node.set(PDFName.of('Annots'), doc.context.obj([doc.context.register(note)]));
    }),
  },
  {
    name: 'a Stamp annotation on page 1',
    make: ({ drawn }) => update(drawn, (doc) => {
      const stamp = doc.context.obj({ Type: 'Annot', Subtype: 'Stamp', Name: 'Approved', Rect: [60, 650, 300, 720], Contents: PDFString.of(FORGED_TEXT), F: 4 });
      doc.getPage(0).node.set(PDFName.of('Annots'), doc.context.obj([doc.context.register(stamp)]));
    }),
  },
  {
    name: 'JavaScript run on opening (the catalog /OpenAction)',
    make: ({ drawn }) => update(drawn, (doc) => {
      doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("paid")') }));
    }),
  },
  {
    name: 'the seal drawn elsewhere than the layout the impression records',
    make: ({ source, parts }) => drawAsTheApp(source, { ...parts, layout: { ...parts.layout, placements: parts.layout.placements.map((p) => ({ ...p, x: p.x - 90, y: p.y - 60 })) } }),
  },
  {
    name: 'a second seal drawn beside the one the impression records',
    make: ({ source, parts }) => drawAsTheApp(source, { ...parts, layout: { ...parts.layout, placements: [...parts.layout.placements, { page: 1, x: 100, y: 100 }] } }),
  },
];

/**
 * `pdf` with a shadow page: a second `3 0 obj` written before its last cross-reference section,
 * which does not name it (pdf-lib keeps it, a viewer does not): the ambiguity `unambiguousPdf` refuses.
 */
export function shadowedPdf(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const end = /startxref\s+(\d+)\s*%%EOF\s*$/.exec(text)!;
  const at = Number(end[1]);
  const shadow = '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n';
  return new Uint8Array(Buffer.from(`${text.slice(0, at)}${shadow}${text.slice(at, end.index)}startxref\n${at + shadow.length}\n%%EOF\n`, 'latin1'));
}
