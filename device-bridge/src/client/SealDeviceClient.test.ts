import { beforeEach, describe, expect, it } from 'vitest';
import { createSealWorld, defaultGrant, holderConfirms, type SealWorld } from '../device/sealWorld.testing';
import { MemoryTransport } from '../transport/memoryTransport';
import { SealDeviceClient } from './SealDeviceClient';
import { SealDeviceError } from './SealDeviceError';

let world: SealWorld;
beforeEach(async () => {
  world = await createSealWorld();
});

const unlocks = async () => (await world.client.readLogSince(0)).filter((e) => e.type === 'unlock').length;

describe('SealDeviceClient', () => {
  it('resumes an unlock whose reply was lost: asks status, never applies it twice', async () => {
    const grant = await defaultGrant(world);
    const assertion = await holderConfirms(world, grant);
    world.transport.dropAfterReads = 0; // the command arrives, the reply read fails
    const result = await world.client.unlock(grant, assertion);
    expect(result.usesLeft).toBe(2);
    expect(await unlocks()).toBe(1);
    expect((await world.client.status()).locked).toBe(false);
  });

  it('resends an unlock that never arrived (the nonce is still outstanding)', async () => {
    const grant = await defaultGrant(world);
    const assertion = await holderConfirms(world, grant);
    world.transport.dropAfterFrames = 3; // the link dies mid-command
    expect((await world.client.unlock(grant, assertion)).usesLeft).toBe(2);
    expect(await unlocks()).toBe(1);
  });

  it('reports a refusal made before the link dropped, with its code', async () => {
    const grant = await defaultGrant(world);
    const assertion = await holderConfirms(world, grant, world.passkeys.approver);
    world.transport.dropAfterReads = 0;
    const error = await world.client.unlock(grant, assertion).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'holder_mismatch' });
    expect((error as SealDeviceError).seq).toBeTypeOf('number');
  });

  it('resends idempotent commands after a drop', async () => {
    world.transport.dropAfterReads = 0;
    expect((await world.client.status()).locked).toBe(true);
  });

  it('gives up with "disconnected" when the link stays down', async () => {
    world.transport.drop();
    await world.transport.close();
    await expect(world.client.status()).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('retries empty reads until the reply is ready (a device that acknowledges writes at once)', async () => {
    const gatt = world.device.gatt;
    const eager = { ...gatt, write: (frame: Uint8Array) => gatt.write(frame, false) };
    const transport = new MemoryTransport(eager);
    const sleeps: number[] = [];
    const client = new SealDeviceClient(transport, { sleep: (ms) => (sleeps.push(ms), new Promise((resolve) => setTimeout(resolve, ms))) });
    const grant = await defaultGrant(world);
    await client.info();
    await client.nonce();
    const assertion = await world.passkeys.holder.assertRecord(client.unlockRecord(grant));
    expect((await client.unlock(grant, assertion)).usesLeft).toBe(2);
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it('needs a nonce before the holder confirms', async () => {
    const grant = await defaultGrant(world);
    const error = await world.client.unlock(grant, grant.decisions[0]!.assertion).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealDeviceError);
    expect((error as SealDeviceError).code).toBe('no_nonce');
  });

  it('negotiates a larger reply frame, and again after a reconnect', async () => {
    const big = await createSealWorld({ frameSize: 185 });
    expect((await big.client.info()).frameSize).toBe(185);
    const before = big.transport.stats.roundTrips;
    await big.client.status();
    expect(big.transport.stats.roundTrips - before).toBe(2);
    big.transport.dropAfterReads = 0;
    await big.client.status();
    const after = big.transport.stats.roundTrips;
    await big.client.status();
    expect(big.transport.stats.roundTrips - after).toBe(2);
  });
});
