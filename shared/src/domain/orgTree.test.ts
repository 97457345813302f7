import { describe, expect, it } from 'vitest';
import { ancestors, checkUnitTree, indexUnits, isInSubtree, subtreeIds } from './orgTree';
import { orgUnitSchema, type OrgUnit } from './orgUnit';
import { unit, UNITS } from './fixtures.testing';

describe('org tree', () => {
  it('lists ancestors nearest first', () => {
    expect(ancestors(unit('S1'), UNITS).map((u) => u.id)).toEqual(['B1', 'HQ']);
    expect(ancestors(unit('HQ'), UNITS)).toEqual([]);
    expect(ancestors(unit('nope'), UNITS)).toEqual([]);
  });

  it('knows which units lie in a subtree', () => {
    expect(isInSubtree(unit('S1'), unit('HQ'), UNITS)).toBe(true);
    expect(isInSubtree(unit('S1'), unit('B1'), UNITS)).toBe(true);
    expect(isInSubtree(unit('S1'), unit('S1'), UNITS)).toBe(true);
    expect(isInSubtree(unit('S1'), unit('B2'), UNITS)).toBe(false);
    expect(isInSubtree(unit('B1'), unit('S1'), UNITS)).toBe(false);
    expect(isInSubtree(unit('nope'), unit('HQ'), UNITS)).toBe(false);
    expect([...subtreeIds(unit('B1'), indexUnits(UNITS))].sort()).toEqual(['B1', 'S1']);
  });

  it('survives a cycle in synced data', () => {
    const cyclic: OrgUnit[] = [
      { id: unit('A'), name: 'A', kind: 'branch', parentId: unit('B') },
      { id: unit('B'), name: 'B', kind: 'branch', parentId: unit('A') },
    ];
    expect(ancestors(unit('A'), cyclic).map((u) => u.id)).toEqual(['B']);
    expect(isInSubtree(unit('A'), unit('HQ'), cyclic)).toBe(false);
  });

  it('accepts the fixture tree and refuses broken ones', () => {
    expect(checkUnitTree(UNITS).ok).toBe(true);
    const code = (units: OrgUnit[]) => {
      const result = checkUnitTree(units);
      return result.ok ? 'ok' : result.error.code;
    };
    expect(code([...UNITS, UNITS[1]!])).toBe('duplicate_unit');
    expect(code(UNITS.filter((u) => u.kind !== 'hq'))).toBe('no_root');
    expect(code([...UNITS, { id: unit('HQ2'), name: 'x', kind: 'hq', parentId: null }])).toBe('several_roots');
    expect(code([...UNITS, { id: unit('S9'), name: 'x', kind: 'site', parentId: unit('gone') }])).toBe('unknown_parent');
    expect(code([...UNITS, { id: unit('S9'), name: 'x', kind: 'site', parentId: unit('S1') }])).toBe('bad_parent_kind');
    expect(code([...UNITS, { id: unit('X'), name: 'x', kind: 'branch', parentId: unit('Y') }, { id: unit('Y'), name: 'y', kind: 'branch', parentId: unit('X') }])).toBe('cycle');
  });

  it('checks one unit’s own rules in its schema', () => {
    expect(orgUnitSchema.safeParse({ id: 'HQ', name: 'HQ', kind: 'hq', parentId: 'B1' }).success).toBe(false);
    expect(orgUnitSchema.safeParse({ id: 'B', name: 'B', kind: 'branch', parentId: null }).success).toBe(false);
    expect(orgUnitSchema.safeParse({ id: 'B', name: 'B', kind: 'branch', parentId: 'HQ', geofence: { lat: 0, lon: 0, radiusM: 10 } }).success).toBe(false);
    expect(orgUnitSchema.safeParse(UNITS[3]).success).toBe(true);
  });
});
