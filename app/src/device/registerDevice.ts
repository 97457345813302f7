import type { DeviceInfo } from '@seal/device-bridge';
import type { Device, UnitId } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { StoreError } from '../store/StoreError';

/**
 * Registers a connected, provisioned device in a unit: its record (id, the public key that signs
 * its log, the seal it holds) becomes an Automerge record that syncs like any other; from then on
 * the server accepts its log entries and checks them with that key. Admins and custodians over the
 * unit only — the server refuses anyone else's change, and says why in the sync status.
 */
export async function registerDevice(store: LocalStore, info: DeviceInfo, unitId: string): Promise<Device> {
  if (info.deviceId === null) throw new StoreError('invalid_record', 'expected a provisioned device (with an id), got one that is not provisioned');
  const device: Device = {
    id: info.deviceId,
    serial: info.deviceId,
    publicKeyJwk: info.publicKey,
    unitId: unitId as UnitId,
    state: info.sealId === null ? 'provisioned' : 'bound',
    sealId: info.sealId,
    provisionedAt: store.now(),
  };
  await store.records.create('device', device);
  await store.whenProjected();
  return device;
}
