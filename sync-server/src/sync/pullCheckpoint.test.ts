import { describe, expect, it } from 'vitest';
import { indexUnits, type OrgUnit } from '@seal/shared';
import { decodePullCheckpoint, encodePullCheckpoint, planPull, type PullCheckpoint } from './pullCheckpoint';

// HQ ─┬─ east ─┬─ e1
//     │        └─ e2
//     └─ west ─── w1
const tree = indexUnits([
  { id: 'hq', parentId: null }, { id: 'east', parentId: 'hq' }, { id: 'e1', parentId: 'east' }, { id: 'e2', parentId: 'east' },
  { id: 'west', parentId: 'hq' }, { id: 'w1', parentId: 'west' },
].map((u) => ({ ...u, name: u.id, kind: 'branch' })) as unknown as OrgUnit[]);

const at = (seq: string, units: string[], fill: PullCheckpoint['fill'] = null): PullCheckpoint => ({ seq, units, fill });

describe('planPull', () => {
  it('continues where scope did not change', () => {
    expect(planPull(at('90', ['e1']), ['e1'], tree)).toEqual({ delivered: ['e1'], fill: null, left: [] });
  });
  it('back-fills from the start a unit granted later, and only it', () => {
    expect(planPull(at('90', ['e1']), ['e1', 'w1'], tree)).toEqual({ delivered: ['e1'], fill: { seq: '0', units: ['w1'] }, left: [] });
  });
  it('back-fills a parent granted over a held child, without the child again', () => {
    const plan = planPull(at('90', ['e1']), ['east'], tree);
    expect(plan).toMatchObject({ delivered: ['e1'], fill: { seq: '0', units: ['east'] }, left: [] });
  });
  it('names the units that left, a subtree at a time', () => {
    expect(planPull(at('90', ['east']), ['e1'], tree)).toEqual({ delivered: ['e1'], fill: null, left: ['e2', 'east'] });
    expect(planPull(at('90', ['e1', 'w1']), [], tree)).toEqual({ delivered: [], fill: null, left: ['e1', 'w1'] });
  });
  it('continues a back-fill, restarts it when more joined, and drops a unit revoked during it', () => {
    expect(planPull(at('90', ['e1'], { seq: '40', units: ['w1'] }), ['e1', 'w1'], tree).fill).toEqual({ seq: '40', units: ['w1'] });
    expect(planPull(at('90', ['e1'], { seq: '40', units: ['w1'] }), ['e1', 'w1', 'e2'], tree).fill).toEqual({ seq: '0', units: ['w1', 'e2'] });
    expect(planPull(at('90', ['e1'], { seq: '40', units: ['w1'] }), ['e1'], tree)).toEqual({ delivered: ['e1'], fill: null, left: ['w1'] });
  });
  it('never plans beyond today\'s scope, whatever the checkpoint claims', () => {
    const plan = planPull(at('90', ['hq'], { seq: '5', units: ['hq'] }), ['e1'], tree);
    expect(plan.delivered).toEqual(['e1']);
    expect(plan.fill).toBeNull();
  });
  it('takes a fresh position as covering today\'s scope, and a bare sequence as covering none', () => {
    expect(planPull(at('0', []), ['e1', 'w1'], tree)).toEqual({ delivered: ['e1', 'w1'], fill: null, left: [] });
    const legacy = decodePullCheckpoint('1234');
    expect(legacy).toEqual({ ok: true, value: at('1234', []) });
    expect(planPull(at('1234', []), ['e1'], tree).fill).toEqual({ seq: '0', units: ['e1'] });
  });
});

describe('decodePullCheckpoint', () => {
  it('reads back what it wrote', () => {
    const checkpoint = at('12-g1AAA', ['e1'], { seq: '3', units: ['w1'] });
    expect(decodePullCheckpoint(encodePullCheckpoint(checkpoint))).toEqual({ ok: true, value: checkpoint });
    expect(decodePullCheckpoint(undefined)).toEqual({ ok: true, value: at('0', []) });
  });
  it.each([
    ['not JSON', '{"v":1,'],
    ['another version', JSON.stringify({ v: 2, seq: '1', units: [], fill: null })],
    ['an unknown field', JSON.stringify({ v: 1, seq: '1', units: [], fill: null, scope: ['hq'] })],
    ['a unit that is not text', JSON.stringify({ v: 1, seq: '1', units: [{ $gt: null }], fill: null })],
    ['deep nesting', `{"v":1,"seq":"1","units":[],"fill":${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ['an empty sequence', JSON.stringify({ v: 1, seq: '', units: [], fill: null })],
    ['a bare sequence too long', 'x'.repeat(5000)],
  ])('refuses %s', (_, since) => {
    expect(decodePullCheckpoint(since).ok).toBe(false);
  });
});
