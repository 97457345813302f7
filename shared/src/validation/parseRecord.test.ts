import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRecord } from './parseRecord';

describe('parseRecord', () => {
  const schema = z.object({ seal: z.string(), window: z.object({ notAfter: z.number() }), tags: z.array(z.string()) });

  it('returns the typed record', () => {
    expect(parseRecord(schema, { seal: 'S', window: { notAfter: 1 }, tags: [] }, 'a thing')).toEqual({
      ok: true,
      value: { seal: 'S', window: { notAfter: 1 }, tags: [] },
    });
  });

  it('says what was expected and what arrived, at each path', () => {
    const result = parseRecord(schema, { seal: 1, window: { notAfter: 'x' }, tags: ['a', 2] }, 'a thing');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_record');
    expect(result.error.message).toMatch(/^expected a thing: /);
    expect(result.error.message).toContain('seal: Invalid input: expected string, received number');
    expect(result.error.message).toContain('window.notAfter: Invalid input: expected number, received string');
    expect(result.error.message).toContain('tags[1]: Invalid input: expected string, received number');
  });

  it('names the record itself when the input is not an object', () => {
    const result = parseRecord(schema, null, 'a thing');
    expect(!result.ok && result.error.message).toMatch(/\(record\): Invalid input: expected object, received null/);
  });

  it('lists at most five issues', () => {
    const many = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string(), f: z.string(), g: z.string() });
    const result = parseRecord(many, {}, 'letters');
    expect(!result.ok && result.error.message).toMatch(/and 2 more$/);
  });
});
