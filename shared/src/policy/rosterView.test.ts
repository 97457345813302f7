import { describe, expect, it } from 'vitest';
import { fixtureRoster } from '../crypto/webauthnFixture.testing';
import type { Roster } from '../crypto/roster';
import { rosterView } from './rosterView';

// HQ → B1 → S1, HQ → B2; approver on B1, auditor-and-approver on HQ, staff on S1.
const roster: Roster = fixtureRoster('A'.repeat(43), {
  users: [
    { id: 'ann', displayName: 'Ann', roles: [{ role: 'approver', unitId: 'B1' }], credentials: [] },
    { id: 'hal', displayName: 'Hal', roles: [{ role: 'auditor', unitId: 'B2' }, { role: 'approver', unitId: 'HQ' }], credentials: [] },
    { id: 'sam', displayName: 'Sam', roles: [{ role: 'staff', unitId: 'S1' }], credentials: [] },
  ],
  units: [
    { id: 'HQ', parentId: null, kind: 'hq' },
    { id: 'B1', parentId: 'HQ', kind: 'branch' },
    { id: 'B2', parentId: 'HQ', kind: 'branch' },
    { id: 'S1', parentId: 'B1', kind: 'site', geofence: { lat: 30.25, lon: 120.17, radiusM: 500 } },
  ],
});

/**
 * A roster the schema would refuse (it is built by hand, never verified), the way a forged or
 * corrupted one could reach a verifier: the view must still name nobody it should not.
 */
const hostile = {
  ...roster,
  users: [
    { id: 'ann', displayName: 'Ann', roles: [{ role: 'approver', unitId: 'B1' }], credentials: [] },
    // Listed twice: once harmless, once with authority over everything.
    { id: 'eve', displayName: 'Eve', roles: [{ role: 'staff', unitId: 'S1' }], credentials: [] },
    { id: 'eve', displayName: 'Eve', roles: [{ role: 'admin', unitId: 'HQ' }, { role: 'approver', unitId: 'HQ' }], credentials: [] },
    // Roles on units the tree does not list, one valid role besides.
    { id: 'ola', displayName: 'Ola', roles: [{ role: 'approver', unitId: 'ELSEWHERE' }, { role: 'auditor', unitId: 'B2' }], credentials: [] },
    // Only roles outside the tree: homed at the HQ, with no authority.
    { id: 'pit', displayName: '', roles: [{ role: 'approver', unitId: 'GHOST' }], credentials: [] },
    // Ids and roles no valid record could carry.
    { id: 'bad id!', displayName: 'Bad', roles: [{ role: 'approver', unitId: 'HQ' }], credentials: [] },
    { id: 'rex', displayName: 'Rex', roles: [{ role: 'overlord', unitId: 'HQ' }, { role: 'staff', unitId: 'bad unit!' }], credentials: [] },
  ],
  // A user removed from the roster (deactivated) keeps only their revoked passkeys.
  revokedCredentials: [{ id: 'Q'.repeat(22), revokedAt: 1, userId: 'gus' }],
} as unknown as Roster;

describe('rosterView: authority', () => {
  const view = rosterView(roster);

  it('grants a role on the unit it is held on and on every unit below it', () => {
    expect(view.authorises('ann', 'approver', 'B1')).toBe(true);
    expect(view.authorises('ann', 'approver', 'S1')).toBe(true);
    expect(view.authorises('hal', 'approver', 'S1')).toBe(true);
    expect(view.authorises('hal', 'approver', 'B2')).toBe(true);
  });

  it('refuses units above or beside the one the role is held on', () => {
    expect(view.authorises('ann', 'approver', 'HQ')).toBe(false);
    expect(view.authorises('ann', 'approver', 'B2')).toBe(false);
  });

  it('refuses another role, even one held on the same unit', () => {
    expect(view.authorises('sam', 'approver', 'S1')).toBe(false);
    expect(view.authorises('hal', 'auditor', 'B1')).toBe(false);
    expect(view.authorises('hal', 'auditor', 'B2')).toBe(true);
  });

  it('refuses a user or a unit the roster does not list', () => {
    expect(view.authorises('nobody', 'approver', 'B1')).toBe(false);
    expect(view.authorises('hal', 'approver', 'S9')).toBe(false);
  });
});

describe('rosterView: users and units', () => {
  it('gives every user as an active domain user, homed at their first role', () => {
    expect(rosterView(roster).users).toEqual([
      { id: 'ann', name: 'Ann', unitId: 'B1', grants: [{ role: 'approver', unitId: 'B1' }], active: true },
      { id: 'hal', name: 'Hal', unitId: 'B2', grants: [{ role: 'auditor', unitId: 'B2' }, { role: 'approver', unitId: 'HQ' }], active: true },
      { id: 'sam', name: 'Sam', unitId: 'S1', grants: [{ role: 'staff', unitId: 'S1' }], active: true },
    ]);
  });

  it('gives the unit tree with names where given, ids where not, and geofences kept', () => {
    expect(rosterView(roster, new Map([['HQ', 'Head office'], ['S1', '']])).units).toEqual([
      { id: 'HQ', name: 'Head office', kind: 'hq', parentId: null },
      { id: 'B1', name: 'B1', kind: 'branch', parentId: 'HQ' },
      { id: 'B2', name: 'B2', kind: 'branch', parentId: 'HQ' },
      { id: 'S1', name: 'S1', kind: 'site', parentId: 'B1', geofence: { lat: 30.25, lon: 120.17, radiusM: 500 } },
    ]);
  });

  it('gives a unit chain nearest first, and none for a unit it does not list', () => {
    const view = rosterView(roster);
    expect(view.unitChain('S1')).toEqual(['S1', 'B1', 'HQ']);
    expect(view.unitChain('HQ')).toEqual(['HQ']);
    expect(view.unitChain('S9')).toEqual([]);
    expect(view.user('hal')?.name).toBe('Hal');
    expect(view.user('nobody')).toBeUndefined();
  });
});

describe('rosterView: a hostile roster', () => {
  const view = rosterView(hostile);

  it('names nobody by an id listed twice', () => {
    expect(view.user('eve')).toBeUndefined();
    expect(view.authorises('eve', 'approver', 'S1')).toBe(false);
    expect(view.authorises('eve', 'staff', 'S1')).toBe(false);
    expect(view.users.map((u) => u.id)).toEqual(['ann', 'ola', 'pit', 'rex']);
  });

  it('knows no user named only by a revoked passkey', () => {
    expect(view.user('gus')).toBeUndefined();
    expect(view.authorises('gus', 'approver', 'HQ')).toBe(false);
  });

  it('drops roles on units outside the tree: they cover nothing and do not make a home', () => {
    expect(view.user('ola')).toEqual({ id: 'ola', name: 'Ola', unitId: 'B2', grants: [{ role: 'auditor', unitId: 'B2' }], active: true });
    expect(view.user('pit')).toEqual({ id: 'pit', name: 'pit', unitId: 'HQ', grants: [], active: true });
    expect(view.authorises('ola', 'approver', 'ELSEWHERE')).toBe(false);
    expect(view.authorises('pit', 'approver', 'GHOST')).toBe(false);
  });

  it('leaves out ids and roles no valid record carries', () => {
    expect(view.user('bad id!')).toBeUndefined();
    expect(view.user('rex')).toEqual({ id: 'rex', name: 'Rex', unitId: 'HQ', grants: [], active: true });
    expect(view.authorises('rex', 'staff', 'HQ')).toBe(false);
  });

  it('leaves out units whose id or parent is not valid, and so the units below them', () => {
    const broken = { ...roster, units: [...roster.units, { id: 'X 1', parentId: 'HQ', kind: 'site' }, { id: 'S2', parentId: 'no such!', kind: 'site' }] } as unknown as Roster;
    const units = rosterView(broken).units.map((u) => u.id);
    expect(units).toEqual(['HQ', 'B1', 'B2', 'S1']);
    expect(rosterView(broken).unitChain('S2')).toEqual([]);
  });
});
