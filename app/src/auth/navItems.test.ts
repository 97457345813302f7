import { describe, expect, it } from 'vitest';
import type { Role, TreeUnit, User } from '@seal/shared';
import { bottomBar, currentItem, navItems } from './navItems';

const units: TreeUnit[] = [
  { id: 'hq', parentId: null },
  { id: 'east', parentId: 'hq' },
  { id: 'east-site', parentId: 'east' },
];
const person = (grants: [Role, string][], active = true): User =>
  ({ id: 'u1', name: 'Someone', unitId: 'east-site', grants: grants.map(([role, unitId]) => ({ role, unitId })), active }) as User;
const keys = (user: User | undefined, tree = units) => navItems(user, tree).map((i) => i.key);

describe('the navigation shows only what the roles allow', () => {
  // Each list written by hand from what each role does in the organisation.
  it('site staff: their requests and the stamping screen', () => {
    expect(keys(person([['staff', 'east-site']]))).toEqual(['home', 'requests', 'stamp']);
  });
  it('an approver: approvals only', () => {
    expect(keys(person([['approver', 'east']]))).toEqual(['home', 'approvals']);
  });
  it('staff who also approve: both', () => {
    expect(keys(person([['staff', 'east-site'], ['approver', 'east']]))).toEqual(['home', 'requests', 'approvals', 'stamp']);
  });
  it('a custodian: requests of their units, seals, headquarters\' log, devices, archive — no stamping, no people', () => {
    expect(keys(person([['custodian', 'east-site']]))).toEqual(['home', 'requests', 'seals', 'hq', 'devices', 'archive']);
  });
  it('an auditor reads: requests, seals, log, devices, archive, people — never units, invitations or webhooks', () => {
    expect(keys(person([['auditor', 'hq']]))).toEqual(['home', 'requests', 'seals', 'hq', 'devices', 'archive', 'people']);
  });
  it('an administrator runs the system: no approvals, no stamping', () => {
    expect(keys(person([['admin', 'east']]))).toEqual(['home', 'requests', 'seals', 'hq', 'devices', 'archive', 'people', 'units', 'invitations', 'routes', 'webhooks']);
  });
  it('a grant on a unit the tree does not list yet (offline) still counts', () => {
    expect(keys(person([['custodian', 'new-site']]))).toEqual(['home', 'requests', 'seals', 'hq', 'devices', 'archive']);
    expect(keys(person([['admin', 'east']]), [])).toContain('people');
  });
  it('someone deactivated, or with no roles, or signed out, finds nothing but home (or nothing)', () => {
    expect(keys(person([['admin', 'hq']], false))).toEqual(['home']);
    expect(keys(person([]))).toEqual(['home']);
    expect(keys(undefined)).toEqual([]);
  });
});

describe('the bottom bar and the current place', () => {
  it('keeps up to five places as they are, and puts the rest of a longer list behind "More"', () => {
    const staff = navItems(person([['staff', 'east-site'], ['approver', 'east']]), units);
    expect(bottomBar(staff)).toEqual({ shown: staff, more: [] });
    const admin = navItems(person([['admin', 'hq']]), units);
    const split = bottomBar(admin);
    expect(split.shown.map((i) => i.key)).toEqual(['home', 'requests', 'seals', 'hq']);
    expect(split.more.map((i) => i.key)).toEqual(['devices', 'archive', 'people', 'units', 'invitations', 'routes', 'webhooks']);
  });
  it('marks the place a path lies in, home only at /', () => {
    const admin = navItems(person([['admin', 'hq']]), units);
    expect(currentItem(admin, '/')).toBe('home');
    expect(currentItem(admin, '/requests/req-1')).toBe('requests');
    expect(currentItem(admin, '/admin/units/unit-2')).toBe('units');
    expect(currentItem(admin, '/hq/cases')).toBe('hq');
    expect(currentItem(admin, '/passkeys')).toBeUndefined();
    expect(currentItem(admin, '/requestsX')).toBeUndefined();
  });
});
