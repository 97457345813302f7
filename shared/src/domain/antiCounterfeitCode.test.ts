import { describe, expect, it } from 'vitest';
import { antiCounterfeitCodeSchema, parseAntiCounterfeitCode } from './antiCounterfeitCode';

describe('parseAntiCounterfeitCode', () => {
  it('splits a valid code into area, engraver and serial', () => {
    expect(parseAntiCounterfeitCode('6101030012345')).toEqual({
      ok: true,
      value: { code: '6101030012345', areaCode: '6101', engraverNumber: '030', serial: '012345' },
    });
    expect(parseAntiCounterfeitCode('0000000000000').ok).toBe(true);
  });

  it.each([
    ['', 'wrong_length', /got 0 characters/],
    ['610103001234', 'wrong_length', /got 12 characters/],
    ['61010300123456', 'wrong_length', /got 14 characters/],
    ['610103001234A', 'not_digits', /got "A" at position 13/],
    ['6101 03001234', 'not_digits', /got " " at position 5/],
    ['6101-03-001234', 'wrong_length', /got 14 characters/],
    [' 610103001234', 'not_digits', /position 1/],
    ['６１０１０３００１２３４５', 'not_digits', /position 1/],
    ['-610103001234', 'not_digits', /position 1/],
    ['61010300123.4', 'not_digits', /position 12/],
  ])('refuses %j (%s)', (text, code, message) => {
    const result = parseAntiCounterfeitCode(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(message);
      expect(result.error.message).toMatch(/expected/);
    }
  });

  it('refuses a number (leading zeros would be lost) and other non-strings', () => {
    expect(parseAntiCounterfeitCode(6101030012345)).toMatchObject({ ok: false, error: { code: 'not_a_string' } });
    expect(parseAntiCounterfeitCode(null)).toMatchObject({ ok: false, error: { code: 'not_a_string', message: /got null/ } });
    expect(parseAntiCounterfeitCode(undefined)).toMatchObject({ ok: false, error: { code: 'not_a_string' } });
  });

  it('is what the schema checks', () => {
    expect(antiCounterfeitCodeSchema.safeParse('6101030012345').success).toBe(true);
    const bad = antiCounterfeitCodeSchema.safeParse('6101');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/expected exactly 13 digits/);
  });
});
