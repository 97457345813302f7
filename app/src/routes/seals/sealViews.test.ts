import { describe, expect, it } from 'vitest';
import {
  sealStatusChangeId,
  type Device, type DeviceId, type OrgUnit, type Role, type SealId, type SealRecord, type SealStatus, type SealStatusChange, type UnitId, type User,
} from '@seal/shared';
import {
  bindableDevices, changesBySeal, countByStatus, custodiansForNewSeal, filterByStatus, isFinalMove, moveName, movesFor,
  normalizeAntiCounterfeitCode, sealIsWaiting, sealViews, statusChangeRowId, timelineEntries, unitsWhereMayCreate,
} from './sealViews';
import { actorFromSession } from '../../auth/actorFromSession';

// HQ → B1 → S1, HQ → S2.
const UNITS: OrgUnit[] = [
  { id: 'HQ' as UnitId, name: 'HQ', kind: 'hq', parentId: null },
  { id: 'B1' as UnitId, name: 'Branch', kind: 'branch', parentId: 'HQ' as UnitId },
  { id: 'S1' as UnitId, name: 'Site 1', kind: 'site', parentId: 'B1' as UnitId },
  { id: 'S2' as UnitId, name: 'Site 2', kind: 'site', parentId: 'HQ' as UnitId },
];

const person = (id: string, ...grants: `${Role}@${string}`[]): User =>
  actorFromSession({
    id, name: id.toUpperCase(), unitId: grants[0]?.split('@')[1] ?? 'HQ', active: true,
    grants: grants.map((g) => ({ role: g.split('@')[0] as Role, unitId: g.split('@')[1]! })),
  });

const admin = person('ann', 'admin@HQ');
const custodian = person('cat', 'custodian@S1');
const branchCustodian = person('bob', 'custodian@B1');
const staff = person('sam', 'staff@S1');
const auditor = person('aud', 'auditor@HQ');

const seal = (id: string, extra: Partial<SealRecord> = {}): SealRecord =>
  ({
    id: id as SealId, name: `Seal ${id}`, kind: 'contract', form: 'physical', unitId: 'S1' as UnitId, custodianId: custodian.id,
    antiCounterfeitCode: '3301020012345', deviceId: null, createdAt: 1_000, ...extra,
  });

const change = (sealId: string, from: SealStatus | null, to: SealStatus, actor: User, role: Role, at: number): SealStatusChange => ({
  id: sealStatusChangeId(sealId as SealId, from, to, actor.id, at), sealId: sealId as SealId, from, to, actorId: actor.id, actorRole: role, reason: `${from ?? 'new'} to ${to}`, at,
});

const device = (id: string, unitId: string, extra: Partial<Device> = {}): Device =>
  ({ id: id as DeviceId, serial: `SN-${id}`, publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, unitId: unitId as UnitId, state: 'provisioned', sealId: null, provisionedAt: 0, ...extra });

const NOW = 1_000;

describe('seal status from lifecycle facts', () => {
  const made = change('A', null, 'active', custodian, 'custodian', 10);
  const suspended = change('A', 'active', 'suspended', custodian, 'custodian', 20);
  const resumed = change('A', 'suspended', 'active', custodian, 'custodian', 30);

  it('derives the status of each seal, in any order and with copies, newest seal first', () => {
    const views = sealViews([seal('A'), seal('B', { createdAt: 2_000 })], [resumed, made, suspended, suspended, change('B', null, 'active', admin, 'admin', 5)], new Set(), NOW);
    expect(views.map((v) => [v.seal.id, v.status])).toEqual([['B', 'active'], ['A', 'active']]);
    expect(sealViews([seal('A')], [made, suspended], new Set(), NOW)[0]!.status).toBe('suspended');
  });

  it('leaves refused changes out, and says "not known" without a creation change', () => {
    const refused = new Set([statusChangeRowId(resumed)]);
    expect(sealViews([seal('A')], [made, suspended, resumed], refused, NOW)[0]!.status).toBe('suspended');
    expect(sealViews([seal('A')], [], new Set(), NOW)[0]!.status).toBeNull();
    expect(changesBySeal([made, suspended], new Set([statusChangeRowId(made)])).get('A')).toEqual([suspended]);
  });

  it('takes a change into account from its time on', () => {
    expect(sealViews([seal('A')], [made, suspended], new Set(), 15)[0]!.status).toBe('active');
  });

  it('filters and counts by status', () => {
    const views = sealViews([seal('A'), seal('B'), seal('C')], [made, suspended, change('B', null, 'active', custodian, 'custodian', 1)], new Set(), NOW);
    expect(filterByStatus(views, 'suspended').map((v) => v.seal.id)).toEqual(['A']);
    expect(filterByStatus(views, 'unknown').map((v) => v.seal.id)).toEqual(['C']);
    expect(filterByStatus(views, 'all')).toHaveLength(3);
    expect(Object.fromEntries(countByStatus(views))).toEqual({ all: 3, suspended: 1, active: 1, unknown: 1 });
  });
});

describe('movesFor: the legal moves the actor may make', () => {
  const s = seal('A');
  it('gives custodians and admins the moves of their roles, in scope only', () => {
    expect(movesFor(custodian, s, 'active', UNITS)).toEqual(['suspended', 'lost', 'revoked']);
    expect(movesFor(admin, s, 'active', UNITS)).toEqual(['suspended', 'lost', 'confiscated', 'revoked']);
    expect(movesFor(custodian, s, 'suspended', UNITS)).toEqual(['active', 'lost', 'revoked']);
    expect(movesFor(custodian, seal('X', { unitId: 'S2' as UnitId }), 'active', UNITS)).toEqual([]);
  });

  it('never lets the own custodian of a seal declare it found; another admin may', () => {
    const both = person('cat', 'custodian@S1', 'admin@HQ');
    expect(movesFor(both, s, 'lost', UNITS)).not.toContain('active');
    expect(movesFor(admin, s, 'lost', UNITS)).toContain('active');
    expect(movesFor(branchCustodian, s, 'lost', UNITS)).toEqual(['revoked']);
  });

  it('gives staff, auditors, destroyed seals and unknown status nothing', () => {
    expect(movesFor(staff, s, 'active', UNITS)).toEqual([]);
    expect(movesFor(auditor, s, 'active', UNITS)).toEqual([]);
    expect(movesFor(admin, s, 'destroyed', UNITS)).toEqual([]);
    expect(movesFor(admin, s, null, UNITS)).toEqual([]);
  });

  it('names moves for their buttons and marks the ones with no way back', () => {
    expect(moveName('suspended', 'active')).toBe('resume');
    expect(moveName('lost', 'active')).toBe('found');
    expect(moveName('active', 'revoked')).toBe('revoked');
    expect(['suspended', 'lost', 'confiscated', 'revoked', 'destroyed'].filter((to) => isFinalMove(to as SealStatus))).toEqual(['confiscated', 'revoked', 'destroyed']);
  });
});

describe('who and what the new-seal form offers', () => {
  it('lists the units where the actor may make seals', () => {
    expect(unitsWhereMayCreate(custodian, UNITS, UNITS).map((u) => u.id)).toEqual(['S1']);
    expect(unitsWhereMayCreate(branchCustodian, UNITS, UNITS).map((u) => u.id)).toEqual(['B1', 'S1']);
    expect(unitsWhereMayCreate(admin, UNITS, UNITS)).toHaveLength(4);
    expect(unitsWhereMayCreate(staff, UNITS, UNITS)).toEqual([]);
  });

  it('offers an administrator the active custodians over the unit (held on it or above), by name: the shared sealCustodiansOf', () => {
    const gone = { ...person('zed', 'custodian@S1'), active: false };
    const users = [staff, custodian, branchCustodian, gone, admin];
    expect(custodiansForNewSeal('S1', users, UNITS, admin.id).map((u) => u.id)).toEqual(['bob', 'cat']);
    expect(custodiansForNewSeal('S2', users, UNITS, admin.id)).toEqual([]);
  });

  it('offers a custodian making a seal only themselves, an administrator every custodian', () => {
    const users = [staff, custodian, branchCustodian, admin];
    expect(custodiansForNewSeal('S1', users, UNITS, custodian.id).map((u) => u.id)).toEqual([custodian.id]);
    expect(custodiansForNewSeal('S1', users, UNITS, admin.id).map((u) => u.id)).toEqual(['bob', 'cat']);
  });

  it('offers free devices in service, in the subtree of the seal, that the actor may bind', () => {
    const devices = [
      device('d1', 'S1'),
      device('d2', 'S1', { state: 'bound', sealId: 'A' as SealId }),
      device('d3', 'S1', { state: 'bound', sealId: 'other' as SealId }),
      device('d4', 'S1', { state: 'retired' }),
      device('d5', 'S2'),
      device('d6', 'HQ'),
    ];
    expect(bindableDevices(devices, { id: 'A' as SealId, unitId: 'S1' as UnitId }, custodian, UNITS).map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(bindableDevices(devices, { id: 'A' as SealId, unitId: 'HQ' as UnitId }, admin, UNITS).map((d) => d.id)).toEqual(['d1', 'd2', 'd5', 'd6']);
    expect(bindableDevices(devices, { id: 'A' as SealId, unitId: 'S1' as UnitId }, staff, UNITS)).toEqual([]);
  });
});

describe('normalizeAntiCounterfeitCode', () => {
  it('keeps the digits of a grouped, pasted or full-width code', () => {
    expect(normalizeAntiCounterfeitCode(' 3301-020-012345 ')).toBe('3301020012345');
    expect(normalizeAntiCounterfeitCode('3301 020 012345')).toBe('3301020012345');
    expect(normalizeAntiCounterfeitCode('３３０１０２００１２３４５')).toBe('3301020012345');
  });

  it('leaves other characters for the check to report', () => {
    expect(normalizeAntiCounterfeitCode('3301O20012345')).toBe('3301O20012345');
  });
});

describe('rows waiting and the timeline', () => {
  const made = change('A', null, 'active', custodian, 'custodian', 10);
  const suspended = change('A', 'active', 'suspended', custodian, 'custodian', 20);
  // Made offline from "active" after the admin had reported it lost: a custodian may not revive it.
  const late = change('A', 'suspended', 'active', custodian, 'custodian', 40);
  const lost = change('A', 'suspended', 'lost', admin, 'admin', 30);

  it('knows when a row of a seal waits to go up, and only of that seal', () => {
    expect(sealIsWaiting('A', new Set([statusChangeRowId(made)]))).toBe(true);
    expect(sealIsWaiting('A', new Set(['change:seal:A:abc']))).toBe(true);
    expect(sealIsWaiting('A', new Set(['change:seal:AB:abc', `fact:seal_status_change:AB:new:active:x:1`]))).toBe(false);
  });

  it('lists every change oldest first with what came of it', () => {
    const refused = change('A', 'active', 'revoked', staff, 'custodian', 25);
    const entries = timelineEntries([late, suspended, made, lost, made, refused], new Set([statusChangeRowId(refused)]), new Set([statusChangeRowId(late)]));
    expect(entries.map((e) => [e.change.to, e.outcome, e.waiting])).toEqual([
      ['active', 'applied', false],
      ['suspended', 'applied', false],
      ['revoked', 'refused', false],
      ['lost', 'applied', false],
      ['active', 'skipped', true],
    ]);
  });
});
