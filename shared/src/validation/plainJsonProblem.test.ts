import { describe, expect, it } from 'vitest';
import { plainJsonProblem } from './plainJsonProblem';

describe('plainJsonProblem', () => {
  it('accepts plain JSON data, nested', () => {
    expect(plainJsonProblem({ a: [1, { b: 'c', d: null }], e: { f: true } })).toBeUndefined();
    expect(plainJsonProblem(JSON.parse('{"a":[{"b":1}]}'))).toBeUndefined();
  });

  it('refuses prototype keys, at any depth', () => {
    expect(plainJsonProblem(JSON.parse('{"__proto__":{"isAdmin":true}}'))).toMatch(/"__proto__"/);
    expect(plainJsonProblem({ a: [{ constructor: 'x' }] })).toBe('(record).a[0]: expected data keys, got the key "constructor"');
    expect(plainJsonProblem({ a: { prototype: {} } })).toMatch(/"prototype"/);
  });

  it('refuses an object whose fields are inherited (what toJS makes of a "__proto__" map)', () => {
    const inherited = Object.create({ isAdmin: true }) as object;
    expect(plainJsonProblem({ nested: inherited })).toMatch(/^\(record\)\.nested: expected a plain JSON object, got one with another prototype/);
    expect(plainJsonProblem(Object.create(null) as object)).toMatch(/another prototype/);
  });

  it('bounds nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(plainJsonProblem(deep)).toMatch(/at most 64 levels/);
  });
});
