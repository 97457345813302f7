import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asId, deviceIdSchema, generateOrgKeyPair, verifyDeviceLog } from '@seal/shared';
import { describe, expect, it } from 'vitest';
import { createSealDevice } from '../device/createSealDevice';
import { SimulatedClock, SimulatedHardware } from '../device/SimulatedHardware';
import { encodeCommand } from '../protocol/envelope';
import { runStoragePortTests } from '../device/storageSuite.testing';
import { runDoubleStampTests } from '../device/doubleStamp.testing';
import { FileKeys } from './FileKeys';
import { FileStorage } from './FileStorage';

runStoragePortTests('FileStorage', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'seal-storage-'));
  return { storage: await FileStorage.open(dir), reopen: () => FileStorage.open(dir), teardown: () => rm(dir, { recursive: true, force: true }) };
});

runDoubleStampTests('file flash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'seal-counters-'));
  return { storage: await FileStorage.open(dir), keys: new FileKeys(join(dir, 'key.json')), reopen: () => FileStorage.open(dir), teardown: () => rm(dir, { recursive: true, force: true }) };
});

describe('a file-backed device', () => {
  it('keeps its key and its log across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seal-device-'));
    try {
      const start = async () =>
        createSealDevice({ storage: await FileStorage.open(dir), keys: new FileKeys(join(dir, 'key.json')), clock: new SimulatedClock(1_767_225_600_000), hardware: new SimulatedHardware() });
      const first = await start();
      const org = await generateOrgKeyPair();
      await first.handle(encodeCommand('provision', { deviceId: asId(deviceIdSchema, 'dev-f'), orgPublicKey: org.publicJwk }));
      const second = await start();
      expect(second.publicJwk).toEqual(first.publicJwk);
      const entries = await second.core.log.read(0, 10);
      expect(entries.map((e) => e.type)).toEqual(['boot', 'boot']);
      expect((await verifyDeviceLog(entries, second.publicJwk)).ok).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
