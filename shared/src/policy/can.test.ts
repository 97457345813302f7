import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../domain/role';
import { admin, person, unit, UNITS, userId } from '../domain/fixtures.testing';
import { ACTIONS, type Action } from './action';
import { can, type PolicyTarget } from './can';

/** Who may do what, written out by hand (NOT read from PERMISSIONS). */
const EXPECTED: Record<Role, readonly Action[]> = {
  admin: ['unit.manage', 'user.invite', 'user.manage', 'role.grant', 'seal.create', 'seal.update', 'seal.transition', 'seal.bind_device', 'device.provision', 'device.bind', 'request.cancel', 'log.read', 'report.view', 'export', 'alarm.acknowledge', 'case.review', 'sheet.file'],
  custodian: ['seal.create', 'seal.update', 'seal.transition', 'seal.bind_device', 'device.provision', 'device.bind', 'log.read', 'report.view', 'alarm.acknowledge', 'case.review', 'sheet.file'],
  approver: ['request.decide'],
  staff: ['request.create', 'request.cancel', 'stamp.perform', 'sheet.file'],
  auditor: ['log.read', 'report.view', 'export', 'case.review'],
};

/**
 * A target that satisfies the action's own conditions for `actorId` (own request, grant holder,
 * someone else's request to decide, a move every transition-capable role may make).
 */
const targetFor = (action: Action, unitId: string, actorId: string): PolicyTarget => ({
  unitId: unit(unitId),
  requesterId: userId(action === 'request.decide' ? 'someone-else' : actorId),
  holderId: userId(actorId),
  sealCustodianId: userId('someone-else'),
  transition: { from: 'active', to: 'suspended' },
});

describe('can: every role × action, in scope and out of scope', () => {
  const cases = ROLES.flatMap((role) => ACTIONS.map((action) => [role, action] as const));

  it.each(cases)('%s → %s', (role, action) => {
    const actor = person(`actor-${role}`, `${role}@B1`);
    const allowed = EXPECTED[role].includes(action);
    // In scope: the target is in B1's subtree (a site below it).
    const inScope = can(actor, action, targetFor(action, 'S1', actor.id), UNITS);
    if (allowed) expect(inScope).toEqual({ ok: true, value: { role, unitId: 'B1' } });
    else expect(inScope).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    // Out of scope: the target is in another branch, or above the grant (HQ).
    for (const elsewhere of ['S2', 'B2', 'HQ']) {
      const outOfScope = can(actor, action, targetFor(action, elsewhere, actor.id), UNITS);
      expect(outOfScope).toMatchObject({ ok: false, error: { code: allowed ? 'out_of_scope' : 'not_permitted' } });
    }
  });
});

describe('can: conditions beyond scope', () => {
  const staff = person('staff', 'staff@S1');
  const approver = person('approver', 'approver@B1');

  it('lets staff cancel only their own request; an admin any in scope', () => {
    expect(can(staff, 'request.cancel', { unitId: unit('S1'), requesterId: userId('other') }, UNITS)).toMatchObject({ ok: false, error: { code: 'not_own_request', message: 'expected the requester "other" (or an admin) to request.cancel, got "staff"' } });
    expect(can(staff, 'request.cancel', { unitId: unit('S1'), requesterId: staff.id }, UNITS).ok).toBe(true);
    expect(can(admin, 'request.cancel', { unitId: unit('S1'), requesterId: userId('other') }, UNITS).ok).toBe(true);
  });

  it('never lets anyone decide their own request', () => {
    const both = person('both', 'staff@S1', 'approver@B1');
    expect(can(both, 'request.decide', { unitId: unit('B1'), requesterId: both.id }, UNITS)).toMatchObject({ ok: false, error: { code: 'self_decision' } });
    expect(can(approver, 'request.decide', { unitId: unit('B1'), requesterId: both.id }, UNITS).ok).toBe(true);
  });

  it('lets only the grant holder stamp', () => {
    expect(can(staff, 'stamp.perform', { unitId: unit('S1'), holderId: userId('other') }, UNITS)).toMatchObject({ ok: false, error: { code: 'not_grant_holder' } });
  });

  it('follows the lifecycle table per move', () => {
    const custodian = person('custodian', 'custodian@B1');
    const target = (from: 'lost' | 'active', to: 'active' | 'confiscated'): PolicyTarget => ({ unitId: unit('B1'), sealCustodianId: userId('x'), transition: { from, to } });
    expect(can(custodian, 'seal.transition', target('lost', 'active'), UNITS)).toMatchObject({ ok: false, error: { code: 'not_permitted', message: expect.stringMatching(/seal\.transition lost → active/) as unknown } });
    expect(can(custodian, 'seal.transition', target('active', 'confiscated'), UNITS)).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(can(admin, 'seal.transition', target('lost', 'active'), UNITS).ok).toBe(true);
  });

  it('asks for what a condition needs instead of guessing', () => {
    expect(can(staff, 'stamp.perform', { unitId: unit('S1') }, UNITS)).toMatchObject({ ok: false, error: { code: 'missing_target' } });
    expect(can(admin, 'seal.transition', { unitId: unit('S1') }, UNITS)).toMatchObject({ ok: false, error: { code: 'missing_target' } });
  });

  it('refuses a deactivated user whatever they hold', () => {
    expect(can({ ...admin, active: false }, 'log.read', { unitId: unit('HQ') }, UNITS)).toMatchObject({ ok: false, error: { code: 'inactive_user' } });
  });

  it('picks the grant deterministically and reports the one used', () => {
    const multi = person('multi', 'auditor@B1', 'admin@HQ', 'custodian@B1');
    expect(can(multi, 'log.read', { unitId: unit('S1') }, UNITS)).toEqual({ ok: true, value: { role: 'admin', unitId: 'HQ' } });
    expect(can(multi, 'log.read', { unitId: unit('unknown') }, UNITS)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
  });
});
