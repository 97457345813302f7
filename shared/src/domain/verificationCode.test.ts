import { describe, expect, it } from 'vitest';
import { formatVerificationCode, parseVerificationCode, VERIFICATION_CODE_ALPHABET, verificationCodeOf, verificationCodeSchema } from './verificationCode';

describe('verification codes', () => {
  it('are 11 characters of the unambiguous alphabet, the same for the same impression on every call', async () => {
    const code = await verificationCodeOf('imp-0123456789abcdef');
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{11}$/);
    expect(await verificationCodeOf('imp-0123456789abcdef')).toBe(code);
    expect(await verificationCodeOf('imp-0123456789abcdeg')).not.toBe(code);
    expect(code).not.toMatch(/[01ILO]/);
  });

  it('read back whatever the case, spaces and dashes, and refuse every single mistyped character and every neighbour swap', async () => {
    const code = await verificationCodeOf('some-impression-id-42');
    expect(parseVerificationCode(formatVerificationCode(code).toLowerCase())).toEqual({ ok: true, value: code });
    expect(parseVerificationCode(` ${code.slice(0, 5)} ${code.slice(5)} `)).toEqual({ ok: true, value: code });
    for (let i = 0; i < code.length; i += 1) {
      for (const ch of VERIFICATION_CODE_ALPHABET) {
        if (ch === code[i]) continue;
        const typo = code.slice(0, i) + ch + code.slice(i + 1);
        expect(parseVerificationCode(typo), typo).toMatchObject({ ok: false, error: { code: 'verification_code_mistyped' } });
      }
      if (i + 1 < code.length && code[i] !== code[i + 1]) {
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        expect(parseVerificationCode(swapped).ok, swapped).toBe(false);
      }
    }
  });

  it('refuses ambiguous characters, wrong lengths and stored forms with separators', async () => {
    const code = await verificationCodeOf('x'.repeat(20));
    expect(parseVerificationCode(`${code.slice(0, 10)}0`)).toMatchObject({ ok: false, error: { code: 'verification_code_malformed', message: expect.stringContaining('never use 0') as unknown } });
    expect(parseVerificationCode(code.slice(0, 10))).toMatchObject({ ok: false, error: { code: 'verification_code_malformed' } });
    expect(parseVerificationCode(`${code}2`)).toMatchObject({ ok: false, error: { code: 'verification_code_malformed' } });
    expect(parseVerificationCode('')).toMatchObject({ ok: false });
    expect(verificationCodeSchema.safeParse(code).success).toBe(true);
    expect(verificationCodeSchema.safeParse(formatVerificationCode(code)).success).toBe(false);
    expect(verificationCodeSchema.safeParse(code.toLowerCase()).success).toBe(false);
  });
});
