import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distanceM, geofenceSchema, isInsideGeofence, positionSchema } from './geo';

// Reference distances computed independently (spherical Earth, R = 6371.0088 km).
describe('distanceM', () => {
  it('is zero for the same point and symmetric', () => {
    const p = { lat: 31.2304, lon: 121.4737 };
    expect(distanceM(p, p)).toBe(0);
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (a, b, c, d) => {
          expect(distanceM({ lat: a, lon: b }, { lat: c, lon: d })).toBeCloseTo(distanceM({ lat: c, lon: d }, { lat: a, lon: b }), 6);
        },
      ),
    );
  });

  it('gives one degree of latitude as ~111.195 km', () => {
    expect(distanceM({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(111_195.08, 1);
  });

  it('gives Beijing (Tiananmen) to Shanghai (People’s Square) as ~1,067 km', () => {
    const km = distanceM({ lat: 39.9087, lon: 116.3975 }, { lat: 31.2304, lon: 121.4737 }) / 1000;
    expect(km).toBeGreaterThan(1060);
    expect(km).toBeLessThan(1075);
  });

  it('handles antipodal points', () => {
    expect(distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6_371_008.8, 0);
  });
});

describe('isInsideGeofence', () => {
  const fence = { lat: 30, lon: 120, radiusM: 100 };
  // 0.0009° of latitude ≈ 100.08 m; 0.00045° ≈ 50.04 m.
  it('accepts the centre and a point well inside', () => {
    expect(isInsideGeofence({ lat: 30, lon: 120 }, fence)).toBe(true);
    expect(isInsideGeofence({ lat: 30.00045, lon: 120 }, fence)).toBe(true);
  });

  it('refuses a point outside', () => {
    expect(isInsideGeofence({ lat: 30.0009, lon: 120 }, fence)).toBe(false);
  });

  it('requires the whole accuracy circle inside', () => {
    expect(isInsideGeofence({ lat: 30.00045, lon: 120, accuracyM: 40 }, fence)).toBe(true);
    expect(isInsideGeofence({ lat: 30.00045, lon: 120, accuracyM: 60 }, fence)).toBe(false);
    expect(isInsideGeofence({ lat: 30, lon: 120, accuracyM: 200 }, fence)).toBe(false);
  });

  it('never gets more permissive as accuracy worsens (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.002, max: 0.002, noNaN: true }), fc.nat(300), fc.nat(300), (dLat, a, b) => {
        const [better, worse] = a <= b ? [a, b] : [b, a];
        const inWorse = isInsideGeofence({ lat: 30 + dLat, lon: 120, accuracyM: worse }, fence);
        const inBetter = isInsideGeofence({ lat: 30 + dLat, lon: 120, accuracyM: better }, fence);
        expect(!inWorse || inBetter).toBe(true);
      }),
    );
  });
});

describe('geo schemas', () => {
  it('refuse out-of-range coordinates, negative accuracy and silly radii', () => {
    expect(positionSchema.safeParse({ lat: 91, lon: 0 }).success).toBe(false);
    expect(positionSchema.safeParse({ lat: 0, lon: -181 }).success).toBe(false);
    expect(positionSchema.safeParse({ lat: 0, lon: 0, accuracyM: -1 }).success).toBe(false);
    expect(geofenceSchema.safeParse({ lat: 0, lon: 0, radiusM: 0 }).success).toBe(false);
    expect(geofenceSchema.safeParse({ lat: 0, lon: 0, radiusM: 1e6 }).success).toBe(false);
    expect(geofenceSchema.safeParse({ lat: 0, lon: 0, radiusM: 250 }).success).toBe(true);
  });
});
