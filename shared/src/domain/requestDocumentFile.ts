/**
 * The file a use request carries to its approvers (the document they approve, whose SHA-256 is the
 * request's `document.sha256`): the types and the size the new-request form states and checks, and
 * the server enforces on the attachment fact and its bytes. One constant for both sides.
 */

/** The file types a request's document may be: PDF, JPEG, PNG. */
export const REQUEST_DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type RequestDocumentType = (typeof REQUEST_DOCUMENT_TYPES)[number];

/** The largest document a request may carry: 20 MB (20 × 1024 × 1024 bytes). */
export const MAX_REQUEST_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** The same limit in whole megabytes, for the words that state it. */
export const MAX_REQUEST_DOCUMENT_MB = MAX_REQUEST_DOCUMENT_BYTES / (1024 * 1024);

export const isRequestDocumentType = (mime: string): mime is RequestDocumentType => (REQUEST_DOCUMENT_TYPES as readonly string[]).includes(mime);

const startsWith = (bytes: Uint8Array, head: readonly number[]): boolean => bytes.length >= head.length && head.every((b, i) => bytes[i] === b);

/**
 * The type the file's first bytes show (its signature), whatever its name or the browser's guess:
 * `%PDF-`, JPEG's FF D8 FF, PNG's 89 50 4E 47 0D 0A 1A 0A; `undefined` for anything else.
 */
export function sniffRequestDocumentType(head: Uint8Array): RequestDocumentType | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  return undefined;
}

/** Why a file cannot be a request's document: `type` (not a PDF, JPEG or PNG), `size` (empty or over the limit). */
export type RequestDocumentProblem = 'type' | 'size';

/** Whether a file of this declared type, size and first bytes may travel with a request. */
export function requestDocumentProblem(file: { readonly mime: string; readonly size: number; readonly head: Uint8Array }): RequestDocumentProblem | undefined {
  if (!isRequestDocumentType(file.mime) || sniffRequestDocumentType(file.head) !== file.mime) return 'type';
  if (file.size <= 0 || file.size > MAX_REQUEST_DOCUMENT_BYTES) return 'size';
  return undefined;
}
