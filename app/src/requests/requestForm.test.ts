import { describe, expect, it } from 'vitest';
import { buildRequest, parseLocalDateTime, toLocalDateTime, type RequestFormInput } from './requestForm';

const NOW = new Date(2025, 2, 4, 9, 0).getTime();

const form = (patch: Partial<RequestFormInput> = {}): RequestFormInput => ({
  id: 'req-1',
  requesterId: 'staff-1',
  unitId: 'site-1',
  sealId: 'seal-1',
  sha256: 'ab'.repeat(32),
  title: '  Supply contract.pdf ',
  pages: '3',
  copies: '2',
  purpose: 'Sign the steel supply contract',
  uses: '2',
  notBefore: '2025-03-04T10:00',
  notAfter: '2025-03-06T18:00',
  placeUnitId: 'site-1',
  fenceLat: '31.2304',
  fenceLon: '121.4737',
  fenceRadius: '300',
  createdAt: NOW,
  ...patch,
});

describe('local date-times', () => {
  it('round-trips a datetime-local value in the device time zone', () => {
    const ms = parseLocalDateTime('2025-03-04T14:05');
    expect(ms).toBe(new Date(2025, 2, 4, 14, 5).getTime());
    expect(toLocalDateTime(ms)).toBe('2025-03-04T14:05');
  });

  it('reads empty or malformed text as NaN', () => {
    expect(parseLocalDateTime('')).toBeNaN();
    expect(parseLocalDateTime('tomorrow')).toBeNaN();
  });
});

describe('buildRequest', () => {
  it('builds a request that satisfies the shared schema, with the trimmed texts and the geofence', () => {
    const result = buildRequest(form(), NOW);
    expect(result).toEqual({
      ok: true,
      request: {
        id: 'req-1',
        requesterId: 'staff-1',
        unitId: 'site-1',
        sealId: 'seal-1',
        document: { title: 'Supply contract.pdf', sha256: 'ab'.repeat(32), pages: 3 },
        copies: 2,
        purpose: 'Sign the steel supply contract',
        usesRequested: 2,
        window: { notBefore: new Date(2025, 2, 4, 10, 0).getTime(), notAfter: new Date(2025, 2, 6, 18, 0).getTime() },
        place: { unitId: 'site-1', geofence: { lat: 31.2304, lon: 121.4737, radiusM: 300 } },
        createdAt: NOW,
      },
    });
  });

  it('leaves the geofence out when its three fields are empty', () => {
    const result = buildRequest(form({ fenceLat: '', fenceLon: '', fenceRadius: '' }), NOW);
    expect(result.ok && result.request.place).toEqual({ unitId: 'site-1' });
  });

  it('names each field that is wrong', () => {
    const result = buildRequest(form({ sha256: '', title: ' ', pages: '0', copies: '1.5', purpose: '', uses: '1001', sealId: '', fenceRadius: '' }), NOW);
    expect(result).toEqual({
      ok: false,
      problems: { file: 'invalid', title: 'invalid', pages: 'invalid', copies: 'invalid', purpose: 'invalid', uses: 'invalid', sealId: 'invalid', geofence: 'geofence_incomplete' },
    });
  });

  it('says when the window ends before it starts, or has already ended', () => {
    expect(buildRequest(form({ notAfter: '2025-03-04T08:00' }), NOW)).toEqual({ ok: false, problems: { notAfter: 'window_order' } });
    expect(buildRequest(form({ notBefore: '2025-03-01T08:00', notAfter: '2025-03-03T08:00' }), NOW)).toEqual({ ok: false, problems: { notAfter: 'window_past' } });
    expect(buildRequest(form({ notBefore: '' }), NOW)).toEqual({ ok: false, problems: { notBefore: 'invalid' } });
  });

  it('checks the geofence values the way the units screen does', () => {
    expect(buildRequest(form({ fenceLat: '95' }), NOW)).toEqual({ ok: false, problems: { geofence: 'geofence_lat' } });
  });
});
