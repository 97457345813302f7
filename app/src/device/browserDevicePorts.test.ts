import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { asId, deviceIdSchema, generateOrgKeyPair, verifyDeviceLog } from '@seal/shared';
import { createSealDevice, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware } from '@seal/device-bridge';
import { describe, expect, it } from 'vitest';
import { runDoubleStampTests, runStoragePortTests } from '@seal/device-bridge/testing';
import { openPersistentDevicePorts } from './browserDevicePorts';

let counter = 0;
const run = crypto.randomUUID();
const fresh = () => `sim-device-test-${run}-${++counter}`;
const open = (name: string) => openPersistentDevicePorts(name, { indexedDB, IDBKeyRange });

runStoragePortTests('IndexedDB (simulated device in the browser)', () => {
  const name = fresh();
  let ports = open(name);
  return Promise.resolve({
    storage: ports.storage,
    reopen: () => {
      ports.close();
      ports = open(name);
      return Promise.resolve(ports.storage);
    },
    teardown: () => Promise.resolve(ports.close()),
  });
});

runDoubleStampTests('IndexedDB flash (simulated device in the browser)', () => {
  const name = fresh();
  let ports = open(name);
  return Promise.resolve({
    storage: ports.storage,
    // The secure element of whichever opening of the database is current.
    keys: { load: () => ports.keys.load(), generate: () => ports.keys.generate() },
    reopen: () => {
      ports.close();
      ports = open(name);
      return Promise.resolve(ports.storage);
    },
    teardown: () => Promise.resolve(ports.close()),
  });
});

describe('a simulated device kept in IndexedDB', () => {
  it('keeps its identity key, provisioning and log across a reload', async () => {
    const name = fresh();
    const start = async () => {
      const ports = open(name);
      const device = await createSealDevice({ ...ports, clock: new SimulatedClock(1_790_000_000_000), hardware: new SimulatedHardware() });
      return { ports, device, client: new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }), { sleep: () => Promise.resolve() }) };
    };
    const first = await start();
    const org = await generateOrgKeyPair();
    await first.client.provision(asId(deviceIdSchema, 'dev-sim'), org.publicJwk);
    first.ports.close();

    const second = await start();
    const info = await second.client.info();
    expect(info.deviceId).toBe('dev-sim');
    expect(info.publicKey).toEqual(second.device.publicJwk);
    expect(second.device.publicJwk).toEqual(first.device.publicJwk);
    const entries = await second.client.readLogSince(0);
    expect(entries.map((e) => e.type)).toEqual(['boot', 'boot']);
    expect((await verifyDeviceLog(entries, second.device.publicJwk)).ok).toBe(true);
    second.ports.close();
  });
});
