import { parseProcessSheetCode, parseVerificationCode, PROCESS_SHEET_PREFIX, type RequestId } from '@seal/shared';

/** What a typed code, a QR's text or a `?code=` parameter asks to verify. */
export type VerifyInput =
  /** An electronic seal's impression, by its short verification code (as printed beside the QR), in stored form. */
  | { readonly kind: 'impression'; readonly code: string }
  /** A physical stamp, by the code of its request's process sheet (`SEALCTL:REQ:<id>`). */
  | { readonly kind: 'sheet'; readonly requestId: RequestId; readonly code: string }
  /** Nothing a verification code can be: `reason` says which way it is wrong. */
  | { readonly kind: 'invalid'; readonly reason: 'empty' | 'not_a_code' | 'mistyped' };

/**
 * Reads what someone typed or what a QR said: a verification link (`…/verify?code=…`, the QR of
 * a stamped page), a process sheet's code, or a bare verification code (`parseVerificationCode`:
 * case, spaces and dashes do not matter; a code whose check character does not match is
 * `mistyped`, so a typo never finds another document).
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
  const code = parseVerificationCode(text);
  if (code.ok) return { kind: 'impression', code: code.value };
  return { kind: 'invalid', reason: code.error.code === 'verification_code_mistyped' ? 'mistyped' : 'not_a_code' };
}
