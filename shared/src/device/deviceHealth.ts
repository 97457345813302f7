import type { DeviceEvent } from '../domain/deviceEvent';

/**
 * The ink box of a smart-seal device: impressions it gives before it must be replaced, and the
 * count at which the device page warns (devices in this market warn at about 90 %). One constant
 * for every screen and report that speaks of ink.
 */
export const INK_BOX_IMPRESSIONS = 2000;
export const INK_REPLACE_WARNING_AT = 1800;

/** Event types that are alarms on a device page. */
const ALARM_TYPES: ReadonlySet<DeviceEvent['type']> = new Set(['tamper', 'geofence_breach', 'low_battery']);

/** What a device page shows, derived from the device's log entries held (any order, copies allowed). */
export interface DeviceHealth {
  /** The newest entry's time (device clock): when the device last reached a tablet's log, or null. */
  readonly lastContactAt: number | null;
  /** From the newest `boot` entry. */
  readonly firmware: string | null;
  /** How far the device clock was off when it was last set (`time_set`: at − previous), ms; positive = it was slow. */
  readonly clockCorrectionMs: number | null;
  /** Stamp entries held (the log's impressions). */
  readonly stampCount: number;
  readonly ink: { readonly used: number; readonly capacity: number; readonly replaceSoon: boolean };
  /** The battery level last reported low, if the newest battery news is a low-battery entry. */
  readonly lowBatteryPercent: number | null;
  /** Alarm entries, newest first. */
  readonly alarms: readonly DeviceEvent[];
  /** Every entry, newest first, one per seq. */
  readonly entries: readonly DeviceEvent[];
}

export function deviceHealth(events: readonly DeviceEvent[]): DeviceHealth {
  const bySeq = new Map<number, DeviceEvent>();
  for (const e of events) bySeq.set(e.seq, e);
  const entries = [...bySeq.values()].sort((a, b) => b.seq - a.seq);
  const newest = <T extends DeviceEvent['type']>(type: T) => entries.find((e): e is Extract<DeviceEvent, { type: T }> => e.type === type);
  const stampCount = entries.filter((e) => e.type === 'stamp').length;
  const boot = newest('boot');
  const timeSet = newest('time_set');
  const low = newest('low_battery');
  return {
    lastContactAt: entries.length === 0 ? null : Math.max(...entries.map((e) => e.at)),
    firmware: boot?.payload.firmware ?? null,
    clockCorrectionMs: timeSet === undefined ? null : timeSet.at - timeSet.payload.previous,
    stampCount,
    ink: { used: stampCount, capacity: INK_BOX_IMPRESSIONS, replaceSoon: stampCount >= INK_REPLACE_WARNING_AT },
    lowBatteryPercent: low?.payload.percent ?? null,
    alarms: entries.filter((e) => ALARM_TYPES.has(e.type)),
    entries,
  };
}
