import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../domain/role';
import { checkRoleCombination, rolesIncompatibleWith } from './roleCombination';

/** Written out by hand (NOT read from INCOMPATIBLE_ROLES): who may not also be whom. */
const NOT_WITH: Record<Role, readonly Role[]> = {
  admin: ['approver', 'auditor', 'staff'],
  custodian: ['auditor'],
  approver: ['admin', 'auditor'],
  staff: ['admin', 'auditor'],
  auditor: ['admin', 'custodian', 'approver', 'staff'],
};

describe('separation of duties: role combinations on one person', () => {
  it.each(ROLES)('%s is incompatible with exactly the roles listed by hand', (role) => {
    expect([...rolesIncompatibleWith(role)].sort()).toEqual([...NOT_WITH[role]].sort());
  });

  it.each(ROLES.flatMap((a) => ROLES.map((b) => [a, b] as const)))('%s + %s', (a, b) => {
    const outcome = checkRoleCombination([a, b]);
    if (NOT_WITH[a].includes(b)) expect(outcome).toMatchObject({ ok: false, error: { code: 'incompatible_roles' } });
    else expect(outcome.ok).toBe(true);
  });

  it('judges a whole set, whatever the order and repeats', () => {
    expect(checkRoleCombination(['custodian', 'approver', 'staff', 'custodian']).ok).toBe(true);
    expect(checkRoleCombination(['staff', 'custodian', 'approver', 'auditor'])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/auditor/) as unknown } });
    expect(checkRoleCombination([]).ok).toBe(true);
  });
});
