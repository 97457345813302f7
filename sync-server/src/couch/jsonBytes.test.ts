import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from './jsonBytes';

/** A string of at least 16,384 characters made of `fragment` (a chunk's text, or text that needs escaping). */
const long = (fragment: string): string => fragment.repeat(Math.ceil(16_400 / Math.max(1, fragment.length)));

describe('a _bulk_docs body as bytes', () => {
  it('is byte for byte JSON.stringify of the body, whatever the documents hold (property)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ minLength: 1 }).map(long), fc.string({ minLength: 1, unit: 'binary' }).map(long), fc.constant(randomBytes(20_000).toString('base64url')));
    const doc = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.array(text, { maxLength: 2 })), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 4 }), fc.boolean(), (docs, newEdits) => {
        const body = newEdits ? { docs, new_edits: false } : { docs };
        expect(jsonBytes(body).equals(Buffer.from(JSON.stringify(body)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a chunk\'s text beside text that must be escaped, text that looks like a placeholder, and Chinese: the same bytes, which parse back to the documents', () => {
    const chunk = randomBytes(128 * 1024).toString('base64url');
    const docs = [
      { _id: 'chunk:a:000000', type: 'chunk', data: chunk, storeMac: 'm' },
      { _id: 'note', text: long('合同"\\\n'), lookalike: '\u0000abc:0', other: long('印章') },
      { _id: 'chunk:a:000001', type: 'chunk', data: chunk.slice(1) },
    ];
    const bytes = jsonBytes({ docs });
    expect(bytes.equals(Buffer.from(JSON.stringify({ docs })))).toBe(true);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ docs });
    // Documents that are not plain objects are written as JSON.stringify writes them.
    class Dated { constructor(readonly data: string) {} toJSON() { return { dated: this.data.length }; } }
    const odd = { docs: [[chunk], null, new Dated(chunk), Object.assign(Object.create({ inherited: chunk }) as object, { own: chunk })], other: chunk };
    expect(jsonBytes(odd as never).equals(Buffer.from(JSON.stringify(odd)))).toBe(true);
  });
});
