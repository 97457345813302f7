import { describe, expect, it } from 'vitest';
import { person, UNITS } from './fixtures.testing';
import { judgeNewCustodian, judgeSealCustodian, mayKeepSealsOf, sealCustodiansOf, type SealCustodianEdit } from './sealCustodian';

const keeper = person('keeper', 'custodian@S1', 'approver@S1');
const colleague = person('colleague', 'custodian@S1');
const branchKeeper = person('branch', 'custodian@B1');
const elsewhere = person('elsewhere', 'custodian@S2');
const admin = person('admin', 'admin@HQ');
const approver = person('approver', 'approver@S1');
const gone = { ...person('gone', 'custodian@S1'), active: false };
const USERS = [keeper, colleague, branchKeeper, elsewhere, admin, approver, gone];

const code = (edit: Omit<SealCustodianEdit, 'users' | 'units'>): string => {
  const judged = judgeSealCustodian({ ...edit, users: USERS, units: UNITS });
  return judged.ok ? 'ok' : judged.error.code;
};
const seal = (custodianId: string) => ({ id: 'seal-1', name: '合同章', unitId: 'S1', custodianId });

describe('who may keep a seal (the rule the app offers custodians by and the server judges a record by)', () => {
  it('is an active user holding custodian on the seal\'s unit or above it', () => {
    expect(USERS.filter((user) => mayKeepSealsOf(user, 'S1', UNITS)).map((user) => user.id)).toEqual(['keeper', 'colleague', 'branch']);
    expect(sealCustodiansOf('S2', USERS, UNITS).map((user) => user.id)).toEqual(['elsewhere']);
    expect(mayKeepSealsOf(keeper, 'no-such-unit', UNITS)).toBe(false);
  });

  it('judges the person a seal is handed to by that rule, saying who they are otherwise (judgeNewCustodian)', () => {
    expect(judgeNewCustodian('colleague', 'S1', USERS, UNITS).ok).toBe(true);
    const refusal = (custodianId: string, unitId: unknown = 'S1') => {
      const judged = judgeNewCustodian(custodianId, unitId, USERS, UNITS);
      return judged.ok ? 'ok' : `${judged.error.code}: ${judged.error.message}`;
    };
    expect(refusal('usr_ghostghostghost')).toMatch(/^not_a_custodian: .*\(no user here\)$/);
    expect(refusal('gone')).toMatch(/\(a deactivated user\)$/);
    expect(refusal('approver')).toMatch(/\(someone without the custodian role over the unit\)$/);
    expect(refusal('elsewhere')).toMatch(/\(someone without the custodian role over the unit\)$/);
    expect(refusal('colleague', null)).toMatch(/^not_a_custodian/);
  });
});

describe('judgeSealCustodian', () => {
  it('takes a seal made by its keeper, made for a custodian by an administrator, or handed over by a third person', () => {
    expect(code({ actorId: 'keeper', before: null, after: seal('keeper') })).toBe('ok');
    expect(code({ actorId: 'admin', before: null, after: seal('branch') })).toBe('ok');
    expect(code({ actorId: 'admin', before: seal('keeper'), after: seal('colleague') })).toBe('ok');
    expect(code({ actorId: 'branch', before: seal('keeper'), after: seal('colleague') })).toBe('ok');
  });

  it('refuses a custodian making a seal for someone else, and anyone taking a seal over themselves (seal_custodian_excluded)', () => {
    expect(code({ actorId: 'keeper', before: null, after: seal('branch') })).toBe('seal_custodian_excluded');
    expect(code({ actorId: 'keeper', before: null, after: seal('colleague') })).toBe('seal_custodian_excluded');
    expect(code({ actorId: 'colleague', before: seal('keeper'), after: seal('colleague') })).toBe('seal_custodian_excluded');
  });

  it('refuses naming someone who may not keep it: unknown, deactivated, no custodian role, another branch\'s, no unit', () => {
    for (const custodianId of ['usr_ghostghostghost', 'gone', 'approver', 'admin', 'elsewhere']) {
      expect(code({ actorId: 'admin', before: seal('keeper'), after: seal(custodianId) }), custodianId).toBe('not_a_custodian');
      expect(code({ actorId: 'keeper', before: null, after: seal(custodianId) }), custodianId).toBe('not_a_custodian');
    }
    expect(code({ actorId: 'admin', before: seal('keeper'), after: { custodianId: 'colleague' } })).toBe('not_a_custodian');
  });

  it('lets whoever makes a seal name themselves its keeper (an administrator keeping a small organisation\'s seals), never take one over by an edit', () => {
    expect(code({ actorId: 'admin', before: null, after: seal('admin') })).toBe('ok');
    expect(code({ actorId: 'admin', before: seal('keeper'), after: seal('admin') })).toBe('not_a_custodian');
    expect(code({ actorId: 'approver', before: null, after: seal('admin') })).toBe('not_a_custodian');
  });

  it('refuses the seal\'s own custodian handing it to anyone else (seal_custodian_excluded)', () => {
    expect(code({ actorId: 'keeper', before: seal('keeper'), after: seal('colleague') })).toBe('seal_custodian_excluded');
    expect(code({ actorId: 'keeper', before: seal('keeper'), after: seal('branch') })).toBe('seal_custodian_excluded');
  });

  it('leaves alone an edit that keeps the custodian, even one who can no longer keep seals', () => {
    expect(code({ actorId: 'keeper', before: seal('keeper'), after: { ...seal('keeper'), name: '新名' } })).toBe('ok');
    expect(code({ actorId: 'admin', before: seal('gone'), after: { ...seal('gone'), name: '新名' } })).toBe('ok');
  });
});
