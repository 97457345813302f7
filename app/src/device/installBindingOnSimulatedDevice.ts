import { loadSimulatedDevice } from './loadSimulatedDevice';
import type { SealForBinding } from './simulatedDevice';
import { simulatedDeviceIds } from './simulatedDeviceIds';

/**
 * After a seal was recorded as locked in a device: when that device is a simulated one kept in
 * this browser, installs the seal's binding on it as soon as the record has reached the server
 * (the server signs bindings only for recorded seals). Best effort — offline, or when the sync
 * fails, the binding waits for "Update simulated device" on /devices. Resolves with whether the
 * binding was installed. The simulated device is loaded only when this browser keeps that device.
 */
export async function installBindingOnSimulatedDevice(seal: SealForBinding & { readonly id: string; readonly form: string; readonly deviceId?: string | null }, awaitInSync: () => Promise<void>): Promise<boolean> {
  if (seal.form !== 'physical' || seal.deviceId === null || seal.deviceId === undefined || !navigator.onLine) return false;
  if (!(await simulatedDeviceIds()).includes(seal.deviceId)) return false;
  try {
    await awaitInSync();
    const { openSimulatedSeal } = await loadSimulatedDevice();
    // Not while a stamping session holds the device: /devices offers "update" for later.
    const sim = await openSimulatedSeal(seal.deviceId, { seal, wait: false });
    const installed = (await sim.client.info()).sealId === seal.id;
    sim.close();
    return installed;
  } catch (error) {
    console.warn(`The simulated device "${seal.deviceId}" did not take the binding of seal "${seal.id}" yet`, error);
    return false;
  }
}
