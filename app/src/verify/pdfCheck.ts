import { checkPdfSignatures, sha256, signerSerialOf, toHex, type PdfSignatureCheck } from '@seal/shared';


/** One signature of a dropped PDF, as the page shows it. */
export interface SignatureFinding {
  readonly field: string;
  readonly signedAt: string | undefined;
  /** Not a byte changed in what it covers, and the signer's key made it. */
  readonly intact: boolean;
  /** Its certificate was issued by the organisation CA, and was valid at the claimed time. */
  readonly chained: boolean;
  /** The organisation's countersignature, rather than a seal holder's signature: its certificate carries the CA's countersignature purpose. */
  readonly countersigner: boolean;
  readonly problems: readonly string[];
  /** Nothing was appended after it (the last signature in the file). */
  readonly coversWholeDocument: boolean;
  /** The length of the revision it covers. */
  readonly signedLength: number;
  /** The serial (hex) of the certificate it carries. */
  readonly signerSerial: string | undefined;
}

/** What the dropped file itself says, before any record is looked up. */
export interface PdfFinding {
  readonly fileName: string;
  readonly size: number;
  readonly sha256: string;
  /** `undefined` when the file is not a PDF pdf-lib can read. */
  readonly signatures: readonly SignatureFinding[] | undefined;
  /** A seal signed it, and the organisation countersigned after it (ADR 008). */
  readonly countersigned: boolean;
}

/** The largest file hashed: stamped documents are contracts and letters. */
export const MAX_PDF_BYTES = 64 * 1024 * 1024;

const findingOf = (check: PdfSignatureCheck): SignatureFinding => ({
  field: check.field, signedAt: check.signedAt, intact: check.intact, chained: check.chained, countersigner: check.countersigner, problems: check.problems,
  coversWholeDocument: check.coversWholeDocument, signedLength: check.signedLength, signerSerial: signerSerialOf(check),
});

/**
 * Hashes a dropped file (SHA-256, in this browser: the file never leaves it) and checks its
 * signatures against `roots` (the organisation CA certificates, DER) with the same
 * `checkPdfSignatures` the server runs before countersigning.
 */
export async function checkPdfFile(file: { name: string; size: number; arrayBuffer(): Promise<ArrayBuffer> }, roots: readonly Uint8Array[]): Promise<PdfFinding> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const hash = toHex(await sha256(bytes));
  let signatures: SignatureFinding[] | undefined;
  try {
    signatures = (await checkPdfSignatures(bytes, roots)).map(findingOf);
  } catch {
    signatures = undefined;
  }
  const seal = signatures?.findIndex((s) => !s.countersigner) ?? -1;
  const countersigned = seal >= 0 && (signatures ?? []).slice(seal + 1).some((s) => s.countersigner && s.intact && s.chained);
  return { fileName: file.name, size: bytes.length, sha256: hash, signatures, countersigned };
}
