import { describe, expect, it } from 'vitest';
import { parseGeofence } from './parseGeofence';

describe('parseGeofence', () => {
  it('is none when every field is empty', () => {
    expect(parseGeofence('', ' ', '')).toEqual({ ok: true, value: undefined });
  });
  it('reads a complete fence', () => {
    expect(parseGeofence('31.2304', '121.4737', '300')).toEqual({ ok: true, value: { lat: 31.2304, lon: 121.4737, radiusM: 300 } });
  });
  it.each([
    ['31', '', '300', 'incomplete'],
    ['91', '121', '300', 'lat'],
    ['31', '-181', '300', 'lon'],
    ['31', '121', '0', 'radius'],
    ['31', '121', '50001', 'radius'],
  ])('(%s, %s, %s) → %s', (lat, lon, radius, problem) => {
    expect(parseGeofence(lat, lon, radius)).toEqual({ ok: false, problem });
  });
});
