/**
 * base64url on Node takes `Buffer`'s native path for long texts: it must accept and refuse
 * exactly what the strict library (`@scure/base`, what browsers run) does, and give the same
 * bytes — an attachment chunk the server took in a spelling the app cannot read would be served
 * to every reader of those bytes.
 */
import { base64urlnopad } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64UrlInto, fromBase64Url, toBase64Url } from './base64url';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** What the library makes of a text: its bytes, or that it throws. */
const strict = (text: string): Uint8Array | 'throws' => {
  try {
    return base64urlnopad.decode(text);
  } catch {
    return 'throws';
  }
};
const ours = (text: string): Uint8Array | 'throws' => {
  try {
    return fromBase64Url(text);
  } catch {
    return 'throws';
  }
};

describe('base64url (native on Node, strict everywhere)', () => {
  it('round-trips long byte strings, spelled as the library spells them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 150, maxLength: 4000 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toBe(base64urlnopad.encode(bytes));
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts and refuses exactly what the library does, on texts one edit away from valid', () => {
    const edits = fc.record({
      bytes: fc.uint8Array({ minLength: 200, maxLength: 2000 }),
      at: fc.nat(),
      edit: fc.constantFrom('replace', 'insert', 'drop', 'append', 'pad', 'tail'),
      char: fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '\n', '.', 'é', '\u0000'),
    });
    fc.assert(
      fc.property(edits, ({ bytes, at, edit, char }) => {
        const valid = toBase64Url(bytes);
        const i = at % valid.length;
        const text =
          edit === 'replace' ? valid.slice(0, i) + char + valid.slice(i + 1)
            : edit === 'insert' ? valid.slice(0, i) + char + valid.slice(i)
              : edit === 'drop' ? valid.slice(0, i) + valid.slice(i + 1)
                : edit === 'append' ? valid + char
                  : edit === 'pad' ? `${valid}==`
                    // The last character swapped for any other: bits past the last byte, or not.
                    : valid.slice(0, -1) + char;
        expect(ours(text)).toEqual(strict(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a long text whose last character carries bits past the last byte', () => {
    const text = toBase64Url(new Uint8Array(301).fill(7));
    expect(text.length % 4).toBe(2);
    const spoiled = `${text.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(text.at(-1)!) + 1]}`;
    expect(() => fromBase64Url(spoiled)).toThrow();
    // Natively, Buffer would have read it as the very same bytes.
    expect(new Uint8Array(Buffer.from(spoiled, 'base64url'))).toEqual(new Uint8Array(301).fill(7));
  });

  it('gives bytes of their own, not a view on memory other buffers share', () => {
    const bytes = fromBase64Url(toBase64Url(new Uint8Array(600).fill(1)));
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(600);
  });

  it('decodes into a place in a larger array: its bytes there, nothing around them touched, refusals as fromBase64Url\'s', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.nat(64), fc.nat(64), fc.constantFrom('', '=', ' ', '+', 'A', 'AA'), (bytes, before, after, spoil) => {
        const text = toBase64Url(bytes) + spoil;
        const target = new Uint8Array(before + bytes.length + 2 + after).fill(0xee);
        const expected = strict(text);
        let written: number | 'throws';
        try {
          written = decodeBase64UrlInto(text, target.subarray(before));
        } catch {
          written = 'throws';
        }
        if (expected === 'throws') {
          expect(written).toBe('throws');
          expect(target.every((b) => b === 0xee)).toBe(true);
          return;
        }
        expect(written).toBe(expected.length);
        expect(target.subarray(before, before + expected.length)).toEqual(expected);
        expect(target.subarray(0, before).every((b) => b === 0xee)).toBe(true);
        expect(target.subarray(before + expected.length).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses bytes that do not fit where they are to go, writing none of them', () => {
    for (const length of [10, 300, 5000]) {
      const target = new Uint8Array(length - 1).fill(0xee);
      expect(() => decodeBase64UrlInto(toBase64Url(new Uint8Array(length).fill(1)), target)).toThrow(RangeError);
      expect(target.every((b) => b === 0xee)).toBe(true);
    }
  });
});
