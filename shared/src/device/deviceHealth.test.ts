import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../domain/deviceEvent';
import { deviceHealth, INK_BOX_IMPRESSIONS, INK_REPLACE_WARNING_AT } from './deviceHealth';

let seq = 0;
const entry = (type: DeviceEvent['type'], at: number, payload: object): DeviceEvent =>
  ({ deviceId: 'dev-1', seq: seq++, prevHash: '0'.repeat(64), at, type, payload, signature: 'A'.repeat(86) }) as DeviceEvent;
const stamp = (at: number) => entry('stamp', at, { requestId: 'r', grantId: null, useIndex: 1, photoSha256: null });

describe('deviceHealth', () => {
  it('reads firmware, clock correction, battery, alarms and last contact from the entries, in any order and with copies', () => {
    seq = 0;
    const boot = entry('boot', 1_000, { firmware: 'seal-ref 1.0.0' });
    const timeSet = entry('time_set', 61_000 + 1_000, { previous: 1_000, source: 'app' });
    const tamper = entry('tamper', 90_000, { detail: 'case opened' });
    const low = entry('low_battery', 95_000, { percent: 12 });
    const s = stamp(80_000);
    const health = deviceHealth([low, s, boot, tamper, timeSet, tamper]);
    expect(health).toMatchObject({ firmware: 'seal-ref 1.0.0', clockCorrectionMs: 61_000, lowBatteryPercent: 12, lastContactAt: 95_000, stampCount: 1 });
    expect(health.alarms.map((e) => e.type)).toEqual(['low_battery', 'tamper']);
    expect(health.entries).toHaveLength(5);
  });

  it('warns to replace the ink at 1,800 of 2,000 impressions, not before', () => {
    expect([INK_BOX_IMPRESSIONS, INK_REPLACE_WARNING_AT]).toEqual([2000, 1800]);
    seq = 0;
    const stamps = Array.from({ length: 1799 }, (_, i) => stamp(i));
    expect(deviceHealth(stamps).ink).toEqual({ used: 1799, capacity: 2000, replaceSoon: false });
    expect(deviceHealth([...stamps, stamp(5_000)]).ink).toEqual({ used: 1800, capacity: 2000, replaceSoon: true });
  });

  it('knows nothing of a device whose log has not reached this tablet', () => {
    expect(deviceHealth([])).toMatchObject({ lastContactAt: null, firmware: null, clockCorrectionMs: null, stampCount: 0, lowBatteryPercent: null, alarms: [] });
  });
});
