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

/**
 * Whether `device`'s own record says it holds the seal `sealId` (bound to it). Only then does the
 * server sign that seal's binding for it, and only then is its log that seal's evidence: two seal
 * records naming one device (a client that left the device record as it was) never both have it.
 */
export const holdsSeal = (device: Pick<Device, 'state' | 'sealId'>, sealId: string): boolean => device.state === 'bound' && device.sealId === sealId;

/**
 * Why a device record may not come to hold the seal it names (`after.sealId`, other than
 * `beforeSealId`), or `undefined` when it may: a device lets one seal go before it takes another,
 * and it takes only a recorded physical seal locked in it (`seal`, as recorded, names this device),
 * of a unit whose subtree holds the device. The app writes the seal's record before the device's
 * (`makeSeal`, one write), so the seal is there when the device's change is judged. Otherwise a
 * client could point a device at any seal and have the server sign a binding taking it over.
 */
export function deviceHoldRefusal(
  beforeSealId: string | null,
  after: Pick<Device, 'id' | 'unitId' | 'sealId'>,
  seal: { readonly id: string; readonly form: string; readonly unitId: string; readonly deviceId?: string | null } | undefined,
  units: Units<TreeUnit>,
): string | undefined {
  const sealId = after.sealId;
  if (sealId === null || sealId === beforeSealId) return undefined;
  if (beforeSealId !== null) return `device "${after.id}" holds seal "${beforeSealId}": it lets that seal go before it takes seal "${sealId}"`;
  if (seal === undefined) return `seal "${sealId}" is not recorded: record the seal locked in device "${after.id}" first`;
  if (seal.form !== 'physical' || seal.deviceId !== after.id) {
    return `seal "${sealId}" is locked in ${seal.form !== 'physical' ? 'no device (electronic)' : typeof seal.deviceId === 'string' ? `device "${seal.deviceId}"` : 'no device'}, not "${after.id}"`;
  }
  if (!isInSubtree(after.unitId, seal.unitId, units)) return `device "${after.id}" belongs to unit "${after.unitId}", outside seal "${sealId}"'s unit "${seal.unitId}"`;
  return undefined;
}
