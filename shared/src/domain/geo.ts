import { z } from 'zod';

/** Mean Earth radius (IUGG, metres): haversine on a sphere errs by under 0.5 % — far below GPS noise. */
const EARTH_RADIUS_M = 6_371_008.8;

/** The largest geofence radius accepted (metres). A "fence" wider than a city protects nothing. */
export const MAX_GEOFENCE_RADIUS_M = 50_000;

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);

/** A point in WGS 84 degrees. */
export const latLonSchema = z.strictObject({ lat, lon });
export type LatLon = z.infer<typeof latLonSchema>;

/**
 * A measured position: WGS 84 degrees and, when the source reports it, the radius (metres) of the
 * circle the true position lies in (`GeolocationCoordinates.accuracy`, a GNSS fix's estimate).
 */
export const positionSchema = z.strictObject({ lat, lon, accuracyM: z.number().nonnegative().optional() });
export type Position = z.infer<typeof positionSchema>;

/** A circular geofence (电子围栏): a centre and a radius in metres. */
export const geofenceSchema = z.strictObject({ lat, lon, radiusM: z.number().positive().max(MAX_GEOFENCE_RADIUS_M) });
export type Geofence = z.infer<typeof geofenceSchema>;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance between two points in metres (haversine formula, spherical Earth). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLon = toRadians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2;
  // min() guards against h creeping past 1 by rounding for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * How far (metres) the position's whole accuracy circle lies inside the fence: `radius − distance
 * − accuracy`. Negative when any part of the circle is outside.
 */
function geofenceMarginM(position: Position, fence: Geofence): number {
  return fence.radiusM - distanceM(position, fence) - (position.accuracyM ?? 0);
}

/**
 * Whether a position is inside a geofence, conservatively: the WHOLE accuracy circle must lie
 * within the fence (distance + accuracy ≤ radius). A fix of ±200 m taken at the centre of a 100 m
 * fence is therefore outside — it could be anywhere within 200 m — and the holder is asked for a
 * better fix rather than being let through on a guess. A position without `accuracyM` is taken as
 * exact; sources that know their accuracy (browsers, the device's GNSS) must report it.
 */
export function isInsideGeofence(position: Position, fence: Geofence): boolean {
  return geofenceMarginM(position, fence) >= 0;
}
