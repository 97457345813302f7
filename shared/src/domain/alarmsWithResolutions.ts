import type { Alarm, AlarmResolution } from './alarm';

/** An alarm with the resolution held for it, if any: without one, the alarm is open. */
export interface AlarmWithResolution {
  readonly alarm: Alarm;
  readonly resolution: AlarmResolution | undefined;
}

/**
 * Pairs each alarm with its resolution (the one whose `id` is the alarm's). Whether an alarm is
 * open is derived from the facts held, never stored: every replica holding the same alarms and
 * resolutions shows the same ones open. A resolution whose alarm is not held (yet) is ignored.
 */
export function alarmsWithResolutions(alarms: readonly Alarm[], resolutions: readonly AlarmResolution[]): AlarmWithResolution[] {
  const byAlarm = new Map(resolutions.map((resolution) => [resolution.id as string, resolution]));
  return alarms.map((alarm) => ({ alarm, resolution: byAlarm.get(alarm.id) }));
}
