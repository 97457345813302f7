import type { Device } from './device';
import { isInSubtree, type TreeUnit, type Units } from './orgTree';

/**
 * Why a physical seal may not be locked in `device`, or `undefined` when it may: the device is
 * free (provisioned) or holds this very seal, and it lies in the seal's unit or below it. Who may
 * do it is the policy's (`device.bind` in the device's own unit). The app offers only such devices
 * (`bindableDevices`); the server refuses a seal record pointed at any other, or at a device not
 * on record at all (`validateChange`; the binding route likewise signs for registered devices only):
 * otherwise a custodian of one site could point their seal at another site's device, see its log
 * as their seal's evidence, and have the server sign a binding that takes it over.
 */
export function sealLockRefusal(device: Pick<Device, 'id' | 'unitId' | 'state' | 'sealId'>, seal: { readonly id: string; readonly unitId: string }, units: Units<TreeUnit>): string | undefined {
  if (!(device.state === 'provisioned' || (device.state === 'bound' && device.sealId === seal.id))) {
    return `device "${device.id}" is ${device.state}${device.sealId === null ? '' : ` with seal "${device.sealId}"`}, not free for seal "${seal.id}"`;
  }
  if (!isInSubtree(device.unitId, seal.unitId, units)) return `device "${device.id}" belongs to unit "${device.unitId}", outside seal "${seal.id}"'s unit "${seal.unitId}"`;
  return undefined;
}
