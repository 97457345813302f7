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

/** A seal's record as the device rule reads it: its form and, for a physical seal, the device it names. */
export interface HeldSealRecord {
  readonly id: string;
  readonly form: string;
  readonly unitId: string;
  readonly deviceId?: string | null;
}

/** Whether a seal's record (`undefined`: none held) says the seal is locked in the device `deviceId`. */
export const sealNamesDevice = (seal: Pick<HeldSealRecord, 'form' | 'deviceId'> | undefined, deviceId: string): boolean => seal?.form === 'physical' && seal.deviceId === deviceId;

/**
 * Why a device record may not change the seal it holds from `before` (`beforeSealId`, with that
 * seal's record `letGo`) to `after.sealId` (with that seal's record `taken`), or `undefined` when
 * it may. A device takes only a recorded physical seal whose record names it, of a unit whose
 * subtree holds the device, and lets one seal go before it takes another; it lets a seal go only
 * once that seal's record no longer names it (the seal was locked elsewhere, or in none). The app
 * writes the seal's record before the devices' in one write (`makeSeal`, `bindSeal`), so the seal
 * is as it should be when the device's change is judged. Otherwise a client could point a device
 * at any seal and have the server sign a binding taking it over, or free a device still holding
 * a seal in use, which would hide that device's log from the seal's evidence.
 */
export function deviceHoldRefusal(
  beforeSealId: string | null,
  after: Pick<Device, 'id' | 'unitId' | 'sealId'>,
  records: { readonly letGo: HeldSealRecord | undefined; readonly taken: HeldSealRecord | undefined },
  units: Units<TreeUnit>,
): string | undefined {
  const sealId = after.sealId;
  if (sealId === beforeSealId) return undefined;
  if (beforeSealId !== null) {
    if (sealId !== null) return `device "${after.id}" holds seal "${beforeSealId}": it lets that seal go before it takes seal "${sealId}"`;
    return sealNamesDevice(records.letGo, after.id) ? `seal "${beforeSealId}" is still locked in device "${after.id}": lock the seal in another device, or in none, before the device lets it go` : undefined;
  }
  if (sealId === null) return undefined;
  const seal = records.taken;
  if (seal === undefined) return `seal "${sealId}" is not recorded: record the seal locked in device "${after.id}" first`;
  if (!sealNamesDevice(seal, after.id)) {
    return `seal "${sealId}" is locked in ${seal.form !== 'physical' ? 'no device (electronic)' : typeof seal.deviceId === 'string' ? `device "${seal.deviceId}"` : 'no device'}, not "${after.id}"`;
  }
  if (!isInSubtree(after.unitId, seal.unitId, units)) return `device "${after.id}" belongs to unit "${after.unitId}", outside seal "${sealId}"'s unit "${seal.unitId}"`;
  return undefined;
}
