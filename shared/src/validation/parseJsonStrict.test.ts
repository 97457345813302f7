import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonValue } from './checkJsonValue';
import { decodeUtf8Strict, firstInvalidUtf8Byte } from './decodeUtf8Strict';
import { JSON_LIMITS } from './jsonLimits';
import { parseJsonStrict } from './parseJsonStrict';
import { scanJsonText } from './scanJsonText';
import { firstLoneSurrogate, isWellFormedUnicode } from './wellFormedUnicode';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** The platform's own answer (ES2024), as the oracle. */
const platformWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
/** Valid UTF-8 exactly when a lenient decode (U+FFFD for what is broken) encodes back to the same bytes. */
const roundTrips = (bytes: Uint8Array): boolean => {
  const again = utf8(new TextDecoder().decode(bytes));
  return again.length === bytes.length && again.every((b, i) => b === bytes[i]);
};
/** Any UTF-16 code units, lone surrogates included. */
const codeUnits = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((units) => String.fromCharCode(...units));
/** Random JSON without `__proto__` keys (refused on purpose, tested apart). */
const jsonWithoutProto = (maxDepth: number) => fc.jsonValue({ maxDepth }).filter((value) => !JSON.stringify(value).includes('"__proto__"'));
const codeOf = (result: { ok: boolean; error?: { code: string } }): string => (result.ok ? 'ok' : result.error!.code);

describe('well-formed Unicode', () => {
  it('finds lone surrogates where the platform does', () => {
    fc.assert(fc.property(codeUnits(20), (text) => {
      expect(isWellFormedUnicode(text)).toBe(platformWellFormed(text));
    }), { numRuns: 500 });
    // Code units around the surrogate range, where the cases are.
    fc.assert(fc.property(fc.array(fc.integer({ min: 0xd7f0, max: 0xe010 }), { maxLength: 12 }), (units) => {
      const text = String.fromCharCode(...units);
      expect(isWellFormedUnicode(text)).toBe(platformWellFormed(text));
    }), { numRuns: 2_000 });
  });

  it('names the position of the first lone surrogate', () => {
    expect(firstLoneSurrogate('lone\ud800surrogate')).toBe(4);
    expect(firstLoneSurrogate('\udc00')).toBe(0);
    expect(firstLoneSurrogate('ok \ud83d\ude00 then \ud83d')).toBe(11);
    expect(firstLoneSurrogate('印章 😀')).toBe(-1);
  });
});

describe('strict UTF-8', () => {
  it('accepts exactly the bytes that are UTF-8', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      expect(firstInvalidUtf8Byte(bytes) === -1).toBe(roundTrips(bytes));
      expect(decodeUtf8Strict(bytes).ok).toBe(roundTrips(bytes));
    }), { numRuns: 3_000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      expect(decodeUtf8Strict(utf8(text))).toEqual({ ok: true, value: text });
    }));
  });

  it('refuses overlongs, encoded surrogates, values past U+10FFFF and cut sequences, naming the byte', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xc0, 0xaf], 1], [[0xed, 0xa0, 0x80], 0], [[0xf4, 0x90, 0x80, 0x80], 0], [[0x61, 0x62, 0xe2, 0x82], 2], [[0x80], 0], [[0xff], 0],
    ];
    for (const [bytes, at] of cases) {
      const result = decodeUtf8Strict(Uint8Array.from(bytes), 'The body');
      expect(result).toMatchObject({ ok: false, error: { code: 'bad_unicode' } });
      expect(firstInvalidUtf8Byte(Uint8Array.from(bytes))).toBe(at);
    }
  });
});

describe('JSON depth and duplicate keys, before parsing', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('allows exactly JSON_LIMITS.maxDepth levels', () => {
    expect(scanJsonText(nested(JSON_LIMITS.maxDepth)).ok).toBe(true);
    expect(codeOf(scanJsonText(nested(JSON_LIMITS.maxDepth + 1)))).toBe('too_deep');
    expect(codeOf(scanJsonText(`{"a":${'{"a":'.repeat(JSON_LIMITS.maxDepth)}1${'}'.repeat(JSON_LIMITS.maxDepth)}}`))).toBe('too_deep');
  });

  it('scans 200,000 levels without recursion', () => {
    expect(codeOf(scanJsonText(nested(200_000)))).toBe('too_deep');
    expect(codeOf(parseJsonStrict(utf8(nested(200_000))))).toBe('too_deep');
  });

  it('counts brackets inside strings as text', () => {
    expect(scanJsonText(JSON.stringify({ a: '['.repeat(100), b: '\\"[[[[' })).ok).toBe(true);
  });

  it('finds a key named twice, however it is escaped, at any depth, and not across objects', () => {
    expect(codeOf(scanJsonText('{"a":1,"a":2}'))).toBe('duplicate_key');
    expect(codeOf(scanJsonText('{"a":1,"\\u0061":2}'))).toBe('duplicate_key');
    expect(codeOf(scanJsonText('{"x":[{"k":1},{"k":2,"k":3}]}'))).toBe('duplicate_key');
    expect(codeOf(scanJsonText('{"x":{"k":1},"y":{"k":1},"k":"k"}'))).toBe('ok');
    expect(codeOf(scanJsonText('["a","a"]'))).toBe('ok');
  });

  it('ends each string at its closing quote, however many backslashes and quotes it holds', () => {
    // Keys and values built of the characters that decide where a string ends, and of brackets
    // that must not count inside one: a key named twice is found exactly when it is, and the
    // brackets inside strings never deepen the text.
    const tricky = fc.array(fc.constantFrom('\\', '"', 'a', '[', '{', '}', ']', ',', ':', '\\"', '\u0001'), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(fc.property(fc.array(fc.tuple(tricky, tricky), { maxLength: 6 }), (pairs) => {
      const text = `[{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}]`;
      const named = pairs.map(([key]) => key);
      expect(codeOf(scanJsonText(text, { maxDepth: 2 }))).toBe(new Set(named).size === named.length ? 'ok' : 'duplicate_key');
    }), { numRuns: 2_000 });
    expect(codeOf(scanJsonText('{"a\\\\":1,"a\\\\":2}'))).toBe('duplicate_key');
    expect(codeOf(scanJsonText('{"\\"":{"\\"":1},"\\\\":2}'))).toBe('ok');
  });

  it('agrees with a reference depth on random JSON', () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    fc.assert(fc.property(jsonWithoutProto(12), fc.integer({ min: 1, max: 14 }), (value, maxDepth) => {
      const text = JSON.stringify(value);
      expect(scanJsonText(text, { maxDepth }).ok).toBe(depthOf(value) <= maxDepth);
      expect(checkJsonValue(value, { maxDepth }).ok).toBe(depthOf(value) <= maxDepth);
    }), { numRuns: 1_000 });
  });
});

describe('parseJsonStrict', () => {
  it('parses what JSON.parse parses when it is well-formed, unique-keyed and within bounds', () => {
    fc.assert(fc.property(jsonWithoutProto(8), (value) => {
      const text = JSON.stringify(value);
      expect(parseJsonStrict(utf8(text))).toEqual({ ok: true, value: JSON.parse(text) as unknown });
    }), { numRuns: 1_000 });
  });

  it('refuses lone surrogates in strings and keys, escaped as JSON allows', () => {
    expect(codeOf(parseJsonStrict('{"name":"lone\\ud800surrogate"}'))).toBe('bad_unicode');
    expect(codeOf(parseJsonStrict('{"\\udc00":1}'))).toBe('bad_unicode');
    expect(codeOf(parseJsonStrict('[[[{"a":["\\udbff"]}]]]'))).toBe('bad_unicode');
    expect(codeOf(parseJsonStrict('"\\ud83d\\ude00"'))).toBe('ok');
    fc.assert(fc.property(codeUnits(20), (text) => {
      expect(parseJsonStrict(JSON.stringify({ text })).ok).toBe(platformWellFormed(text));
      expect(parseJsonStrict(JSON.stringify({ [text]: 1 })).ok).toBe(platformWellFormed(text) && text !== '__proto__');
    }), { numRuns: 1_000 });
  });

  it('refuses __proto__ keys, numbers out of range, empty and malformed input, each with its code', () => {
    expect(parseJsonStrict('{"__proto__":{"isAdmin":true}}')).toMatchObject({ ok: false, error: { code: 'forbidden_key', message: expect.stringMatching(/__proto__/) as string } });
    expect(codeOf(parseJsonStrict('{"a":[{"__proto__":1}]}'))).toBe('forbidden_key');
    expect(codeOf(parseJsonStrict('{"ttl":1e309}'))).toBe('too_large');
    expect(codeOf(parseJsonStrict('-1e400'))).toBe('too_large');
    expect(codeOf(parseJsonStrict(''))).toBe('invalid_json');
    expect(codeOf(parseJsonStrict(' \n'))).toBe('invalid_json');
    expect(codeOf(parseJsonStrict('{"a":'))).toBe('invalid_json');
    expect(codeOf(parseJsonStrict(Uint8Array.from([0x22, 0xff, 0x22])))).toBe('bad_unicode');
  });

  it('says where the problem is', () => {
    const result = parseJsonStrict('{"rows":[{"body":{"note":"x\\ud800"}}]}');
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('$.rows[0].body.note') as string } });
  });
});
