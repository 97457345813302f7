/**
 * Whether a PDF reads the same by its cross-reference table and front to back (`unambiguousPdf`),
 * for the screens that take a request's document. Loaded on demand (`import()`): the rule parses
 * with pdf-lib, which the first page must not carry.
 */
import { unambiguousPdf } from '@seal/shared';

/** Whether the file names a cross-reference anywhere (`startxref`): a PDF with one to disagree with (viewers look for it well before the end). */
function declaresXref(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes).includes('startxref');
}

/** The file without the NUL and white-space padding some scanners and mail gateways add after `%%EOF`. */
function withoutPadding(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(bytes[end - 1]!)) end -= 1;
  return bytes.subarray(0, end);
}

/**
 * A PDF whose cross-reference (what viewers follow) and front-to-back parse (what the stamping
 * code keeps) could read differently. A file with no cross-reference at all (a scan's bare
 * `%PDF-` bytes, a broken export) is not judged here: there is no second reading to disagree
 * with, the approvers see whatever it shows (or that it cannot be drawn), and electronic stamping
 * refuses it on its own. Padding after the last `%%EOF` is not held against it.
 */
export const isAmbiguousPdf = (bytes: Uint8Array): boolean => declaresXref(bytes) && !unambiguousPdf(withoutPadding(bytes)).ok;
