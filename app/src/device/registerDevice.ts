import type { DeviceInfo } from '@seal/device-bridge';
import { sealNamesDevice, type Device, type UnitId } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { StoreError } from '../store/StoreError';

/**
 * Registers a connected, provisioned device in a unit: its record (id, the public key that signs
 * its log) becomes an Automerge record that syncs like any other; from then on the server accepts
 * its log entries and checks them with that key. Admins and custodians over the unit only — the
 * server refuses anyone else's change, and says why in the sync status.
 *
 * The record is made free (holding no seal): a device's record takes only a seal whose record
 * names it (`deviceHoldRefusal`), and no seal names a device before it is registered. A device
 * already bound to a seal whose record, as this tablet holds it, names the device (recorded so
 * before the server required registration first) is then written holding it, as a second change.
 */
export async function registerDevice(store: LocalStore, info: DeviceInfo, unitId: string): Promise<Device> {
  if (info.deviceId === null) throw new StoreError('invalid_record', 'expected a provisioned device (with an id), got one that is not provisioned');
  const device: Device = {
    id: info.deviceId,
    serial: info.deviceId,
    publicKeyJwk: info.publicKey,
    unitId: unitId as UnitId,
    state: 'provisioned',
    sealId: null,
    provisionedAt: store.now(),
  };
  await store.records.create('device', device);
  const sealId = info.sealId;
  if (sealId !== null) {
    const seal = (await store.projection(`seal:${sealId}`))?.record as Parameters<typeof sealNamesDevice>[0];
    if (sealNamesDevice(seal, device.id)) {
      await store.records.update('device', device.id, (doc) => {
        doc.state = 'bound';
        doc.sealId = sealId;
      });
      await store.whenProjected();
      return { ...device, state: 'bound', sealId };
    }
  }
  await store.whenProjected();
  return device;
}
