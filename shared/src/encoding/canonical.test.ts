import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, hashRecordHex, CanonicalEncodingError } from './canonical';
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
