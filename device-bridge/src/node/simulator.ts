import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asId, deviceIdSchema, exportPublicJwk, jwkThumbprint, type DeviceId, type OrgKeyPair } from '@seal/shared';
import { SealDeviceClient } from '../client/SealDeviceClient';
import { createSealDevice, type SealDevice } from '../device/createSealDevice';
import { SimulatedClock, SimulatedHardware } from '../device/SimulatedHardware';
import { MemoryTransport } from '../transport/memoryTransport';
import { FileKeys } from './FileKeys';
import { FileStorage } from './FileStorage';

/** One simulated device in the CLI: the state machine, its board and clock, and a client on a memory link. */
export interface SimulatedDevice {
  readonly deviceId: DeviceId;
  readonly dir: string;
  readonly device: SealDevice;
  readonly hardware: SimulatedHardware;
  readonly clock: SimulatedClock;
  readonly transport: MemoryTransport;
  readonly client: SealDeviceClient;
}

/** Starts (or restarts) device `deviceId` with its state under `root/deviceId`. */
export async function startSimulatedDevice(root: string, deviceId: string, options: { readonly driftPpm?: number; readonly position?: { lat: number; lon: number } } = {}): Promise<SimulatedDevice> {
  const dir = join(root, deviceId);
  const storage = await FileStorage.open(dir);
  const clock = new SimulatedClock(Date.now(), { driftPpm: options.driftPpm ?? 0 });
  const hardware = new SimulatedHardware({ position: options.position === undefined ? null : { ...options.position, accuracyM: 8 }, batteryPercent: 90 });
  const device = await createSealDevice({ storage, clock, hardware, keys: new FileKeys(join(dir, 'device-key.json')) });
  const transport = new MemoryTransport(device.gatt);
  const client = new SealDeviceClient(transport);
  return { deviceId: asId(deviceIdSchema, deviceId), dir, device, hardware, clock, transport, client };
}

/**
 * The demo organisation key, kept in `file` (extractable: it is a demo) so every run of the
 * simulator signs with the key its devices were provisioned with.
 */
export async function loadOrCreateOrgKey(file: string): Promise<OrgKeyPair> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(await readFile(file, 'utf8')) as JsonWebKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const pair = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  const privateKey = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']);
  const { d: _d, key_ops: _ops, ...pub } = jwk;
  const publicKey = await crypto.subtle.importKey('jwk', pub, algorithm, true, ['verify']);
  const publicJwk = await exportPublicJwk(publicKey);
  return { privateKey, publicKey, publicJwk, keyId: await jwkThumbprint(publicJwk) };
}
