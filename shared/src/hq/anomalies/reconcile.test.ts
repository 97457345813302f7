import { describe, expect, it } from 'vitest';
import { generateHistory } from '../../testing';
import { drawSpotCheckSample } from './drawSpotCheckSample';
import { reconcileRequest, reconcileSeal } from './reconcile';
import { stampsOf } from './stampsOf';

describe('reconciliation', async () => {
  const { history } = await generateHistory({ seed: 11, branches: 2, sitesPerBranch: 1, devicesPerSite: 4, weeks: 2, plants: ['over_use', 'photo_missing', 'unauthorised_null_grant', 'log_gap'] });
  const requestEndingWith = (suffix: string) => history.requests.find((r) => r.id.endsWith(suffix))!;

  it('balances an honest request: stamps within approved uses, each photo matched, the holder named, counters equal to the log', () => {
    const honest = history.requests.filter((r) => /-d\d+$/.test(r.id));
    expect(honest.length).toBeGreaterThan(50);
    for (const request of honest) {
      const r = reconcileRequest(history, request);
      expect(r.verdict).toBe('balanced');
      expect(r.usesRecorded).toBeGreaterThan(0);
      expect(r.usesRecorded).toBeLessThanOrEqual(r.usesApproved);
      expect(r.documentSha256).toBe(request.document.sha256);
      expect(r.holders).toEqual([request.requesterId]);
      expect(r.counters.every((c) => c.balanced)).toBe(true);
    }
  });

  it('shows an over-used request (3 stamps, 2 approved), a missing photo, a stamp with no grant, and a session the server never got', () => {
    const over = reconcileRequest(history, requestEndingWith('-over'));
    expect({ verdict: over.verdict, approved: over.usesApproved, recorded: over.usesRecorded }).toEqual({ verdict: 'over_use', approved: 2, recorded: 3 });
    const photo = reconcileRequest(history, requestEndingWith('-nophoto'));
    expect({ verdict: photo.verdict, photos: photo.photos }).toEqual({ verdict: 'photo_problems', photos: { matched: 1, mismatched: 0, missing: 1, none: 0 } });
    const nullGrant = reconcileRequest(history, requestEndingWith('-nullgrant'));
    // The second stamp names no request: it is not this request's use, and the device counted only one.
    expect({ recorded: nullGrant.usesRecorded, stamps: nullGrant.stamps.length }).toEqual({ recorded: 1, stamps: 1 });
    const gap = reconcileRequest(history, requestEndingWith('-gap'));
    expect({ recorded: gap.usesRecorded, approved: gap.usesApproved }).toEqual({ recorded: 0, approved: 2 });
  });

  it("counts a photo as held only for the device whose stamp names it: the same hash held for another device is missing", () => {
    const request = history.requests.find((r) => /-d\d+$/.test(r.id))!;
    const { stamps } = reconcileRequest(history, request);
    const device = stamps[0]!.deviceId;
    const other = history.devices.find((d) => d.id !== device)!.id;
    const heldElsewhere = { ...history, photos: history.photos.map((p) => (p.deviceId === device ? { ...p, deviceId: other } : p)) };
    const moved = reconcileRequest(heldElsewhere, request);
    expect(moved.stamps.map((s) => s.photo)).toEqual(stamps.map(() => 'missing'));
    expect(moved.verdict).toBe('photo_problems');
  });

  it('reconciles a seal over a period: every stamp of its device in the period, by request', () => {
    const seal = history.seals[0]!;
    const all = reconcileSeal(history, seal.id, 0, Number.MAX_SAFE_INTEGER);
    const logged = stampsOf(history.devices).filter((s) => s.deviceId === seal.deviceId);
    expect(all.stamps).toBe(logged.length);
    expect(all.byRequest.reduce((n, r) => n + r.stamps, 0)).toBe(logged.length);
    const none = reconcileSeal(history, seal.id, 0, 1);
    expect(none.stamps).toBe(0);
  });
});

describe('drawSpotCheckSample', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `fact:device_event:dev-${i % 7}:${i}`);

  it('draws the same sample from the same seed, whatever order the candidates come in', () => {
    const a = drawSpotCheckSample(ids, 20, 42);
    expect(drawSpotCheckSample([...ids].reverse(), 20, 42)).toEqual(a);
    expect(new Set(a).size).toBe(20);
    expect(a.every((id) => ids.includes(id))).toBe(true);
    expect(drawSpotCheckSample(ids, 20, 43)).not.toEqual(a);
  });

  it('never draws more than there are', () => {
    expect(drawSpotCheckSample(ids.slice(0, 3), 20, 1)).toHaveLength(3);
    expect(drawSpotCheckSample([], 5, 1)).toEqual([]);
  });
});
