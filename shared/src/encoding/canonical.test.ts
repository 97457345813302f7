import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalJson, canonicalJsonPieces, hashRecordHex, CanonicalEncodingError, LONG_TEXT, plainLongText } from './canonical';
import { fromBase64Url, toBase64Url } from './base64url';

describe('canonical encoding (RFC 8785)', () => {
  it('is stable across key order, at every depth', async () => {
    const a = { seal: 'S1', uses: 3, window: { from: 1, to: 2 }, approvers: ['u1', 'u2'] };
    const b = { window: { to: 2, from: 1 }, approvers: ['u1', 'u2'], uses: 3, seal: 'S1' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(await hashRecordHex(a)).toBe(await hashRecordHex(b));
  });

  it('matches the RFC 8785 form for numbers, strings and nesting', () => {
    expect(canonicalJson({ b: [1e21, 0.000001, -0, 1.5], a: 'é\u2028"', c: { z: null, y: true } })).toBe(
      '{"a":"é\u2028\\"","b":[1e+21,0.000001,0,1.5],"c":{"y":true,"z":null}}',
    );
  });

  it('hashes to the SHA-256 of the canonical bytes', async () => {
    // sha256('{"a":1}') computed independently.
    expect(await hashRecordHex({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });

  it('changes when any value changes', async () => {
    expect(await hashRecordHex({ uses: 3 })).not.toBe(await hashRecordHex({ uses: 4 }));
  });

  it('refuses values that have no single JSON form', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson({ a: new Uint8Array(2) })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson(() => 1)).toThrow(CanonicalEncodingError);
  });

  it('gives byte for byte what the canonicalize library (RFC 8785) gives, for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), (a, b) => {
        for (const value of [a, b, { a, b, [JSON.stringify(b)]: a }]) expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 500 },
    );
    // Keys that sort differently by code unit than by code point, astral text, escapes, numbers at their edges.
    const edges = { '\u{1F600}': 1, '\uFB33': 2, é: [1e21, 1e-7, -0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2], '\u0000\u001f"\\': '\u2028\u2029\u{10FFFF}' };
    expect(canonicalJson(edges)).toBe(canonicalize(edges));
  });

  it('writes every short string and key as the library does, escapes and surrogate pairs included, and refuses a lone surrogate in either (property)', () => {
    // Code units chosen to hit every branch: plain text, what JSON escapes, DEL and U+2028 (not
    // escaped), both halves of a surrogate pair, alone or together.
    const unit = fc.constantFrom('a', 'é', '"', '\\', '\u0000', '\n', '\u001f', '\u007f', '\u2028', '\ud83d', '\ude00', '\ud83d\ude00', '/');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }).map((units) => units.join('')), (text) => {
        const value = { [text]: text, list: [text], n: 1 };
        if (!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) {
          expect(canonicalJson(value)).toBe(canonicalize(value));
          // In pieces too, with the piece length at, below and above the text's.
          for (const piece of [1, text.length, text.length + 1]) expect(canonicalJsonPieces(value, Math.max(piece, 1)).join('')).toBe(canonicalize(value));
        } else {
          expect(() => canonicalJson({ k: text })).toThrow(CanonicalEncodingError);
          expect(() => canonicalJson({ [text]: 1 })).toThrow(CanonicalEncodingError);
          expect(() => canonicalJsonPieces({ k: text }, 1)).toThrow(CanonicalEncodingError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('in pieces, joins to the canonical text for any JSON value, large strings that need no escaping each a piece as given (property)', () => {
    const long = fc.oneof(fc.string({ minLength: 40, maxLength: 80 }), fc.string({ minLength: 40, maxLength: 80, unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_-]{40,80}$/));
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), long, fc.array(tie('any'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('any'), { maxKeys: 4 })),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        const pieces = canonicalJsonPieces(v, 40);
        expect(pieces.join('')).toBe(canonicalJson(v));
        expect(pieces.join('')).toBe(canonicalize(v));
        // Every piece but the text around them is a string value, unescaped, as long as asked.
        for (let i = 1; i < pieces.length - 1; i += 2) {
          expect(pieces[i]!.length).toBeGreaterThanOrEqual(40);
          expect(JSON.stringify(pieces[i])).toBe(`"${pieces[i]!}"`);
        }
      }),
      { numRuns: 500 },
    );
    const chunk = toBase64Url(Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) % 256));
    const pieces = canonicalJsonPieces({ id: 'blob:x:000001', data: chunk, note: `"${'q'.repeat(5000)}"`, ctl: `${'c'.repeat(5000)}\u0001` }, 1024);
    // The chunk is a piece of its own, the very string given; text that needs escaping is not.
    expect(pieces).toHaveLength(3);
    expect(pieces[1]).toBe(chunk);
    expect(canonicalJsonPieces({ a: chunk })).toEqual([canonicalJson({ a: chunk })]);
    expect(() => canonicalJsonPieces({ data: `${'x'.repeat(20_000)}\ud800` }, 1024)).toThrow(CanonicalEncodingError);
  });

  it('tells a long text JSON writes as it is (the rule the MAC pieces and the server\'s _bulk_docs bytes share)', () => {
    const base64 = 'AZaz09-_'.repeat(LONG_TEXT / 8);
    // Plain: JSON writes it as it is, between quotes (JSON.stringify, not the code under test, says so).
    expect(plainLongText(base64)).toBe(true);
    expect(JSON.stringify(base64)).toBe(`"${base64}"`);
    // Shorter than asked: not a piece, whatever it holds.
    expect(plainLongText(base64.slice(1))).toBe(false);
    expect(plainLongText('abc', 3)).toBe(true);
    // Anything JSON escapes keeps a text out of the pieces: a quote, a backslash, a control character, a lone surrogate.
    for (const odd of ['"', '\\', '\n', '\u0001', '\u001f', '\ud800', '\udfff']) {
      const text = `${base64}${odd}`;
      expect(JSON.stringify(text)).not.toBe(`"${text}"`);
      expect(plainLongText(text)).toBe(false);
    }
    // Non-ASCII that JSON leaves as it is stays plain; a pair of surrogates (an emoji) is left to
    // JSON.stringify, which writes it as it is: the same bytes either way.
    expect(plainLongText(`${base64}印章`)).toBe(true);
    expect(plainLongText(`${base64}😀`)).toBe(false);
    expect(canonicalJsonPieces({ data: `${base64}😀`, n: 1 }).join('')).toBe(canonicalJson({ data: `${base64}😀`, n: 1 }));
    expect(canonicalJsonPieces({ data: `${base64}印章`, n: 1 }).join('')).toBe(JSON.stringify({ data: `${base64}印章`, n: 1 }));
  });

  it('refuses a lone surrogate in a value or a key, wherever it sits', () => {
    expect(() => canonicalJson({ a: ['ok', 'x\ud800'] })).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson({ a: { '\udc00': 1 } })).toThrow(/\$\.a\./);
    expect(() => canonicalJson('\ud83d')).toThrow(CanonicalEncodingError);
    expect(canonicalJson('\ud83d\ude00')).toBe('"\u{1F600}"');
  });

  it('names where a refused value sits', () => {
    expect(() => canonicalJson({ list: [1, { deep: Number.POSITIVE_INFINITY }] })).toThrow('$.list[1].deep is Infinity');
    const holed = new Array<number>(3);
    holed[0] = 1;
    holed[2] = 3;
    expect(() => canonicalJson({ list: holed })).toThrow('$.list[1] is undefined');
  });

  it('is independent of key insertion order for any record (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });
});

describe('base64url', () => {
  it('round-trips any bytes without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).not.toMatch(/[=+/]/);
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
    );
  });
});
