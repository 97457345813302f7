import { PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef } from '@cantoo/pdf-lib';
import { buildDetachedSignedData, type Signer } from './cms';
import { sha256 } from './der';
import { appendUpdate, loadForUpdate, pushToArray, textString, type UpdateObject } from './incrementalUpdate';

/** Bytes reserved for the CMS in /Contents: an ECDSA signature with a two-certificate chain takes ~1.5 KB. */
export const SIGNATURE_RESERVED_BYTES = 8192;

/** The signature field a signature goes into. */
export interface SignatureField {
  /** The field's name (/T), unique in the document: e.g. "seal:S1:imp_…" or "org-countersignature". */
  readonly name: string;
  /** The claimed signing time, written as /M (PAdES: not as a CMS signing-time attribute). */
  readonly signedAt: Date;
  readonly reason?: string;
  readonly location?: string;
  /** The page (0-based) the field's widget sits on; 0 by default. */
  readonly page?: number;
  /** The widget's rectangle [x1 y1 x2 y2] in PDF points, e.g. over the drawn seal; invisible ([0 0 0 0]) by default. */
  readonly rect?: readonly [number, number, number, number];
}

const BYTE_RANGE_PLACEHOLDER = '[0 ********** ********** **********]';

/** PDF date string in UTC (ISO 32000-1 §7.9.4). */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

function signatureDictionary(field: SignatureField): string {
  const extras = [
    field.reason === undefined ? '' : `/Reason ${textString(field.reason)}`,
    field.location === undefined ? '' : `/Location ${textString(field.location)}`,
  ].filter(Boolean).join(' ');
  return `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (${pdfDate(field.signedAt)}) ${extras}\n` +
    `/ByteRange ${BYTE_RANGE_PLACEHOLDER}\n/Contents <${'0'.repeat(SIGNATURE_RESERVED_BYTES * 2)}> >>`;
}

const indexOf = (haystack: Uint8Array, needle: string, from: number): number => {
  const bytes = new TextEncoder().encode(needle);
  outer: for (let i = from; i <= haystack.length - bytes.length; i++) {
    for (let j = 0; j < bytes.length; j++) if (haystack[i + j] !== bytes[j]) continue outer;
    return i;
  }
  return -1;
};

/** A document with its signature's update appended and its place made: what {@link signPdf} fills in. */
export interface PreparedSignature {
  /** The document, the update with its /ByteRange written and /Contents all zeros. */
  readonly bytes: Uint8Array;
  /** Where the /Contents hex string lies: its `<` at `start`, its `>` at `end - 1`; the signature covers every other byte. */
  readonly contents: { readonly start: number; readonly end: number };
}

/**
 * The update {@link signPdf} appends for `field`, its signature not yet made: deterministic (the
 * same document and field, the same bytes), so a signed PDF can be compared with it byte for
 * byte outside the signature's value (`judgeStampedPdf`).
 */
export async function prepareSignature(pdf: Uint8Array, field: SignatureField): Promise<PreparedSignature> {
  const doc = await loadForUpdate(pdf);
  const { context } = doc;
  const page = doc.getPage(field.page ?? 0);
  const catalogRef = context.trailerInfo.Root;
  if (!(catalogRef instanceof PDFRef)) throw new Error('the PDF has no catalog reference in its trailer');
  const catalog = doc.catalog;
  const sigRef = context.nextRef();
  const widgetRef = context.nextRef();
  const widget = context.obj({
    Type: 'Annot', Subtype: 'Widget', FT: 'Sig', F: 132, P: page.ref, V: sigRef,
    Rect: [...(field.rect ?? [0, 0, 0, 0])], T: PDFHexString.fromText(field.name),
  });
  const changed = new Map<PDFRef, PDFDict | undefined>();
  changed.set(pushToArray(doc, page.node, page.ref, 'Annots', widgetRef), undefined);

  const heldForm = catalog.get(PDFName.of('AcroForm'));
  let formRef: PDFRef = catalogRef;
  let form: PDFDict;
  if (heldForm instanceof PDFRef) { formRef = heldForm; form = context.lookup(heldForm, PDFDict); }
  else if (heldForm instanceof PDFDict) form = heldForm;
  else { form = context.obj({}); formRef = context.register(form); catalog.set(PDFName.of('AcroForm'), formRef); changed.set(catalogRef, undefined); }
  form.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  changed.set(formRef, undefined);
  changed.set(pushToArray(doc, form, formRef, 'Fields', widgetRef), undefined);

  const objects: UpdateObject[] = [...changed.keys()].map((ref) => ({ ref, text: context.lookup(ref)!.toString() }));
  objects.push({ ref: widgetRef, text: widget.toString() }, { ref: sigRef, text: signatureDictionary(field) });
  const out = appendUpdate(pdf, doc, objects);

  const sigAt = indexOf(out, `${sigRef.objectNumber} ${sigRef.generationNumber} obj`, pdf.length);
  const rangeAt = indexOf(out, BYTE_RANGE_PLACEHOLDER, sigAt);
  const contentsStart = indexOf(out, '/Contents <', rangeAt) + '/Contents '.length;
  const contentsEnd = contentsStart + SIGNATURE_RESERVED_BYTES * 2 + 2;
  const range = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const rangeText = `[${range.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  out.set(new TextEncoder().encode(rangeText), rangeAt);
  return { bytes: out, contents: { start: contentsStart, end: contentsEnd } };
}

/**
 * Signs a PDF (PAdES baseline B-B: CMS detached, /SubFilter /ETSI.CAdES.detached) as an
 * incremental update: the document's bytes are kept as they are and a signature field, its widget
 * on the page, and a signature dictionary are appended. Signing an already signed document adds a
 * second signature and leaves the first valid. Runs wherever WebCrypto does (browser or Node):
 * the private key may be non-extractable.
 */
export async function signPdf(pdf: Uint8Array, signer: Signer, field: SignatureField): Promise<Uint8Array> {
  const { bytes: out, contents: { start: contentsStart, end: contentsEnd } } = await prepareSignature(pdf, field);
  const range = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const signed = new Uint8Array(range[1]! + range[3]!);
  signed.set(out.subarray(0, contentsStart));
  signed.set(out.subarray(contentsEnd), contentsStart);
  const cms = await buildDetachedSignedData(await sha256(signed), signer);
  if (cms.length > SIGNATURE_RESERVED_BYTES) throw new Error(`the signature (${cms.length} bytes) does not fit the ${SIGNATURE_RESERVED_BYTES} bytes reserved`);
  const hex = Array.from(cms, (b) => b.toString(16).padStart(2, '0')).join('');
  out.set(new TextEncoder().encode(hex), contentsStart + 1);
  return out;
}
