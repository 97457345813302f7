import { describe, expect, it } from 'vitest';
import type { TreeUnit } from '@seal/shared';
import { closeBlockers, unitMoveEffect, type PersonInTree } from './unitMoveEffect';

// HQ 总部 ─ 华东分公司 (east) ─ 西区项目部 (west-site), 东区项目部 (east-site)
//        └ 华北分公司 (north) ─ 北区项目部 (north-site)
const units: (TreeUnit & { closedAt?: number })[] = [
  { id: 'hq', parentId: null },
  { id: 'east', parentId: 'hq' },
  { id: 'north', parentId: 'hq' },
  { id: 'west-site', parentId: 'north' },
  { id: 'east-site', parentId: 'east' },
  { id: 'north-site', parentId: 'north' },
];
const person = (id: string, unitId: string, grants: [PersonInTree['grants'][number]['role'], string][], active = true): PersonInTree =>
  ({ id, name: `name-${id}`, unitId, grants: grants.map(([role, u]) => ({ role, unitId: u })), active });
const people = [
  person('keeper', 'west-site', [['custodian', 'west-site']]),
  person('worker', 'west-site', [['staff', 'west-site']]),
  person('approver', 'north', [['approver', 'west-site']]),
  person('north-admin', 'north', [['admin', 'north']]),
  person('north-auditor', 'north', [['auditor', 'north']]),
  person('east-admin', 'east', [['admin', 'east']]),
  person('hq-admin', 'hq', [['admin', 'hq']]),
  person('left', 'west-site', [['staff', 'west-site']], false),
];
const input = {
  units, people,
  seals: [{ unitId: 'west-site' }, { unitId: 'west-site' }, { unitId: 'north-site' }],
  openRequests: [{ unitId: 'west-site' }, { unitId: 'west-site' }, { unitId: 'west-site' }, { unitId: 'west-site' }, { unitId: 'west-site' }, { unitId: 'east-site' }],
};
const who = (list: readonly { personId?: string; id?: string }[]) => list.map((p) => p.personId ?? p.id);

describe('the effect of moving a unit, shown before it is applied', () => {
  it('moving 西区项目部 under 华东分公司: 3 people move with it, 2 seals, 5 open requests; the north\'s roles stop covering it, the east\'s start', () => {
    const effect = unitMoveEffect(input, 'west-site', 'east')!;
    expect(effect.unitIds).toEqual(['west-site']);
    expect(who(effect.people)).toEqual(['keeper', 'worker', 'approver']);
    expect(effect.seals).toBe(2);
    expect(effect.openRequests).toBe(5);
    expect(effect.losing).toEqual([
      { personId: 'north-admin', name: 'name-north-admin', role: 'admin', unitId: 'north' },
      { personId: 'north-auditor', name: 'name-north-auditor', role: 'auditor', unitId: 'north' },
    ]);
    expect(effect.gaining).toEqual([{ personId: 'east-admin', name: 'name-east-admin', role: 'admin', unitId: 'east' }]);
  });
  it('moving a branch moves its whole subtree; HQ roles cover it before and after', () => {
    const effect = unitMoveEffect(input, 'north', 'east')!;
    expect(effect.unitIds).toEqual(['north', 'west-site', 'north-site']);
    expect(who(effect.people)).toEqual(['keeper', 'worker', 'approver', 'north-admin', 'north-auditor']);
    expect(effect.seals).toBe(3);
    expect(who(effect.losing)).toEqual([]);
    expect(who(effect.gaining)).toEqual(['east-admin']);
  });
  it('is no move for the same parent, the HQ, unknown units, or a place inside the unit itself', () => {
    expect(unitMoveEffect(input, 'west-site', 'north')).toBeUndefined();
    expect(unitMoveEffect(input, 'hq', 'east')).toBeUndefined();
    expect(unitMoveEffect(input, 'nowhere', 'east')).toBeUndefined();
    expect(unitMoveEffect(input, 'west-site', 'nowhere')).toBeUndefined();
    expect(unitMoveEffect(input, 'north', 'north-site')).toBeUndefined();
    expect(unitMoveEffect(input, 'north', 'north')).toBeUndefined();
  });
});

describe('what keeps a unit from being closed', () => {
  it('its open units and the active people placed or holding a role on it', () => {
    expect(closeBlockers(units, people, 'north')).toEqual({ openUnits: ['west-site', 'north-site'], people: [people[2], people[3], people[4]] });
    expect(closeBlockers(units, people, 'north-site')).toEqual({ openUnits: [], people: [] });
    expect(closeBlockers([...units, { id: 'old', parentId: 'north-site', closedAt: 1 }], people, 'north-site').openUnits).toEqual([]);
  });
});
