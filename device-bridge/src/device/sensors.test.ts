import { verifyDeviceLog } from '@seal/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSealDevice } from './createSealDevice';
import { SimulatedClock } from './SimulatedHardware';
import { createSealWorld, defaultGrant, holderConfirms, HOUR, type SealWorld } from './sealWorld.testing';

let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const unlock = async () => {
  const grant = await defaultGrant(world);
  await world.client.unlock(grant, await holderConfirms(world, grant));
};
const lastEntries = async (n: number) => (await world.client.readLogSince(0)).slice(-n);

describe('simulated hardware', () => {
  it('a press while locked is refused and logged', async () => {
    expect(await world.hardware.press(1)).toMatchObject({ stamped: false, code: 'locked' });
    expect(await lastEntries(1)).toMatchObject([{ type: 'refusal', payload: { code: 'locked', requestId: null } }]);
  });

  it('opening the case logs tamper and locks', async () => {
    await unlock();
    await world.hardware.openCase('screws removed');
    expect(world.hardware.locked).toBe(true);
    expect(await lastEntries(2)).toMatchObject([{ type: 'tamper', payload: { detail: 'screws removed' } }, { type: 'lock', payload: { cause: 'tamper' } }]);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: false, code: 'locked' });
  });

  it('a tamper detail cut at 500 characters inside an emoji is still logged (cut before it) and still locks', async () => {
    await unlock();
    await world.hardware.openCase(`${'x'.repeat(499)}😀`);
    expect(world.hardware.locked).toBe(true);
    expect(await lastEntries(2)).toMatchObject([{ type: 'tamper', payload: { detail: 'x'.repeat(499) } }, { type: 'lock', payload: { cause: 'tamper' } }]);
  });

  it('leaving the geofence while unlocked logs a breach and locks', async () => {
    await unlock();
    const away = { lat: 30.3, lon: 120.17, accuracyM: 5 };
    await world.hardware.moveTo(away);
    expect(await lastEntries(2)).toMatchObject([{ type: 'geofence_breach', payload: { position: away } }, { type: 'lock', payload: { cause: 'geofence_breach' } }]);
    expect((await world.client.status()).locked).toBe(true);
  });

  it('logs low battery once per discharge', async () => {
    await world.hardware.setBattery(12);
    await world.hardware.setBattery(9);
    await world.hardware.setBattery(40);
    await world.hardware.setBattery(10);
    const lows = (await world.client.readLogSince(0)).filter((e) => e.type === 'low_battery');
    expect(lows.map((e) => e.payload)).toEqual([{ percent: 12 }, { percent: 10 }]);
  });

  it('locks an idle session, and a session whose window closed', async () => {
    await unlock();
    world.clock.advance(11 * 60_000);
    expect(await world.hardware.press(1)).toMatchObject({ stamped: false, code: 'locked' });
    expect((await lastEntries(2))[0]).toMatchObject({ type: 'lock', payload: { cause: 'timeout' } });
    await unlock();
    world.clock.advance(23 * HOUR);
    expect((await world.client.status()).locked).toBe(true);
    expect(await lastEntries(1)).toMatchObject([{ type: 'lock', payload: { cause: 'window_closed' } }]);
  });

  it('a simulated clock drifts by its ppm', () => {
    const drifting = new SimulatedClock(1_000, { manual: true, driftPpm: 100 });
    drifting.advance(1_000_000);
    expect(drifting.now()).toBe(1_000 + 1_000_100);
  });

  it('boots locked after a restart, keeps its log and counters, and logs boot', async () => {
    await unlock();
    await world.hardware.press(1);
    const restarted = await createSealDevice({ storage: world.storage, keys: world.keys, clock: world.clock, hardware: world.hardware });
    expect(restarted.core.session).toBeNull();
    expect(restarted.core.usesMade(world.request.id)).toBe(1);
    const entries = await restarted.core.log.read(0, 100);
    expect(entries.at(-1)).toMatchObject({ type: 'boot' });
    expect((await verifyDeviceLog(entries, restarted.publicJwk)).ok).toBe(true);
  });
});
