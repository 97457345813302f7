import { describe, expect, it } from 'vitest';
import type { SyncRow } from '../sync/rows';
import { timelineEventsOf } from './timeline';

const T = 1_790_000_000_000;
const SIG = 'A'.repeat(86);
const HASH = 'ab'.repeat(32);
const row = (kind: string, id: string, body: object, author = 'u-custodian'): SyncRow =>
  ({ id: `fact:${kind}:${id}`, subject: 'device:D1', scopeUnitId: 'site-1', author, createdAt: T + 99, type: 'fact', kind, body }) as unknown as SyncRow;
const entry = (seq: number, type: string, payload: object) => row('device_event', `D1:${seq}`, { deviceId: 'D1', seq, prevHash: HASH, at: T + seq, signature: SIG, type, payload });

describe('timelineEventsOf', () => {
  it('gives one event per device log entry, named as the device names it, at the device clock', () => {
    const entries = [
      entry(0, 'boot', { firmware: '1.0' }), entry(1, 'time_set', { previous: T, source: 'app' }), entry(2, 'roster_installed', { rosterVersion: 3, rosterSha256: HASH }),
      entry(3, 'seal_bound', { sealId: 'S1' }), entry(4, 'grant_installed', { grantId: 'G1', requestId: 'R1' }),
      entry(5, 'unlock', { grantId: 'G1', requestId: 'R1', holderId: 'u-holder' }),
      entry(6, 'stamp', { requestId: 'R1', grantId: 'G1', useIndex: 1, photoSha256: HASH }), entry(7, 'lock', { cause: 'holder' }),
      entry(8, 'refusal', { code: 'no_grant', message: '无授权', requestId: null, grantId: null }), entry(9, 'tamper', { detail: 'case opened' }),
      entry(10, 'geofence_breach', { position: { lat: 31, lon: 121 }, geofence: { lat: 31.2, lon: 121.4, radiusM: 300 } }),
      entry(11, 'low_battery', { percent: 9 }),
    ];
    const events = entries.flatMap((r) => timelineEventsOf(r, { sealId: 'S1' }));
    expect(events.map((e) => e.kind)).toEqual(['boot', 'time_set', 'roster_installed', 'seal_bound', 'grant_installed', 'unlock', 'stamp', 'lock', 'refusal', 'tamper', 'geofence_breach', 'low_battery']);
    expect(events.map((e) => e.at)).toEqual(entries.map((_, i) => T + i));
    expect(events.every((e) => e.deviceId === 'D1' && e.sealId === 'S1' && e.unitId === 'site-1')).toBe(true);
    expect(events[5]).toMatchObject({ requestId: 'R1', personIds: ['u-custodian', 'u-holder'], summary: { holderId: 'u-holder' } });
    expect(events[6]!.summary).toMatchObject({ photoSha256: HASH, useIndex: 1, withoutGrant: false });
    expect(events[11]!.summary).toMatchObject({ percent: 9 });
    expect(events.map((e) => e.id)).toEqual(entries.map((r) => r.id));
  });

  it('names the people of decisions, grants, cancellations and seal moves, and never the server', () => {
    const payload = { purpose: 'seal-use-decision', requestId: 'R1', requesterId: 'u-req', documentSha256: HASH, sealId: 'S1', uses: 2, window: { notBefore: T, notAfter: T + 1 }, place: { unitId: 'site-1' }, verdict: 'approve' };
    const decision = { id: 'd1', approverId: 'u-appr', payload, assertion: {}, at: T + 5 };
    const [d] = timelineEventsOf(row('decision', 'd1', decision, 'u-appr'));
    expect(d).toMatchObject({ kind: 'decision', at: T + 5, requestId: 'R1', sealId: 'S1', personIds: ['u-appr', 'u-req'], summary: { verdict: 'approve' } });
    const [g] = timelineEventsOf(row('grant', 'g1', { id: 'g1', requestId: 'R1', sealId: 'S1', deviceId: 'D1', holderId: 'u-req', uses: 2, window: { notBefore: T, notAfter: T + 1 }, decisions: [decision] }, 'u-req'));
    expect(g).toMatchObject({ kind: 'grant', deviceId: 'D1', sealId: 'S1', personIds: ['u-appr', 'u-req'] });
    const [c] = timelineEventsOf(row('cancellation', 'c1', { id: 'c1', requestId: 'R1', actorId: 'u-req', reason: '不用了', at: T + 7 }, 'u-req'));
    expect(c).toMatchObject({ kind: 'cancellation', requestId: 'R1', summary: { reason: '不用了' } });
    const [m] = timelineEventsOf(row('seal_status_change', 'm1', { id: 'm1', sealId: 'S1', from: 'active', to: 'lost', actorId: 'u-cust', actorRole: 'custodian', reason: '遗失', at: T + 8 }, 'u-cust'));
    expect(m).toMatchObject({ kind: 'seal_status_change', sealId: 'S1', personIds: ['u-cust'], summary: { from: 'active', to: 'lost' } });
    const [a] = timelineEventsOf(row('alarm', 'tamper:D1:9', { id: 'tamper:D1:9', kind: 'tamper', severity: 'critical', source: { kind: 'server', id: 'sync-server' }, ref: 'D1:9', message: 'tamper', at: T + 9 }, 'sync-server'));
    expect(a).toMatchObject({ kind: 'alarm', deviceId: 'D1', personIds: [], summary: { alarmKind: 'tamper', severity: 'critical' } });
    const [r] = timelineEventsOf(row('alarm_resolution', 'log_gap:D1:3', { id: 'log_gap:D1:3', kind: 'log_gap', source: { kind: 'server', id: 'sync-server' }, message: 'arrived', at: T + 10 }, 'sync-server'));
    expect(r).toMatchObject({ kind: 'alarm_resolution', summary: { alarmId: 'log_gap:D1:3' } });
    const [p] = timelineEventsOf(row('attachment', HASH, { id: HASH, sha256: HASH, about: 'request:R1', mime: 'image/jpeg', size: 10, at: T + 11 }));
    expect(p).toMatchObject({ kind: 'attachment', requestId: 'R1' });
  });

  it('tells a record’s creation from its updates, and ignores profiles', () => {
    const change = (subject: string): SyncRow => ({ id: `change:${subject}:h`, subject, scopeUnitId: 'site-1', author: 'u-req', createdAt: T + 99, type: 'change', kind: subject.split(':')[0], bytes: 'AAAA' }) as unknown as SyncRow;
    const [created] = timelineEventsOf(change('request:R1'), { change: { first: true, record: { id: 'R1', requesterId: 'u-req', sealId: 'S1', createdAt: T, document: { title: '合同', sha256: HASH } } } });
    expect(created).toMatchObject({ kind: 'request_created', at: T, requestId: 'R1', sealId: 'S1', personIds: ['u-req'], summary: { title: '合同' } });
    const [updated] = timelineEventsOf(change('seal:S1'), { change: { first: false, fields: ['name'], time: T + 3 } });
    expect(updated).toMatchObject({ kind: 'seal_updated', at: T + 3, sealId: 'S1', summary: { fields: 'name' } });
    expect(timelineEventsOf(change('profile:u-req'), { change: { first: true } })).toEqual([]);
  });
});

describe('a time no record may name', () => {
  it('falls back to the row\'s own time, else to the epoch, so HQ never meets a date it cannot write', () => {
    const photo = (at: number, createdAt: number): SyncRow => ({ ...row('attachment', `p-${at}-${createdAt}`, { sha256: HASH, about: 'seal:S1', mime: 'image/jpeg', size: 1, at }), createdAt });
    expect(timelineEventsOf(photo(T, T + 5))[0]!.at).toBe(T);
    expect(timelineEventsOf(photo(9_000_000_000_000_000, T + 5))[0]!.at).toBe(T + 5);
    expect(timelineEventsOf(photo(Number.MAX_SAFE_INTEGER, 9_000_000_000_000_000))[0]!.at).toBe(0);
    for (const event of [photo(9e15, 9e15), photo(253_402_300_800_000, T)].flatMap((r) => timelineEventsOf(r))) expect(() => new Date(event.at + 8 * 3_600_000).toISOString()).not.toThrow();
  });
});
