import { describe, it } from 'vitest';
import { expectRefused } from './refusalExpect.testing';
import { createSealWorld, defaultGrant, holderConfirms, HOUR, rebootWorld, T0 } from './sealWorld.testing';
import { MemoryKeys } from './memoryKeys';
import { MemoryStorage } from './MemoryStorage';
import { runDoubleStampTests } from './doubleStamp.testing';

// Memory flash: a reboot keeps the same bytes (what a power cycle does to flash).
runDoubleStampTests('memory flash', () => {
  const storage = new MemoryStorage();
  return Promise.resolve({ storage, keys: new MemoryKeys(), reopen: () => Promise.resolve(storage), teardown: () => Promise.resolve() });
});

describe('a device upgraded from firmware 1.0.0', () => {
  it('reads the old counter table and keeps counting: a replay is still refused', async () => {
    const world = await createSealWorld();
    const grant = await defaultGrant(world);
    await world.client.unlock(grant, await holderConfirms(world, grant));
    await world.hardware.press(1);
    await world.hardware.press(2);
    // What 1.0.0 wrote: `{ [requestId]: { used, notAfter } }`.
    await world.storage.put('counters', new TextEncoder().encode(JSON.stringify({ [world.request.id]: { used: 2, notAfter: T0 + 24 * HOUR } })));
    const upgraded = await rebootWorld(world);
    await expectRefused(upgraded, upgraded.client.unlock(grant, await holderConfirms(upgraded, grant)), 'uses_exhausted');
  });
});
