import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, type PDFObject } from '@cantoo/pdf-lib';

/**
 * An incremental update (ISO 32000-1 §7.5.6): objects appended after the document's last byte,
 * a cross-reference section for just them, and a trailer whose /Prev names the previous one. The
 * bytes before stay exactly as they were, so signatures over them stay valid.
 */
export interface UpdateObject {
  readonly ref: PDFRef;
  /** The object's serialisation (`<< … >>`), without `n g obj`/`endobj`. */
  readonly text: string;
}

/** Bytes of PDF syntax as pdf-lib writes it: one byte per character (Latin-1), as it was parsed. */
const latin1 = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new Error('PDF syntax is bytes: a character above U+00FF cannot be written as is');
    out[i] = code;
  }
  return out;
};

/** The offset after the last `startxref` of a PDF: where its newest cross-reference section starts. */
export function lastStartXref(pdf: Uint8Array): number {
  const tail = new TextDecoder('latin1').decode(pdf.subarray(Math.max(0, pdf.length - 2048)));
  const found = [...tail.matchAll(/startxref\s+(\d+)\s+%%EOF/g)].at(-1);
  if (found === undefined) throw new Error('the PDF has no startxref at its end');
  return Number(found[1]);
}

/** A loaded document to append to: pdf-lib parses it (it reads every revision), never re-saves it. */
export async function loadForUpdate(pdf: Uint8Array): Promise<PDFDocument> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });
  if (doc.context.trailerInfo.Encrypt !== undefined) throw new Error('the PDF is encrypted: it cannot be signed');
  return doc;
}

/**
 * The bytes of `pdf` followed by an update holding `objects` (new ones and new versions of
 * changed ones). The cross-reference section is a classic table; its trailer carries /Root,
 * /Info and /ID from the document and /Prev to the section before (a table or a stream).
 */
export function appendUpdate(pdf: Uint8Array, doc: PDFDocument, objects: readonly UpdateObject[]): Uint8Array {
  const prev = lastStartXref(pdf);
  const lead = pdf.at(-1) === 0x0a || pdf.at(-1) === 0x0d ? '' : '\n';
  let body = lead;
  const offsets = new Map<number, number>();
  for (const { ref, text } of objects) {
    offsets.set(ref.objectNumber, pdf.length + body.length);
    body += `${ref.objectNumber} ${ref.generationNumber} obj\n${text}\nendobj\n`;
  }
  const xrefAt = pdf.length + body.length;
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    xref += `${numbers[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const gen = objects.find((o) => o.ref.objectNumber === numbers[k])!.ref.generationNumber;
      xref += `${String(offsets.get(numbers[k]!)).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  const info = doc.context.trailerInfo;
  const size = Math.max(doc.context.largestObjectNumber + 1, info.Size instanceof PDFNumber ? info.Size.asNumber() : 0);
  const trailer = PDFDict.withContext(doc.context);
  trailer.set(PDFName.of('Size'), PDFNumber.of(size));
  if (info.Root) trailer.set(PDFName.of('Root'), info.Root);
  if (info.Info) trailer.set(PDFName.of('Info'), info.Info);
  if (info.ID) trailer.set(PDFName.of('ID'), info.ID);
  trailer.set(PDFName.of('Prev'), PDFNumber.of(prev));
  const text = `${body}${xref}trailer\n${trailer.toString()}\nstartxref\n${xrefAt}\n%%EOF\n`;
  const out = new Uint8Array(pdf.length + text.length);
  out.set(pdf);
  out.set(latin1(text), pdf.length);
  return out;
}

/** A PDF text string for any Unicode text: UTF-16BE hex with its BOM (ASCII-safe in the file). */
export const textString = (text: string): string => PDFHexString.fromText(text).toString();

/** Adds `ref` to an array held at `key` of `dict` (created if absent); says which object now changed. */
export function pushToArray(doc: PDFDocument, dict: PDFDict, dictRef: PDFRef, key: string, ref: PDFRef): PDFRef {
  const held: PDFObject | undefined = dict.get(PDFName.of(key));
  if (held instanceof PDFRef) {
    const array = doc.context.lookup(held, PDFArray);
    array.push(ref);
    return held;
  }
  if (held instanceof PDFArray) held.push(ref);
  else dict.set(PDFName.of(key), doc.context.obj([ref]));
  return dictRef;
}
