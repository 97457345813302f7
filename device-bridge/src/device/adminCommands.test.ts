import { asId, deviceIdSchema, generateOrgKeyPair, signRecord, type Roster } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { signSealBinding } from '../protocol/orgRecords';
import { expectRefused } from './refusalExpect.testing';
import { createSealWorld, defaultGrant, DEVICE_ID, holderConfirms, HOUR, SEAL, T0, timeRecord, worldRoster, type SealWorld } from './sealWorld.testing';

let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

describe('install_roster', () => {
  it('installs a newer roster, accepts the same one again as a no-op, refuses an older one', async () => {
    const v3 = await worldRoster(world.org, world.passkeys, 3);
    const installed = await world.client.installRoster(v3);
    expect(installed.version).toBe(3);
    expect(installed.seq).toBeTypeOf('number');
    expect(await world.client.installRoster(v3)).toEqual({ version: 3 });
    expect((await world.client.info()).rosterVersion).toBe(3);
    await expectRefused(world, world.client.installRoster(await worldRoster(world.org, world.passkeys, 2)), 'roster_stale');
  });

  it('refuses a roster signed by another key, and a different roster under the version in force', async () => {
    const stranger = await generateOrgKeyPair();
    await expectRefused(world, world.client.installRoster(await worldRoster(stranger, world.passkeys, 5)), 'roster_invalid');
    const other = await worldRoster(world.org, world.passkeys, 1, (r) => ({ ...r, issuedAt: r.issuedAt + 1 }));
    await expectRefused(world, world.client.installRoster(other), 'roster_conflict');
  });
});

describe('install_roster during a session', () => {
  const unlockDefault = async () => {
    const grant = await defaultGrant(world);
    await world.client.unlock(grant, await holderConfirms(world, grant));
  };
  const revokedHolderKey = (r: Roster): Roster['revokedCredentials'] => [...r.revokedCredentials, { id: world.passkeys.holder.id, revokedAt: T0 + HOUR, userId: 'holder' }];

  it.each([
    ['revokes the passkey the holder unlocked with', (r: Roster): Roster => ({ ...r, users: r.users.map((u) => (u.id === 'holder' ? { ...u, credentials: [] } : u)), revokedCredentials: revokedHolderKey(r) })],
    ['deactivates the holder', (r: Roster): Roster => ({ ...r, users: r.users.filter((u) => u.id !== 'holder'), revokedCredentials: revokedHolderKey(r) })],
    ['takes away the holder\'s staff role', (r: Roster): Roster => ({ ...r, users: r.users.map((u) => (u.id === 'holder' ? { ...u, roles: [] } : u)) })],
  ])('a newer roster that %s locks the device at once (logged); the next press is refused', async (_, edit) => {
    await unlockDefault();
    expect((await world.hardware.press(1)).stamped).toBe(true);
    await world.client.installRoster(await worldRoster(world.org, world.passkeys, 2, edit));
    expect((await world.client.status()).locked).toBe(true);
    const log = await world.client.readLogSince(0);
    expect(log.slice(-2).map((e) => [e.type, e.type === 'lock' ? e.payload.cause : null])).toEqual([['roster_installed', null], ['lock', 'remote']]);
    expect(await world.hardware.press(2)).toMatchObject({ stamped: false, code: 'locked' });
  });

  it('a newer roster that still lets the holder stamp leaves the session open', async () => {
    await unlockDefault();
    await world.client.installRoster(await worldRoster(world.org, world.passkeys, 2, (r) => ({ ...r, users: r.users.filter((u) => u.id !== 'outsider') })));
    expect((await world.client.status()).locked).toBe(false);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: true, useIndex: 1 });
  });
});

describe('set_time', () => {
  it('moves the clock forward on an org-signed record and logs time_set', async () => {
    const at = T0 + 2 * HOUR;
    const reply = await world.client.setTime(await timeRecord(world, at));
    expect(reply.now).toBe(at);
    const [entry] = (await world.client.readLog(reply.seq!, 1)).entries;
    expect(entry).toMatchObject({ type: 'time_set', at, payload: { previous: T0 + HOUR, source: 'app' } });
  });

  it('never moves backwards: a time behind the device clock, or an older record replayed', async () => {
    await expectRefused(world, world.client.setTime(await timeRecord(world, T0)), 'time_backwards');
    const older = await timeRecord(world, T0 + 2 * HOUR);
    await world.client.setTime(await timeRecord(world, T0 + 3 * HOUR));
    await expectRefused(world, world.client.setTime(older), 'time_backwards');
    expect((await world.client.status()).clock).toBe(T0 + 3 * HOUR);
  });

  it('refuses a record for another device and one not signed by the org key', async () => {
    await expectRefused(world, world.client.setTime(await timeRecord(world, T0 + 2 * HOUR, asId(deviceIdSchema, 'dev-2'))), 'wrong_device');
    const stranger = await generateOrgKeyPair();
    const record = { purpose: 'seal-device-time' as const, deviceId: DEVICE_ID, at: T0 + 2 * HOUR };
    await expectRefused(world, world.client.setTime({ record, signature: await signRecord(stranger.privateKey, record) }), 'time_invalid');
  });
});

describe('bind_seal and provision', () => {
  const binding = (version: number) => ({ deviceId: DEVICE_ID, version, sealId: SEAL.id, route: { sealKind: 'contract' as const, minApprovals: 2 }, custodianId: SEAL.custodianId, sealUnitPath: [SEAL.unitId], issuedAt: T0 });

  it('takes a newer binding, refuses an older one', async () => {
    expect(await world.client.bindSeal(await signSealBinding(world.org.privateKey, binding(2)))).toMatchObject({ version: 2 });
    await expectRefused(world, world.client.bindSeal(await signSealBinding(world.org.privateKey, binding(1))), 'binding_stale');
    const stranger = await generateOrgKeyPair();
    await expectRefused(world, world.client.bindSeal(await signSealBinding(stranger.privateKey, binding(3))), 'binding_invalid');
  });

  it('provisions once: the same again is a no-op, another identity is refused and logged', async () => {
    expect((await world.client.provision(DEVICE_ID, world.org.publicJwk)).publicKey).toEqual(world.device.publicJwk);
    await expectRefused(world, world.client.provision(asId(deviceIdSchema, 'dev-9'), world.org.publicJwk), 'already_provisioned');
  });
});
