import { z } from 'zod';
import { sha256 } from '../encoding/canonical';
import { ok, refuse, type Refusal, type Result } from '../result';

/**
 * The alphabet of verification codes: digits and capitals without 0 O 1 I L (which are read or
 * typed for one another) — 31 characters, a prime, so the check character catches every single
 * wrong character and every swap of two neighbours.
 */
export const VERIFICATION_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = VERIFICATION_CODE_ALPHABET.length;
/** Characters carrying the impression (31^10 ≈ 8·10^14 codes), then one check character. */
const DATA_LENGTH = 10;
export const VERIFICATION_CODE_LENGTH = DATA_LENGTH + 1;

/** The check character over the data characters (weighted sum mod 31, weights 1..n: all distinct, non-zero mod 31). */
function checkCharacter(data: string): string {
  let sum = 0;
  for (let i = 0; i < data.length; i += 1) sum += (i + 1) * VERIFICATION_CODE_ALPHABET.indexOf(data[i]!);
  return VERIFICATION_CODE_ALPHABET[sum % BASE]!;
}

const DOMAIN = 'seal-control-impression-code:';

/**
 * The short verification code (验证码) of an impression, printed beside its QR: 11 characters,
 * ten derived from SHA-256 of the impression's id, then a check character. Deterministic: every
 * replica computes the same code for the same impression, so none is stored on trust (the
 * impression fact carries it and every judge recomputes it).
 */
export async function verificationCodeOf(impressionId: string): Promise<string> {
  const digest = await sha256(new TextEncoder().encode(DOMAIN + impressionId));
  let n = 0n;
  for (const byte of digest.subarray(0, 8)) n = (n << 8n) | BigInt(byte);
  let data = '';
  for (let i = 0; i < DATA_LENGTH; i += 1) {
    data += VERIFICATION_CODE_ALPHABET[Number(n % BigInt(BASE))];
    n /= BigInt(BASE);
  }
  return data + checkCharacter(data);
}

/** A code as people read it: groups of 4-4-3 joined by `-` (e.g. `7KQM-2XHP-R9D`). */
export const formatVerificationCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;

/** Why a typed text is not a verification code. */
export type VerificationCodeRefusalCode = 'verification_code_malformed' | 'verification_code_mistyped';

/**
 * Reads a code as a person typed it: case, spaces and `-` do not matter; a character outside the
 * alphabet, a wrong length, or a check character that does not match (a mistyped character, two
 * swapped ones) is refused — so a typo never finds another impression's record. Ok with the code
 * in its stored form (11 capitals and digits, no separators).
 */
export function parseVerificationCode(text: string): Result<string, Refusal<VerificationCodeRefusalCode>> {
  const code = text.replace(/[\s-]/g, '').toUpperCase();
  const bad = [...code].find((ch) => !VERIFICATION_CODE_ALPHABET.includes(ch));
  if (bad !== undefined) {
    const hint = /[01IOL]/.test(bad) ? ' (codes never use 0, O, 1, I or L)' : '';
    return refuse('verification_code_malformed', `expected a verification code of ${VERIFICATION_CODE_LENGTH} characters from ${VERIFICATION_CODE_ALPHABET}, got ${JSON.stringify(bad)}${hint}`);
  }
  if (code.length !== VERIFICATION_CODE_LENGTH) return refuse('verification_code_malformed', `expected a verification code of ${VERIFICATION_CODE_LENGTH} characters, got ${code.length}`);
  if (checkCharacter(code.slice(0, DATA_LENGTH)) !== code[DATA_LENGTH]) {
    return refuse('verification_code_mistyped', `the code ${formatVerificationCode(code)} does not check: a character is mistyped or two are swapped`);
  }
  return ok(code);
}

/** A verification code in stored form (see {@link parseVerificationCode}). */
export const verificationCodeSchema = z.string().superRefine((text, ctx) => {
  if (text !== text.replace(/[\s-]/g, '').toUpperCase()) {
    ctx.addIssue({ code: 'custom', message: 'expected a verification code in stored form: capitals and digits, no separators' });
    return;
  }
  const parsed = parseVerificationCode(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.message });
});
