import { deviceEventSchema, type DeviceEvent, type DeviceEventType, type DeviceId } from '@seal/shared';
import { WireError } from './codec';

/** Event type codes on the wire (PROTOCOL.md §5). Append only: a code is never reused. */
export const EVENT_TYPE_CODES: Readonly<Record<DeviceEventType, number>> = {
  boot: 0,
  time_set: 1,
  roster_installed: 2,
  seal_bound: 3,
  grant_installed: 4,
  unlock: 5,
  stamp: 6,
  lock: 7,
  refusal: 8,
  tamper: 9,
  geofence_breach: 10,
  low_battery: 11,
  revocations_installed: 12,
};
const typeByCode = new Map<number, DeviceEventType>(Object.entries(EVENT_TYPE_CODES).map(([type, code]) => [code, type as DeviceEventType]));

/** A log entry on the wire: `[seq, prevHash, at, type, payload, signature]` (device id from `info`). */
export type LogEntryWire = [number, string, number, number, unknown, string];

export function logEntryToWire(event: DeviceEvent): LogEntryWire {
  return [event.seq, event.prevHash, event.at, EVENT_TYPE_CODES[event.type], event.payload, event.signature];
}

/**
 * Rebuilds a device's log entry from the wire and checks it against the shared schema. The
 * signature and chain are NOT checked here: that is `verifyDeviceLog`, wherever the entry lands.
 */
export function logEntryFromWire(deviceId: DeviceId, wire: LogEntryWire, path = 'entry'): DeviceEvent {
  const [seq, prevHash, at, code, payload, signature] = wire;
  const type = typeByCode.get(code);
  if (type === undefined) throw new WireError(path, `unknown event type ${code}`);
  const parsed = deviceEventSchema.safeParse({ deviceId, seq, prevHash, at, type, payload, signature });
  if (!parsed.success) throw new WireError(path, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}
