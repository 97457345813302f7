import { describe, expect, it } from 'vitest';
import { countersignStateOf } from './countersignState';
import type { PendingCountersign } from './signingDb';

const pending: PendingCountersign = { impressionId: 'imp-1', signedPdf: new Uint8Array([1]), signedSha256: 'aa'.repeat(32), queuedAt: 1_000 };

describe('where a stamped PDF stands with the countersignature', () => {
  it('is waiting while queued (with the last failure), countersigned once it came back, refused when the server said no', () => {
    expect(countersignStateOf(undefined)).toEqual({ state: 'unknown' });
    expect(countersignStateOf({ ...pending, lastError: 'offline' })).toEqual({ state: 'waiting', since: 1_000, lastError: 'offline' });
    const pdf = new Uint8Array([2]);
    expect(countersignStateOf({ ...pending, countersigned: { sha256: 'bb'.repeat(32), pdf, at: '2026-12-03T00:00:00.000Z' } })).toEqual({ state: 'countersigned', at: '2026-12-03T00:00:00.000Z', pdf });
    expect(countersignStateOf({ ...pending, refused: { code: 'impression_beyond_uses', message: 'no uses left' } })).toEqual({ state: 'refused', code: 'impression_beyond_uses', message: 'no uses left' });
  });
});
