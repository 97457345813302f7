import { describe, expect, it } from 'vitest';
import { hashOneTimeCode, newId, newOneTimeCode, normaliseOneTimeCode, ONE_TIME_CODE_CHARS, sameHash } from './secrets';

describe('one-time codes', () => {
  it('carry 100 bits in five groups of four Crockford characters', () => {
    const code = newOneTimeCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(ONE_TIME_CODE_CHARS * 5).toBeGreaterThanOrEqual(80);
    expect(new Set(Array.from({ length: 200 }, newOneTimeCode)).size).toBe(200);
  });

  it('read the same however they are typed', () => {
    const code = newOneTimeCode();
    const sloppy = code.toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o');
    expect(normaliseOneTimeCode(sloppy)).toBe(code.replace(/-/g, ''));
    expect(hashOneTimeCode(sloppy)).toBe(hashOneTimeCode(code));
    expect(normaliseOneTimeCode('too-short')).toBeUndefined();
    expect(normaliseOneTimeCode('UUUU-UUUU-UUUU-UUUU-UUUU')).toBeUndefined();
  });

  it('compare hashes in constant time, and never equal an empty hash', () => {
    const a = hashOneTimeCode(newOneTimeCode())!;
    expect(sameHash(a, a)).toBe(true);
    expect(sameHash(a, hashOneTimeCode(newOneTimeCode())!)).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });

  it('makes ids the domain accepts (A-Z a-z 0-9 . _ -)', () => {
    expect(newId('usr')).toMatch(/^usr_[0-9a-z]{16}$/);
  });
});
