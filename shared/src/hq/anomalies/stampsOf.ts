import { canonicalJson } from '../../encoding/canonical';
import { deviceEventSchema, type DeviceEvent } from '../../domain/deviceEvent';
import type { DeviceId, GrantId, RequestId, SealId, UnitId, UserId } from '../../domain/ids';
import { deviceEntryRowId, type HistoryDevice } from './anomaly';

/** A stamp as a device logged it, with who held the device (the unlock before it) and the seal it held. */
export interface StampRecord {
  /** The stamp's row id (`fact:device_event:deviceId:seq`). */
  readonly id: string;
  readonly deviceId: DeviceId;
  readonly unitId: UnitId;
  readonly seq: number;
  readonly at: number;
  readonly sealId: SealId | null;
  readonly requestId: RequestId | null;
  readonly grantId: GrantId | null;
  readonly useIndex: number | null;
  readonly photoSha256: string | null;
  /** The holder named by the unlock the stamp followed; `null` when the device was locked. */
  readonly holderId: UserId | null;
}

/** The distinct well-formed entries of a device, in seq order (copies by canonical text). */
function distinct(device: HistoryDevice): DeviceEvent[] {
  const byText = new Map<string, DeviceEvent>();
  for (const held of device.entries) {
    const parsed = deviceEventSchema.safeParse(held.event);
    if (parsed.success && parsed.data.deviceId === device.id) byText.set(canonicalJson(parsed.data), parsed.data);
  }
  return [...byText.entries()].sort(([ta, a], [tb, b]) => a.seq - b.seq || (ta < tb ? -1 : ta > tb ? 1 : 0)).map(([, e]) => e);
}

/** Every stamp the devices logged, in device then seq order. */
export function stampsOf(devices: readonly HistoryDevice[]): StampRecord[] {
  const stamps: StampRecord[] = [];
  for (const device of [...devices].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    let holder: UserId | null = null;
    let seal: SealId | null = device.sealId;
    for (const event of distinct(device)) {
      if (event.type === 'unlock') holder = event.payload.holderId;
      else if (event.type === 'lock') holder = null;
      else if (event.type === 'seal_bound') seal = event.payload.sealId;
      else if (event.type === 'stamp') {
        const { requestId, grantId, useIndex, photoSha256 } = event.payload;
        stamps.push({ id: deviceEntryRowId(device.id, event.seq), deviceId: device.id, unitId: device.unitId, seq: event.seq, at: event.at, sealId: seal, requestId, grantId, useIndex, photoSha256, holderId: holder });
      }
    }
  }
  return stamps;
}
