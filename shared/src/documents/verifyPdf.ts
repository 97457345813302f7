import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from '@cantoo/pdf-lib';
import type * as pkijs from 'pkijs';
import { impressionIdOfSealField } from '../domain/impression';
import { carriesPurpose, COUNTERSIGNATURE_PURPOSE, readCertificate, serialHexOf } from './certificates';
import { readSignedData, signingCertificateHash } from './cms';
import { hexOf, sha256 } from './der';
import { loadForUpdate } from './incrementalUpdate';

/** What one signature in a PDF proves, judged from the file alone and the roots the verifier trusts. */
export interface PdfSignatureCheck {
  /** The signature field's name (/T), or '' when no field names the signature. */
  readonly field: string;
  readonly subFilter: string;
  readonly byteRange: readonly number[];
  /** The length of the revision this signature covers: its bytes are `pdf.subarray(0, signedLength)` minus /Contents. */
  readonly signedLength: number;
  /** True when nothing was appended after this signature (the last one in the file). */
  readonly coversWholeDocument: boolean;
  /** The claimed signing time (/M), ISO 8601, when readable. */
  readonly signedAt: string | undefined;
  /** The covered bytes hash to the signed digest and the signature verifies with the signer certificate's key. */
  readonly intact: boolean;
  /** The signer's certificate, DER, when the CMS carries it. */
  readonly certificate: Uint8Array | undefined;
  /** The signer certificate is issued (signed) by one of the trusted roots and valid at the claimed time. */
  readonly chained: boolean;
  /**
   * The signer certificate carries the organisation's countersignature purpose
   * (`COUNTERSIGNATURE_PURPOSE`): only the organisation CA's countersigning certificates do, so
   * with `chained` this is the organisation's countersignature, whatever the field is called.
   */
  readonly countersigner: boolean;
  /** Plain-language reasons for every false above. */
  readonly problems: readonly string[];
}

const numberAt = (array: PDFArray, i: number): number => {
  const value = array.get(i);
  return value instanceof PDFNumber ? value.asNumber() : Number.NaN;
};

/** `D:YYYYMMDDHHmmSS` with Z or ±HH'mm' → ISO 8601 (UTC). */
export function parsePdfDate(text: string): string | undefined {
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(text);
  if (!m) return undefined;
  const offset = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - offset * 60_000;
  return Number.isNaN(utc) ? undefined : new Date(utc).toISOString();
}

function fieldNames(doc: Awaited<ReturnType<typeof loadForUpdate>>): Map<PDFRef, string> {
  const names = new Map<PDFRef, string>();
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const value = object.get(PDFName.of('V'));
    const title = object.get(PDFName.of('T'));
    if (value instanceof PDFRef && (title instanceof PDFHexString || title instanceof PDFString)) names.set(value, title.decodeText());
  }
  return names;
}

async function checkOne(pdf: Uint8Array, dict: PDFDict, field: string, trusted: readonly pkijs.Certificate[]): Promise<PdfSignatureCheck> {
  const problems: string[] = [];
  const rangeObject = dict.get(PDFName.of('ByteRange'));
  const contents = dict.get(PDFName.of('Contents'));
  const range = rangeObject instanceof PDFArray ? [0, 1, 2, 3].map((i) => numberAt(rangeObject, i)) : [];
  const subFilter = dict.get(PDFName.of('SubFilter'))?.toString().slice(1) ?? '';
  const claimed = dict.get(PDFName.of('M'));
  const signedAt = claimed instanceof PDFString || claimed instanceof PDFHexString ? parsePdfDate(claimed.decodeText()) : undefined;
  const [start, gapStart, gapEnd, tail] = range as [number, number, number, number];
  const sane = range.length === 4 && range.every(Number.isSafeInteger) && start === 0 && gapStart < gapEnd && gapEnd + tail <= pdf.length &&
    pdf[gapStart] === 0x3c && pdf[gapEnd - 1] === 0x3e;
  const base = { field, subFilter, byteRange: range, signedAt, signedLength: sane ? gapEnd + tail : 0, coversWholeDocument: sane && gapEnd + tail === pdf.length };
  if (!sane || !(contents instanceof PDFHexString)) {
    return { ...base, intact: false, certificate: undefined, chained: false, countersigner: false, problems: ['the signature does not say which bytes it covers (its byte range is malformed)'] };
  }
  const covered = new Uint8Array(gapStart + tail);
  covered.set(pdf.subarray(0, gapStart));
  covered.set(pdf.subarray(gapEnd, gapEnd + tail), gapStart);
  let intact = false;
  let certificate: pkijs.Certificate | undefined;
  let certificateDer: Uint8Array | undefined;
  try {
    const signedData = readSignedData(contents.asBytes());
    const result = await signedData.verify({ signer: 0, data: covered.slice().buffer, checkChain: false, extendedMode: true });
    intact = result.signatureVerified === true;
    certificate = result.signerCertificate ?? undefined;
    if (certificate) certificateDer = new Uint8Array(certificate.toSchema(true).toBER(false));
    const named = signingCertificateHash(signedData);
    if (named === undefined || certificateDer === undefined || hexOf(named) !== hexOf(await sha256(certificateDer))) {
      intact = false;
      problems.push('the signature does not name its signer certificate (signing-certificate-v2)');
    }
  } catch (error) {
    problems.push(`the signature does not match the document: ${(error as Error).message}`);
  }
  if (!intact && problems.length === 0) problems.push('the signature does not match the document: a covered byte was changed');
  let chained = false;
  if (certificate) {
    for (const root of trusted) {
      if (await certificate.verify(root).catch(() => false)) chained = true;
    }
    if (!chained) problems.push('the signer certificate is not issued by the organisation CA');
    const at = signedAt === undefined ? Number.NaN : Date.parse(signedAt);
    if (chained && !(at >= certificate.notBefore.value.getTime() && at <= certificate.notAfter.value.getTime())) {
      chained = false;
      problems.push('the claimed signing time is outside the signer certificate\'s validity');
    }
  }
  const countersigner = certificate !== undefined && carriesPurpose(certificate, COUNTERSIGNATURE_PURPOSE);
  return { ...base, intact, certificate: certificateDer, chained, countersigner, problems };
}

/** The most signatures `checkPdfSignatures` checks in one file. */
export const MAX_PDF_SIGNATURES = 32;

/**
 * Every signature of a PDF, in file order (a signature added later covers a longer revision),
 * checked against the trusted roots (DER). Revocation is not judged here: the caller holds the
 * list of revoked certificates and the grants (see ADR 008). Throws for a file holding more than
 * `MAX_PDF_SIGNATURES`.
 */

export async function checkPdfSignatures(pdf: Uint8Array, trustedRoots: readonly Uint8Array[]): Promise<PdfSignatureCheck[]> {
  const doc = await loadForUpdate(pdf);
  const names = fieldNames(doc);
  const trusted = trustedRoots.map(readCertificate);
  const checks: PdfSignatureCheck[] = [];
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('ByteRange')) === undefined || object.get(PDFName.of('Contents')) === undefined) continue;
    // Each signature hashes what it covers (the whole file, often): a file with thousands would
    // hash gigabytes. A stamped document holds a seal's and the organisation's.
    if (checks.length === MAX_PDF_SIGNATURES) throw new Error(`the file holds more than ${MAX_PDF_SIGNATURES} signatures: not checked`);
    checks.push(await checkOne(pdf, object, names.get(ref) ?? '', trusted));
  }
  return checks.sort((a, b) => a.signedLength - b.signedLength);
}

/** The field the organisation's countersignature is made in (a seal's is `seal:<sealId>:<impressionId>`). */
export const ORG_COUNTERSIGNATURE_FIELD = 'org-countersignature';

/** The serial (hex) of the certificate a signature carries, when it carries one. */
export const signerSerialOf = (check: Pick<PdfSignatureCheck, 'certificate'>): string | undefined =>
  check.certificate === undefined ? undefined : serialHexOf(readCertificate(check.certificate));

/** What `signaturesBearOut` reads of each signature (a `PdfSignatureCheck`, or the app's finding of one). */
export interface SignatureFacts {
  readonly field: string;
  readonly intact: boolean;
  readonly chained: boolean;
  readonly coversWholeDocument: boolean;
  readonly signedLength: number;
  readonly signerSerial: string | undefined;
  readonly countersigner: boolean;
}

/**
 * Whether a PDF's own signatures bear out an impression on record: a seal signature, intact and
 * chained to the organisation CA, made with the impression's certificate in the field that names
 * the impression, and covering the whole file — or followed only by the organisation's
 * countersignature (a certificate the CA issued for countersigning: a seal holder cannot make one,
 * whatever field they sign in), intact, chained and covering the whole file. Bytes that match a record's hash
 * but carry no such signature were recorded by a holder, never signed by the seal (the record's
 * hash alone vouches for nothing); an edit appended after the seal's signature (a page changed,
 * the field renamed) is not borne out either. `/api/verify/pdf` and the verification page both ask it.
 */
export function signaturesBearOut(signatures: readonly SignatureFacts[], impression: { readonly id: string; readonly certificateSerial: string }): boolean {
  return signatures.some((seal) => {
    if (!seal.intact || !seal.chained || impressionIdOfSealField(seal.field) !== impression.id || seal.signerSerial !== impression.certificateSerial) return false;
    if (seal.coversWholeDocument) return true;
    return signatures.some((org) => org.field === ORG_COUNTERSIGNATURE_FIELD && org.countersigner && org.intact && org.chained && org.coversWholeDocument && org.signedLength > seal.signedLength);
  });
}

