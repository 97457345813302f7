import { parseProcessSheetCode, PROCESS_SHEET_PREFIX, type RequestId } from '@seal/shared';

/** What a typed code, a QR's text or a `?code=` parameter asks to verify. */
export type VerifyInput =
  /** An electronic seal's impression, by its short verification code (as printed beside the QR). */
  | { readonly kind: 'impression'; readonly code: string }
  /** A physical stamp, by the code of its request's process sheet (`SEALCTL:REQ:<id>`). */
  | { readonly kind: 'sheet'; readonly requestId: RequestId; readonly code: string }
  /** Nothing a verification code can be: `reason` says which way it is wrong. */
  | { readonly kind: 'invalid'; readonly reason: 'empty' | 'not_a_code' };

/** A verification code as typed: letters, digits and dashes, 4 to 40 of them (case and spaces do not matter). */
const IMPRESSION_CODE = /^[A-Z0-9][A-Z0-9-]{2,38}[A-Z0-9]$/;

/**
 * Reads what someone typed or what a QR said: a verification link (`…/verify?code=…`, the QR of
 * a stamped page), a process sheet's code, or a bare verification code. Spaces are dropped and
 * letters upper-cased, so a code read off paper aloud still matches.
 */
export function readVerifyInput(raw: string): VerifyInput {
  const text = raw.trim();
  if (text === '') return { kind: 'invalid', reason: 'empty' };
  if (/^https?:\/\//i.test(text)) {
    let code: string | null = null;
    try {
      code = new URL(text).searchParams.get('code');
    } catch {
      code = null;
    }
    return code === null ? { kind: 'invalid', reason: 'not_a_code' } : readVerifyInput(code);
  }
  if (text.toUpperCase().startsWith(PROCESS_SHEET_PREFIX)) {
    const sheet = parseProcessSheetCode(`${PROCESS_SHEET_PREFIX}${text.slice(PROCESS_SHEET_PREFIX.length)}`);
    return sheet.ok ? { kind: 'sheet', requestId: sheet.value, code: `${PROCESS_SHEET_PREFIX}${sheet.value}` } : { kind: 'invalid', reason: 'not_a_code' };
  }
  const code = text.replace(/\s+/g, '').toUpperCase();
  return IMPRESSION_CODE.test(code) ? { kind: 'impression', code } : { kind: 'invalid', reason: 'not_a_code' };
}
