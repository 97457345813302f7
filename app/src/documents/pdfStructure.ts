/**
 * Whether a PDF reads the same by its cross-reference table and front to back (`unambiguousPdf`),
 * for the screens that take a request's document. Loaded on demand (`import()`): the rule parses
 * with pdf-lib, which the first page must not carry.
 */
import { unambiguousPdf } from '@seal/shared';

/** Whether the file's last kilobyte names a cross-reference (`startxref`): a PDF with one to disagree with. */
function declaresXref(bytes: Uint8Array): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024));
  return new TextDecoder('latin1').decode(tail).includes('startxref');
}

/**
 * A PDF whose cross-reference (what viewers follow) and front-to-back parse (what the stamping
 * code keeps) could read differently. A file with no cross-reference at all (a scan's bare
 * `%PDF-` bytes, a broken export) is not judged here: there is no second reading to disagree
 * with, the approvers see whatever it shows (or that it cannot be drawn), and electronic stamping
 * refuses it on its own.
 */
export const isAmbiguousPdf = (bytes: Uint8Array): boolean => declaresXref(bytes) && !unambiguousPdf(bytes).ok;
