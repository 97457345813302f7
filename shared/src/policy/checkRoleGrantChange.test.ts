import { describe, expect, it } from 'vitest';
import { person, unit, UNITS } from '../domain/fixtures.testing';
import type { User } from '../domain/user';
import { checkManageOf, checkRoleGrantChange } from './checkRoleGrantChange';

/** `person` with a home unit other than its first grant's. */
const livingIn = (home: string, user: User): User => ({ ...user, unitId: unit(home) });

describe('checkManageOf: the right to act on a person', () => {
  const branchAdmin = person('b1-admin', 'admin@B1');

  it('covers the home unit and every unit the person holds a role on', () => {
    expect(checkManageOf(branchAdmin, person('custodian', 'custodian@B1'), UNITS).ok).toBe(true);
    expect(checkManageOf(branchAdmin, livingIn('B1', person('site-staff', 'staff@S1')), UNITS).ok).toBe(true);
    // Living in the branch, but an administrator at head office: not the branch's to manage.
    const hqAdmin = livingIn('B1', person('hq-admin', 'custodian@B1', 'admin@HQ'));
    expect(checkManageOf(branchAdmin, hqAdmin, UNITS)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    // A role on another branch is as much out of reach.
    expect(checkManageOf(branchAdmin, livingIn('B1', person('two', 'staff@B1', 'staff@S2')), UNITS)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(checkManageOf(person('hq', 'admin@HQ'), hqAdmin, UNITS).ok).toBe(true);
  });
});

describe('checkRoleGrantChange: a branch administrator and a head-office administrator living in the branch', () => {
  const branchAdmin = person('b1-admin', 'admin@B1');
  const hqAdmin = livingIn('B1', person('hq-admin', 'custodian@B1', 'admin@HQ'));

  it('refuses both granting and revoking, even on the branch', () => {
    for (const change of [
      { mode: 'revoke', role: 'custodian', unitId: unit('B1') },
      { mode: 'grant', role: 'custodian', unitId: unit('S1') },
    ] as const) {
      expect(checkRoleGrantChange(branchAdmin, hqAdmin, change, UNITS), `${change.mode} ${change.role}@${change.unitId}`)
        .toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    }
  });

  it('still lets the branch administrator change a plain custodian of the branch', () => {
    const custodian = person('custodian', 'custodian@B1');
    expect(checkRoleGrantChange(branchAdmin, custodian, { mode: 'revoke', role: 'custodian', unitId: unit('B1') }, UNITS).ok).toBe(true);
    expect(checkRoleGrantChange(branchAdmin, custodian, { mode: 'grant', role: 'custodian', unitId: unit('S1') }, UNITS).ok).toBe(true);
  });

  it('lets a system administrator change them', () => {
    expect(checkRoleGrantChange(person('hq', 'admin@HQ'), hqAdmin, { mode: 'revoke', role: 'custodian', unitId: unit('B1') }, UNITS).ok).toBe(true);
  });
});
