/**
 * What an event carries beyond its ids, as fields (`detail`): a reader in another language is
 * told a decision's verdict, a seal's move, a device's refusal code, a stamp's use and why a
 * device locked in words, not only in the English sentence. Built from rows as pushed; the
 * lookups (which seal a device holds, a grant) find nothing here.
 */
import { describe, expect, it } from 'vitest';
import type { SyncRow } from '@seal/shared';
import type { RowsRepo } from '../../sync/rowsRepo';
import { notifyEventsOf } from './notifyEvents';

const nothingHeld = { getMany: () => Promise.resolve(new Map()), changesOf: () => Promise.resolve([]), lifecycleOf: () => Promise.resolve([]) } as unknown as RowsRepo;

const fact = (kind: string, id: string, body: Record<string, unknown>): SyncRow =>
  ({ type: 'fact', kind, id: `fact:${kind}:${id}`, scopeUnitId: 'unit-site', author: 'usr-a', createdAt: 1_790_000_000_000, body }) as unknown as SyncRow;

const entry = (seq: number, type: string, payload: Record<string, unknown>): SyncRow =>
  fact('device_event', `dev-1:${seq}`, { deviceId: 'dev-1', seq, at: 1_790_000_000_000 + seq, type, payload });

describe('notification events', () => {
  it('carry the verdict, the move, the refusal code, the use and the lock cause as fields', async () => {
    const rows = [
      fact('decision', 'd1', { approverId: 'usr-b', payload: { requestId: 'req-1', verdict: 'reject' } }),
      fact('seal_status_change', 'm1', { sealId: 'seal-1', from: 'active', to: 'suspended', actorId: 'usr-c', at: 1_790_000_000_500 }),
      fact('seal_status_change', 'm0', { sealId: 'seal-2', from: null, to: 'active', actorId: 'usr-c', at: 1_790_000_000_400 }),
      entry(7, 'refusal', { code: 'outside_geofence', requestId: 'req-1' }),
      entry(8, 'lock', { cause: 'uses_exhausted' }),
      entry(9, 'stamp', { requestId: 'req-1', grantId: null, useIndex: 2, photoSha256: null }),
    ];
    const events = (await notifyEventsOf(rows, nothingHeld)).map((notice) => [notice.event.kind, notice.event.detail]);
    expect(events).toEqual([
      ['request_decided', { verdict: 'reject' }],
      ['seal_moved', { from: 'active', to: 'suspended' }],
      ['seal_moved', { from: null, to: 'active' }],
      ['refusal', { code: 'outside_geofence' }],
      ['lock', { cause: 'uses_exhausted' }],
      ['stamp', { useIndex: 2 }],
    ]);
  });
});
