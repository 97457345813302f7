import { describe, expect, it } from 'vitest';
import { DEVICE_LOG_PROBLEM_ALARM, SERVER_AUTHOR, type DeviceLogProblem, type UnitId } from '@seal/shared';
import { deviceLogAlarm } from './auditDeviceLogs';

/** A problem as verifyDeviceLog reports it. */
const problem = (kind: DeviceLogProblem['kind'], seq: number | null, message: string): DeviceLogProblem => ({ kind, seq, message, alarmKind: DEVICE_LOG_PROBLEM_ALARM[kind] });
const SITE = 'site-1' as UnitId;

describe('deviceLogAlarm', () => {
  it('raises log_gap about the first missing entry, naming the missing range', () => {
    const row = deviceLogAlarm('dev-1', problem('gap', 4, 'entries 4–6 are missing'), SITE, 1_000);
    expect(row).toMatchObject({ id: 'fact:alarm:log_gap:dev-1:4', kind: 'alarm', subject: 'alarm:log_gap', scopeUnitId: SITE, author: SERVER_AUTHOR, createdAt: 1_000 });
    expect(row?.body).toMatchObject({ id: 'log_gap:dev-1:4', kind: 'log_gap', severity: 'critical', ref: 'dev-1:4', source: { kind: 'server', id: SERVER_AUTHOR }, at: 1_000 });
    expect(row?.body.message).toContain('entries 4–6 are missing');
  });

  it('raises log_fork about the entry that does not chain', () => {
    expect(deviceLogAlarm('dev-1', problem('fork', 7, 'entry 7: prevHash …'), SITE, 1_000)?.body).toMatchObject({ kind: 'log_fork', ref: 'dev-1:7', severity: 'critical' });
  });

  it('raises nothing for signature problems: those are checked, and raised, when an entry is pushed', () => {
    for (const kind of ['bad_signature', 'tampered', 'malformed'] as const) expect(deviceLogAlarm('dev-1', problem(kind, 3, 'x'), SITE, 1_000)).toBeUndefined();
    expect(deviceLogAlarm('dev-1', problem('malformed', null, 'x'), SITE, 1_000)).toBeUndefined();
  });
});
