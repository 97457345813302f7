import { describe, expect, it } from 'vitest';
import type { UnitView as Unit } from '@seal/shared';
import { unitTreeRows } from './unitTree';

const unit = (id: string, kind: Unit['kind'], parentId: string | null, createdAt: number): Unit => ({ id, name: id, kind, parentId, createdAt, updatedAt: createdAt });

describe('unitTreeRows', () => {
  it('lists each unit before its subtree, branches before sites, with depths', () => {
    const units = [unit('site-hq', 'site', 'hq', 3), unit('b2', 'branch', 'hq', 4), unit('hq', 'hq', null, 1), unit('b1', 'branch', 'hq', 2), unit('site-b1', 'site', 'b1', 5)];
    expect(unitTreeRows(units).map((r) => `${r.depth}:${r.unit.id}`)).toEqual(['0:hq', '1:b1', '2:site-b1', '1:b2', '1:site-hq']);
  });

  it('still lists units caught in a cycle or under a missing parent', () => {
    const units = [unit('hq', 'hq', null, 1), unit('a', 'branch', 'b', 2), unit('b', 'branch', 'a', 3), unit('orphan', 'site', 'gone', 4)];
    expect(unitTreeRows(units).map((r) => r.unit.id).sort()).toEqual(['a', 'b', 'hq', 'orphan']);
  });
});
