import { describe, expect, it } from 'vitest';
import { alarmId, alarmResolutionSchema, type Alarm, type AlarmResolution } from './alarm';
import { alarmsWithResolutions } from './alarmsWithResolutions';

const alarm = (ref: string, kind: Alarm['kind'] = 'log_gap'): Alarm => ({
  id: alarmId(kind, ref), kind, severity: 'critical', source: { kind: 'server', id: 'sync-server' }, ref, message: `about ${ref}`, at: 10,
});
const resolutionOf = (of: Alarm, at = 20): AlarmResolution => ({ id: of.id, kind: of.kind, source: { kind: 'server', id: 'sync-server' }, message: 'arrived', at });

describe('alarmsWithResolutions', () => {
  it('pairs each alarm with the resolution under its id, whatever order the facts came in', () => {
    const [gap3, gap7, fork7] = [alarm('dev-1:3'), alarm('dev-1:7'), alarm('dev-1:7', 'log_fork')];
    const closed = resolutionOf(gap7);
    for (const resolutions of [[closed], [closed, closed]]) {
      expect(alarmsWithResolutions([fork7, gap3, gap7], resolutions)).toEqual([
        { alarm: fork7, resolution: undefined },
        { alarm: gap3, resolution: undefined },
        { alarm: gap7, resolution: closed },
      ]);
    }
  });

  it('leaves out a resolution whose alarm is not held yet', () => {
    expect(alarmsWithResolutions([], [resolutionOf(alarm('dev-1:3'))])).toEqual([]);
  });
});

describe('alarmResolutionSchema', () => {
  it('takes the id and kind of one alarm, and refuses an id of another kind or an unknown field', () => {
    const gap = alarm('dev-1:3');
    expect(alarmResolutionSchema.safeParse(resolutionOf(gap)).success).toBe(true);
    expect(alarmResolutionSchema.safeParse({ ...resolutionOf(gap), kind: 'log_fork' }).success).toBe(false);
    expect(alarmResolutionSchema.safeParse({ ...resolutionOf(gap), ref: gap.ref }).success).toBe(false);
  });
});
