import { sha256, toHex, verifyDeviceLog, type DeviceEvent } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSealWorld, defaultGrant, holderConfirms, type SealWorld } from './sealWorld.testing';

let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const types = (entries: readonly DeviceEvent[]) => entries.map((e) => e.type);

describe('the unlock path (happy)', () => {
  it('unlocks with a valid grant, records exactly the approved stamps, then refuses the next press', async () => {
    const { client, hardware } = world;
    const grant = await defaultGrant(world);
    const assertion = await holderConfirms(world, grant);
    const unlocked = await client.unlock(grant, assertion);
    expect(unlocked.usesLeft).toBe(2);
    expect(hardware.locked).toBe(false);

    const first = await hardware.press(1);
    const second = await hardware.press(2);
    expect(first).toMatchObject({ stamped: true, useIndex: 1, usesLeft: 1 });
    expect(second).toMatchObject({ stamped: true, useIndex: 2, usesLeft: 0 });
    expect(hardware.locked).toBe(true);
    const third = await hardware.press(3);
    expect(third).toMatchObject({ stamped: false, code: 'locked' });

    const log = await client.readLogSince(0);
    expect(types(log)).toEqual(['boot', 'seal_bound', 'roster_installed', 'revocations_installed', 'unlock', 'stamp', 'stamp', 'lock', 'refusal']);
    const stamps = log.filter((e) => e.type === 'stamp');
    expect(stamps.map((s) => s.payload)).toMatchObject([
      { requestId: grant.requestId, grantId: grant.id, useIndex: 1, position: { lat: 30.25, lon: 120.17 } },
      { requestId: grant.requestId, useIndex: 2 },
    ]);
    expect(log.find((e) => e.type === 'lock')?.payload).toEqual({ cause: 'uses_exhausted' });
    expect(log.at(-1)?.payload).toMatchObject({ code: 'locked' });

    const verified = await verifyDeviceLog(log, world.device.publicJwk);
    expect(verified.ok).toBe(true);
  });

  it('keeps the photo of each stamp, whose SHA-256 is in the log', async () => {
    const grant = await defaultGrant(world);
    await world.client.unlock(grant, await holderConfirms(world, grant));
    const pressed = await world.hardware.press(7);
    if (!pressed.stamped) throw new Error('expected a stamp');
    const photo = await world.client.photo(pressed.seq);
    expect(new TextDecoder().decode(photo.subarray(0, 2))).toBe('P5');
    const digest = toHex(await sha256(photo));
    const [entry] = (await world.client.readLog(pressed.seq, 1)).entries;
    expect(entry?.type === 'stamp' && entry.payload.photoSha256).toBe(digest);
  });

  it('takes two round trips from the confirmed passkey to unlocked over 20-byte frames', async () => {
    const grant = await defaultGrant(world);
    const assertion = await holderConfirms(world, grant);
    const before = { ...world.transport.stats };
    await world.client.unlock(grant, assertion);
    expect(world.transport.stats.roundTrips - before.roundTrips).toBe(2);
  });
});
