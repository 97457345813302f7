import { describe, expect, it } from 'vitest';
import { indexUnits, type OrgUnit } from '@seal/shared';
import { decodePullCheckpoint, encodePullCheckpoint, fromLegacy, planPull, unitDigest, type Fill, type PullCheckpoint } from './pullCheckpoint';

// HQ ─┬─ east ─┬─ e1
//     │        └─ e2
//     └─ west ─── w1
const units = [
  { id: 'hq', parentId: null }, { id: 'east', parentId: 'hq' }, { id: 'e1', parentId: 'east' }, { id: 'e2', parentId: 'east' },
  { id: 'west', parentId: 'hq' }, { id: 'w1', parentId: 'west' },
];
const treeOf = (list: { id: string; parentId: string | null }[]) => indexUnits(list.map((u) => ({ ...u, name: u.id, kind: 'branch' })) as unknown as OrgUnit[]);
const tree = treeOf(units);
// The same organisation after w1 moved under east.
const moved = treeOf(units.map((u) => (u.id === 'w1' ? { ...u, parentId: 'east' } : u)));

const d = (...ids: string[]) => ids.map(unitDigest);
const at = (seq: string, held: string[] | 'all', fill: Fill | null = null): PullCheckpoint => ({ seq, units: held === 'all' ? 'all' : d(...held), fill });
const filling = (ids: string[], rest: Partial<Fill> = {}): Fill => ({ units: d(...ids), at: null, snap: null, seq: null, owed: null, ...rest });

describe('planPull', () => {
  it('continues where scope did not change', () => {
    expect(planPull(at('90', ['e1']), ['e1'], tree)).toEqual({ delivered: d('e1'), fill: null, left: [] });
  });
  it('back-fills a unit granted later, and only it', () => {
    expect(planPull(at('90', ['e1']), ['e1', 'w1'], tree)).toEqual({ delivered: d('e1'), fill: { ...filling(['w1']), unitIds: ['w1'] }, left: [] });
  });
  it('back-fills the rest of a subtree granted over a held unit, without that unit again', () => {
    expect(planPull(at('90', ['e1']), ['east'], tree)).toMatchObject({ delivered: d('e1'), fill: { unitIds: ['e2', 'east'] }, left: [] });
  });
  it('names the units that left, each of them', () => {
    expect(planPull(at('90', ['e1', 'e2', 'east']), ['e1'], tree)).toEqual({ delivered: d('e1'), fill: null, left: ['e2', 'east'] });
    expect(planPull(at('90', ['e1', 'w1']), [], tree)).toEqual({ delivered: [], fill: null, left: ['e1', 'w1'] });
  });
  it('back-fills a unit moved into a granted subtree, and names one moved out', () => {
    expect(planPull(at('90', ['e1', 'e2', 'east']), ['east'], moved)).toMatchObject({ delivered: d('e1', 'e2', 'east'), fill: { unitIds: ['w1'] }, left: [] });
    expect(planPull(at('90', ['west', 'w1']), ['west'], moved)).toEqual({ delivered: d('west'), fill: null, left: ['w1'] });
  });
  it('continues a back-fill, leaves units that joined meanwhile for the next one, and drops a unit revoked during it', () => {
    const running = filling(['w1'], { at: ['w1', 'fact:x:3'], snap: '40' });
    expect(planPull(at('90', ['e1'], running), ['e1', 'w1'], tree).fill).toEqual({ ...running, unitIds: ['w1'] });
    expect(planPull(at('90', ['e1'], running), ['e1', 'w1', 'e2'], tree).fill).toEqual({ ...running, unitIds: ['w1'] });
    expect(planPull(at('90', ['e1'], running), ['e1'], tree)).toEqual({ delivered: d('e1'), fill: null, left: ['w1'] });
  });
  it('never plans beyond today\'s scope, whatever the checkpoint claims', () => {
    const plan = planPull(at('90', 'all', filling(['hq', 'east'])), ['e1'], tree);
    expect(plan.delivered).toEqual(d('e1'));
    expect(plan.fill).toBeNull();
    expect(plan.left).toEqual(['e2', 'east', 'hq', 'w1', 'west']);
  });
  it('back-fills every unit of a fresh replica, and keeps "all" for the whole organisation', () => {
    expect(planPull(at('0', []), ['e1', 'w1'], tree)).toMatchObject({ delivered: [], fill: { unitIds: ['e1', 'w1'] }, left: [] });
    expect(planPull(at('90', 'all'), ['hq'], tree)).toEqual({ delivered: 'all', fill: null, left: [] });
    expect(planPull(at('90', 'all'), ['east'], tree)).toEqual({ delivered: d('e1', 'e2', 'east'), fill: null, left: ['hq', 'w1', 'west'] });
  });
  it('reads an older server\'s checkpoint with today\'s tree, and a bare sequence as covering none', () => {
    const old = decodePullCheckpoint(JSON.stringify({ v: 1, seq: '70', units: ['east'], fill: { seq: '3', units: ['w1'] } }));
    expect(old.ok && 'legacy' in old.value && fromLegacy(old.value.legacy, tree)).toEqual(at('70', ['e1', 'e2', 'east'], filling(['w1'])));
    expect(decodePullCheckpoint('1234')).toEqual({ ok: true, value: at('1234', []) });
    expect(planPull(at('1234', []), ['e1'], tree).fill?.unitIds).toEqual(['e1']);
  });
});

describe('decodePullCheckpoint', () => {
  it('reads back what it wrote', () => {
    for (const checkpoint of [at('12-g1AAA', ['e1', 'east'], filling(['w1'], { at: ['w1', 'change:seal:s1:3'], snap: '7-g1', seq: null })), at('5', 'all'), at('0', [])]) {
      const value = decodePullCheckpoint(encodePullCheckpoint(checkpoint));
      expect(value.ok && !('legacy' in value.value) && { ...value.value, units: value.value.units === 'all' ? 'all' : [...value.value.units].sort() })
        .toEqual({ ...checkpoint, units: checkpoint.units === 'all' ? 'all' : [...checkpoint.units].sort(), fill: checkpoint.fill && { ...checkpoint.fill, units: [...checkpoint.fill.units].sort() } });
    }
    expect(decodePullCheckpoint(undefined)).toEqual({ ok: true, value: at('0', []) });
  });
  const good = { v: 2, seq: '1', units: d('e1').join(''), fill: null };
  it.each([
    ['not JSON', '{"v":2,'],
    ['another version', JSON.stringify({ ...good, v: 3 })],
    ['an unknown field', JSON.stringify({ ...good, scope: ['hq'] })],
    ['units that are not digests', JSON.stringify({ ...good, units: 'e1' })],
    ['units as an object', JSON.stringify({ ...good, units: { $gt: null } })],
    ['a fill position that is not a key', JSON.stringify({ ...good, fill: { units: '', at: [{ $gt: null }, 'x'], snap: null, seq: null, owed: null } })],
    ['a fill position of three parts', JSON.stringify({ ...good, fill: { units: '', at: ['a', 'b', 'c'], snap: null, seq: null, owed: null } })],
    ['deep nesting', `{"v":2,"seq":"1","units":"","fill":${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ['a negative count owed', JSON.stringify({ ...good, fill: { units: '', at: null, snap: null, seq: null, owed: -1 } })],
    ['an empty sequence', JSON.stringify({ ...good, seq: '' })],
    ['a bare sequence too long', 'x'.repeat(5000)],
  ])('refuses %s', (_, since) => {
    expect(decodePullCheckpoint(since).ok).toBe(false);
  });
});
