import { describe, expect, it } from 'vitest';
import { unitOptions } from './unitOptions';

const kindText = (kind: string): string => ({ hq: '总部', branch: '分公司', site: '现场' })[kind] ?? kind;

describe('unitOptions', () => {
  it('labels a unit "name · kind", its value the unit id', () => {
    expect(unitOptions([{ unit: { id: 'u-1', name: '杭州分公司', kind: 'branch' } }], kindText)).toEqual([{ value: 'u-1', label: '杭州分公司 · 分公司' }]);
  });

  it('indents by depth with three no-break spaces a level (plain spaces collapse in an option)', () => {
    const [hq, site] = unitOptions(
      [
        { unit: { id: 'hq', name: 'HQ', kind: 'hq' }, depth: 0 },
        { unit: { id: 's', name: 'Site', kind: 'site' }, depth: 2 },
      ],
      kindText,
    );
    expect(hq!.label).toBe('HQ · 总部');
    expect(site!.label).toBe('\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0Site · 现场');
    expect(site!.label).not.toMatch(/ {2}/);
  });

  it('keeps the order given', () => {
    const ids = unitOptions(['c', 'a', 'b'].map((id) => ({ unit: { id, name: id, kind: 'site' as const } })), kindText).map((o) => o.value);
    expect(ids).toEqual(['c', 'a', 'b']);
  });
});
