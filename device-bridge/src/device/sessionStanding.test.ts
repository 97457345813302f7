import type { Roster } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { signSealBinding } from '../protocol/orgRecords';
import { expectRefused } from './refusalExpect.testing';
import { approve, createSealWorld, defaultGrant, DEVICE_ID, grantFor, holderConfirms, HOUR, SEAL, T0, worldRoster, type SealWorld } from './sealWorld.testing';

/**
 * A session stands only while its grant would still unlock: a newer roster or binding under which
 * the unlock's own rules refuse the grant's approvals ends the session at once (`sessionStanding.ts`).
 */
let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const unlockWith = async (grant: Awaited<ReturnType<typeof defaultGrant>>) => world.client.unlock(grant, await holderConfirms(world, grant));
const lastTwo = async () => (await world.client.readLogSince(0)).slice(-2).map((e) => [e.type, e.type === 'lock' ? e.payload.cause : null]);
const revokedApproverKey = (r: Roster): Roster['revokedCredentials'] => [...r.revokedCredentials, { id: world.passkeys.approver.id, revokedAt: T0 + HOUR, userId: 'approver' }];

describe('install_roster during a session: the grant\'s approvers', () => {
  it.each([
    ['revokes the passkey the approver signed with', 'approver_revoked', (r: Roster): Roster => ({ ...r, users: r.users.map((u) => (u.id === 'approver' ? { ...u, credentials: [] } : u)), revokedCredentials: revokedApproverKey(r) })],
    ['removes the approver', 'approver_unknown', (r: Roster): Roster => ({ ...r, users: r.users.filter((u) => u.id !== 'approver') })],
    ['takes away the approver\'s role over the seal\'s unit', 'approver_not_entitled', (r: Roster): Roster => ({ ...r, users: r.users.map((u) => (u.id === 'approver' ? { ...u, roles: [{ role: 'approver', unitId: 'B2' }] } : u)) })],
  ])('a newer roster that %s locks the device at once (logged), and the same grant is then refused (%s)', async (_, code, edit) => {
    const grant = await defaultGrant(world);
    await unlockWith(grant);
    expect((await world.hardware.press(1)).stamped).toBe(true);
    await world.client.installRoster(await worldRoster(world.org, world.passkeys, 2, edit));
    expect((await world.client.status()).locked).toBe(true);
    expect(await lastTwo()).toEqual([['roster_installed', null], ['lock', 'remote']]);
    expect(await world.hardware.press(2)).toMatchObject({ stamped: false, code: 'locked' });
    // The rule that locked it is the unlock's: the grant no longer opens the device.
    await expectRefused(world, unlockWith(grant), code);
  });

  it('a newer roster that changes only other people leaves a session approved by a still-entitled approver open', async () => {
    await unlockWith(await defaultGrant(world));
    await world.client.installRoster(await worldRoster(world.org, world.passkeys, 2, (r) => ({ ...r, users: r.users.filter((u) => u.id !== 'approver-hq') })));
    expect((await world.client.status()).locked).toBe(false);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: true, useIndex: 1 });
  });
});

describe('bind_seal during a session', () => {
  const binding = (version: number, minApprovals: number, custodianId: string = SEAL.custodianId) =>
    signSealBinding(world.org.privateKey, { deviceId: DEVICE_ID, version, sealId: SEAL.id, route: { sealKind: 'contract', minApprovals }, custodianId: custodianId as typeof SEAL.custodianId, sealUnitPath: [SEAL.unitId, 'HQ' as typeof SEAL.unitId], issuedAt: T0 });

  it('a newer binding of the same seal whose route the grant no longer meets locks the device (two approvals now asked, one carried)', async () => {
    const grant = await defaultGrant(world);
    await unlockWith(grant);
    await world.client.bindSeal(await binding(2, 2));
    expect((await world.client.status()).locked).toBe(true);
    expect(await lastTwo()).toEqual([['seal_bound', null], ['lock', 'remote']]);
    await expectRefused(world, unlockWith(grant), 'insufficient_approvals');
  });

  it('a newer binding naming the sole approver as the seal\'s custodian locks the device', async () => {
    await unlockWith(await defaultGrant(world));
    await world.client.bindSeal(await binding(2, 1, 'approver'));
    expect((await world.client.status()).locked).toBe(true);
  });

  it('a newer binding of the same seal the grant still meets leaves the session open', async () => {
    const both = await grantFor(world.request, [await approve(world.request, 'approver', world.passkeys.approver), await approve(world.request, 'approver-hq', world.passkeys.approverHq)]);
    await unlockWith(both);
    await world.client.bindSeal(await binding(2, 2));
    expect((await world.client.status()).locked).toBe(false);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: true, useIndex: 1 });
  });
});
