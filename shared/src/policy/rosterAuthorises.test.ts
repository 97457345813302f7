import { describe, expect, it } from 'vitest';
import { fixtureRoster } from '../crypto/webauthnFixture.testing';
import type { Roster } from '../crypto/roster';
import { rosterAuthorises } from './rosterAuthorises';

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

describe('rosterAuthorises', () => {
  it('grants a role on the unit it is held on and on every unit below it', () => {
    expect(rosterAuthorises(roster, 'ann', 'approver', 'B1')).toBe(true);
    expect(rosterAuthorises(roster, 'ann', 'approver', 'S1')).toBe(true);
    expect(rosterAuthorises(roster, 'hal', 'approver', 'S1')).toBe(true);
    expect(rosterAuthorises(roster, 'hal', 'approver', 'B2')).toBe(true);
  });

  it('refuses units above or beside the one the role is held on', () => {
    expect(rosterAuthorises(roster, 'ann', 'approver', 'HQ')).toBe(false);
    expect(rosterAuthorises(roster, 'ann', 'approver', 'B2')).toBe(false);
  });

  it('refuses another role, even one held on the same unit', () => {
    expect(rosterAuthorises(roster, 'sam', 'approver', 'S1')).toBe(false);
    expect(rosterAuthorises(roster, 'hal', 'auditor', 'B1')).toBe(false);
    expect(rosterAuthorises(roster, 'hal', 'auditor', 'B2')).toBe(true);
  });

  it('refuses a user or a unit the roster does not list', () => {
    expect(rosterAuthorises(roster, 'nobody', 'approver', 'B1')).toBe(false);
    expect(rosterAuthorises(roster, 'hal', 'approver', 'S9')).toBe(false);
  });
});
