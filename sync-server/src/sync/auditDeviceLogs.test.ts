import { describe, expect, it } from 'vitest';
import { DEVICE_LOG_PROBLEM_ALARM, SERVER_AUTHOR, type DeviceLogProblem, type UnitId } from '@seal/shared';
import { deviceLogAlarm, gapAlarm } from './auditDeviceLogs';

/** A problem as verifyDeviceLog reports it. */
const problem = (kind: DeviceLogProblem['kind'], seq: number | null, message: string): DeviceLogProblem => ({ kind, seq, message, alarmKind: DEVICE_LOG_PROBLEM_ALARM[kind] });
const SITE = 'site-1' as UnitId;

describe('gapAlarm', () => {
  it('raises log_gap about the missing entry just below the held one, naming the missing range', () => {
    const row = gapAlarm('dev-1', { from: 4, to: 6 }, SITE, 1_000);
    expect(row).toMatchObject({ id: 'fact:alarm:log_gap:dev-1:6', kind: 'alarm', subject: 'alarm:log_gap', scopeUnitId: SITE, author: SERVER_AUTHOR, createdAt: 1_000 });
    expect(row.body).toMatchObject({ id: 'log_gap:dev-1:6', kind: 'log_gap', severity: 'critical', ref: 'dev-1:6', source: { kind: 'server', id: SERVER_AUTHOR }, at: 1_000 });
    expect(row.body.message).toContain('entries 4–6 are missing below entry 7');
    expect(gapAlarm('dev-1', { from: 0, to: 0 }, SITE, 1_000).body).toMatchObject({ ref: 'dev-1:0', message: expect.stringContaining('entry 0 is missing below entry 1') as unknown });
  });
});

describe('deviceLogAlarm', () => {
  it('raises log_fork about the entry that does not chain', () => {
    expect(deviceLogAlarm('dev-1', problem('fork', 7, 'entry 7: prevHash …'), SITE, 1_000)?.body).toMatchObject({ kind: 'log_fork', ref: 'dev-1:7', severity: 'critical' });
  });

  it('raises nothing for signature problems (checked, and raised, when an entry is pushed) nor gaps (gapAlarm)', () => {
    for (const kind of ['bad_signature', 'tampered', 'malformed', 'gap'] as const) expect(deviceLogAlarm('dev-1', problem(kind, 3, 'x'), SITE, 1_000)).toBeUndefined();
    expect(deviceLogAlarm('dev-1', problem('malformed', null, 'x'), SITE, 1_000)).toBeUndefined();
  });
});
