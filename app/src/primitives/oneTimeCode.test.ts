import { describe, expect, it } from 'vitest';
import { caretAfterFormatting, formatOneTimeCode, isCompleteOneTimeCode, oneTimeCodeChars } from './oneTimeCode';

describe('one-time codes', () => {
  it('formats a pasted code in groups of four, upper case, whatever the spacing', () => {
    expect(formatOneTimeCode(' 7kq2 m9xd-ab3c\tzz90 hjkm ')).toBe('7KQ2-M9XD-AB3C-ZZ90-HJKM');
  });

  it('reads the letters people confuse with digits as the server does, and drops the rest', () => {
    expect(oneTimeCodeChars('oil-u!')).toBe('011');
  });

  it('stops at 20 characters', () => {
    expect(formatOneTimeCode('A'.repeat(30))).toBe('AAAA-AAAA-AAAA-AAAA-AAAA');
    expect(isCompleteOneTimeCode('AAAA-AAAA-AAAA-AAAA-AAA')).toBe(false);
    expect(isCompleteOneTimeCode('aaaaaaaaaaaaaaaaaaaa')).toBe(true);
  });

  it('does not add a trailing dash while typing', () => {
    expect(formatOneTimeCode('ABCD')).toBe('ABCD');
    expect(formatOneTimeCode('ABCDE')).toBe('ABCD-E');
  });

  it('keeps the caret after the same character', () => {
    // Typed "x" after "AB" in "ABCD-EF": raw "ABxCD-EF", caret 3 → formatted "ABXC-DEF", caret 3.
    expect(caretAfterFormatting('ABxCD-EF', 3, 'ABXC-DEF')).toBe(3);
    // Typing the 5th character at the end lands after the new dash.
    expect(caretAfterFormatting('ABCDE', 5, 'ABCD-E')).toBe(6);
    expect(caretAfterFormatting('ABCD', 0, 'ABCD')).toBe(0);
  });
});
