import { decodePDFRawStream, PDFContext, PDFDict, PDFName, PDFNumber, PDFObjectParser, PDFRawStream, PDFRef, PDFXRefStreamParser, type PDFObject } from '@cantoo/pdf-lib';
import { ok, refuse, type Refusal, type Result } from '../result';

export type PdfStructureRefusalCode = 'pdf_ambiguous';

/** Where the newest cross-reference section that names an object says it is. */
type XrefEntry = { readonly kind: 'plain'; readonly offset: number; readonly generation: number } | { readonly kind: 'in_stream'; readonly stream: number } | { readonly kind: 'free' };
/** A definition of an object as pdf-lib's parser meets it: a plain `N G obj` at `at`, or a member of the object stream defined at `at`. */
interface Definition { readonly at: number; readonly generation: number; readonly inStream: boolean; readonly object?: PDFObject }

class Ambiguous extends Error {}
const fail = (message: string): never => { throw new Ambiguous(message); };
const latin1 = (bytes: Uint8Array): string => { let s = ''; for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000)); return s; };
// pdf-lib's own lexis: PDF white space (NUL included) and comments between the tokens of `N G obj`.
const GAP = '(?:[\\0\\t\\n\\f\\r ]|%[^\\r\\n]*)+';
const HEADER = new RegExp(`(?<![0-9])([0-9]+)${GAP}([0-9]+)${GAP}obj`, 'g');

/** The object that starts right after byte `from`, read by pdf-lib's own object parser (a stream's /Length need not resolve: it then finds `endstream`). */
function objectAt(bytes: Uint8Array, from: number): PDFObject {
  return PDFObjectParser.forBytes(bytes.subarray(from), PDFContext.create()).parseObject();
}

/** Every `N G obj` in the file — a superset of those pdf-lib's linear parser meets, which can only make the check refuse more. */
function plainHeaders(text: string): { readonly num: number; readonly generation: number; readonly at: number; readonly bodyAt: number }[] {
  return [...text.matchAll(HEADER)].map((m) => ({ num: Number(m[1]), generation: Number(m[2]), at: m.index, bodyAt: m.index + m[0].length }));
}

/** The objects an object stream defines, in order (its header's pairs), each read by pdf-lib's object parser. */
function membersOf(stream: PDFRawStream): { readonly num: number; readonly object: PDFObject }[] {
  const count = stream.dict.lookup(PDFName.of('N'), PDFNumber).asNumber();
  const first = stream.dict.lookup(PDFName.of('First'), PDFNumber).asNumber();
  const decoded = decodePDFRawStream(stream).decode();
  const numbers = latin1(decoded.subarray(0, first)).trim().split(/[\0\t\n\f\r ]+/).map(Number);
  if (numbers.length < 2 * count || numbers.some((n) => !Number.isInteger(n))) fail('an object stream\'s header is malformed');
  return Array.from({ length: count }, (_, i) => ({ num: numbers[2 * i]!, object: objectAt(decoded, first + numbers[2 * i + 1]!) }));
}

const isOfType = (object: PDFObject, type: string): object is PDFRawStream => object instanceof PDFRawStream && object.dict.lookup(PDFName.of('Type')) === PDFName.of(type);

/** A classic `xref` table at `at`, with its trailer dictionary. */
function classicSection(bytes: Uint8Array, text: string, at: number): { entries: Map<number, XrefEntry>; trailer: PDFDict } {
  const entries = new Map<number, XrefEntry>();
  const row = /\s*([0-9]+)\s+([0-9]+)(?:\s+([nf]))?/y;
  row.lastIndex = at + 4;
  let next = -1;
  let end = row.lastIndex;
  for (let m = row.exec(text); m; m = row.exec(text)) {
    end = row.lastIndex;
    if (m[3] === undefined) { next = Number(m[1]); continue; }
    if (next < 0) fail('an xref table row comes before its subsection');
    if (entries.has(next)) fail(`the xref table at byte ${at} lists object ${next} twice`);
    entries.set(next, m[3] === 'n' ? { kind: 'plain', offset: Number(m[1]), generation: Number(m[2]) } : { kind: 'free' });
    next += 1;
  }
  const trailerAt = text.indexOf('trailer', end);
  if (trailerAt < 0 || text.slice(end, trailerAt).trim() !== '') fail(`the xref table at byte ${at} has no trailer after it`);
  const trailer = objectAt(bytes, trailerAt + 7);
  if (!(trailer instanceof PDFDict)) fail(`the trailer after the xref table at byte ${at} is not a dictionary`);
  return { entries, trailer: trailer as PDFDict };
}

/** A cross-reference stream (an `N G obj` with /Type /XRef) at `at`. */
function streamSection(bytes: Uint8Array, headers: ReturnType<typeof plainHeaders>, at: number): { entries: Map<number, XrefEntry>; trailer: PDFDict } {
  const header = headers.find((h) => h.at === at) ?? fail(`startxref or /Prev points at byte ${at}, where no xref table or object starts`);
  const object = objectAt(bytes, header.bodyAt);
  if (!isOfType(object, 'XRef')) return fail(`the object at byte ${at} that startxref or /Prev names is not a cross-reference stream`);
  const entries = new Map<number, XrefEntry>();
  for (const e of PDFXRefStreamParser.forStream(object).parseIntoContext()) {
    if (entries.has(e.ref.objectNumber)) continue;
    entries.set(e.ref.objectNumber, e.deleted ? { kind: 'free' } : e.inObjectStream ? { kind: 'in_stream', stream: e.offset } : { kind: 'plain', offset: e.offset, generation: e.ref.generationNumber });
  }
  return { entries, trailer: object.dict };
}

/** The cross-reference view a viewer builds: from the last `startxref`, newest section first, along /XRefStm and /Prev. */
function crossReferenceView(bytes: Uint8Array, text: string, headers: ReturnType<typeof plainHeaders>): { entries: Map<number, XrefEntry>; root: PDFObject | undefined } {
  const last = /startxref\s+([0-9]+)\s*%%EOF\s*$/.exec(text.slice(-1024)) ?? fail('the file does not end with startxref and %%EOF');
  const view = new Map<number, XrefEntry>();
  let root: PDFObject | undefined;
  const seen = new Set<number>();
  const queue = [Number(last[1])];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (seen.has(at) || seen.size > 4096) fail('its cross-reference chain loops');
    seen.add(at);
    const section = text.startsWith('xref', at) ? classicSection(bytes, text, at) : streamSection(bytes, headers, at);
    if (root === undefined) root = section.trailer.get(PDFName.of('Root'));
    if (section.trailer.get(PDFName.of('Encrypt')) !== undefined) fail('it is encrypted');
    // A hybrid file's /XRefStm comes before its /Prev (ISO 32000-1 §7.5.8.4).
    for (const key of ['XRefStm', 'Prev']) {
      const to = section.trailer.lookup(PDFName.of(key));
      if (to instanceof PDFNumber) { if (key === 'XRefStm') queue.unshift(to.asNumber()); else queue.push(to.asNumber()); }
    }
    for (const [num, entry] of section.entries) if (!view.has(num)) view.set(num, entry);
  }
  return { entries: view, root };
}

/** The root pdf-lib keeps: trailers and xref streams in file order, each /Root replacing the one before. */
function linearRoot(bytes: Uint8Array, text: string, headers: ReturnType<typeof plainHeaders>, objects: Map<number, PDFObject>): PDFObject | undefined {
  const trailers: { at: number; dict: PDFDict }[] = [];
  for (const m of text.matchAll(/trailer/g)) {
    let dict: PDFObject;
    try { dict = objectAt(bytes, m.index + 7); } catch { continue; }
    if (dict instanceof PDFDict) trailers.push({ at: m.index, dict });
  }
  for (const header of headers) {
    const object = objects.get(header.at);
    if (object !== undefined && isOfType(object, 'XRef')) trailers.push({ at: header.at, dict: object.dict });
  }
  let root: PDFObject | undefined;
  for (const { dict } of trailers.sort((a, b) => a.at - b.at)) root = dict.get(PDFName.of('Root')) ?? root;
  return root;
}

function check(bytes: Uint8Array): void {
  const text = latin1(bytes);
  const headers = plainHeaders(text);
  // pdf-lib's view: the last definition of each number it meets, in file order (an object stream's members where the stream is).
  const kept = new Map<number, Definition>();
  const objects = new Map<number, PDFObject>();
  for (const header of headers) {
    let object: PDFObject | undefined;
    try { object = objectAt(bytes, header.bodyAt); } catch { object = undefined; }
    kept.set(header.num, { at: header.at, generation: header.generation, inStream: false, ...(object === undefined ? {} : { object }) });
    if (object === undefined) continue;
    objects.set(header.at, object);
    if (isOfType(object, 'ObjStm')) {
      const members = membersOf(object);
      if (new Set(members.map((m) => m.num)).size !== members.length) fail(`the object stream at byte ${header.at} defines an object twice`);
      for (const m of members) kept.set(m.num, { at: header.at, generation: 0, inStream: true, object: m.object });
    }
  }
  kept.delete(0);
  const view = crossReferenceView(bytes, text, headers);
  if (String(view.root) !== String(linearRoot(bytes, text, headers, objects))) fail('the trailer startxref points to names another catalog than the last trailer in the file');
  // pdf-lib looks for another catalog when /Root is not one (maybeRecoverRoot); a viewer does not.
  const catalog = view.root instanceof PDFRef ? kept.get(view.root.objectNumber)?.object : undefined;
  if (!(catalog instanceof PDFDict && catalog.lookup(PDFName.of('Type')) === PDFName.of('Catalog'))) fail('its /Root is not a catalog dictionary');
  for (const [num, entry] of view.entries) {
    if (num === 0) continue;
    const def = kept.get(num);
    if (entry.kind === 'free') { if (def !== undefined) fail(`object ${num} is free in the newest cross-reference, yet defined in the file`); continue; }
    if (def === undefined) fail(`object ${num} is in the cross-reference but defined nowhere in the file`);
    if (entry.kind === 'plain') {
      if (def!.inStream || def!.at !== entry.offset || def!.generation !== entry.generation) fail(`the last definition of object ${num} in the file is not the one its cross-reference entry names (byte ${entry.offset})`);
    } else {
      const stream = view.entries.get(entry.stream);
      if (!def!.inStream || stream?.kind !== 'plain' || def!.at !== stream.offset) fail(`object ${num} is not defined last in the object stream ${entry.stream} its cross-reference entry names`);
    }
  }
  for (const num of kept.keys()) if (!view.entries.has(num)) fail(`object ${num} is defined in the file but named by no cross-reference entry`);
}

/**
 * Whether pdf-lib reads `pdf` as a viewer does. pdf-lib's parser reads the file from start to end
 * and keeps the last definition of each object it meets (and the last trailer's /Root), ignoring
 * the cross-reference; viewers (pdf.js, poppler, Acrobat) follow `startxref`, /Prev and /XRefStm.
 * A file can define an object twice so that the two read different pages; stamping would then
 * rewrite a page from pdf-lib's copy and a signed impression would show what nobody approved. So
 * this refuses a PDF unless, for every object number, the definition pdf-lib keeps is the one the
 * newest cross-reference entry names (a plain object at that very offset, or a member of the
 * object stream named there), no object is defined that no entry names or that the newest entry
 * frees, and both views take the same catalog, a dictionary of /Type /Catalog (else pdf-lib looks
 * for another one). It is conservative: it reads every `N G obj` in
 * the file, even inside a stream, and refuses encrypted PDFs and ones it cannot read.
 */
export function unambiguousPdf(pdf: Uint8Array): Result<void, Refusal<PdfStructureRefusalCode>> {
  try {
    check(pdf);
    return ok(undefined);
  } catch (error) {
    const why = error instanceof Ambiguous ? error.message : `its structure cannot be read (${error instanceof Error ? error.message : String(error)})`;
    return refuse('pdf_ambiguous', `this PDF could read differently in a viewer and in the stamping code: ${why}; please export it again (print or save it as a new PDF)`);
  }
}
