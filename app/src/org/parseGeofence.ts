import type { Geofence } from '@seal/shared';

/** The largest radius the server accepts (shared's MAX_GEOFENCE_RADIUS_M). */
const MAX_RADIUS_M = 50_000;

export type GeofenceProblem = 'incomplete' | 'lat' | 'lon' | 'radius';

/**
 * The geofence typed into the three fields: none when all are empty, a problem when only some
 * are filled or a value is out of range (the server refuses those too; this says which field).
 */
export function parseGeofence(lat: string, lon: string, radius: string): { ok: true; value: Geofence | undefined } | { ok: false; problem: GeofenceProblem } {
  const fields = [lat, lon, radius].map((f) => f.trim());
  if (fields.every((f) => f === '')) return { ok: true, value: undefined };
  if (fields.some((f) => f === '')) return { ok: false, problem: 'incomplete' };
  const [la, lo, r] = fields.map(Number) as [number, number, number];
  if (!Number.isFinite(la) || la < -90 || la > 90) return { ok: false, problem: 'lat' };
  if (!Number.isFinite(lo) || lo < -180 || lo > 180) return { ok: false, problem: 'lon' };
  if (!Number.isFinite(r) || r <= 0 || r > MAX_RADIUS_M) return { ok: false, problem: 'radius' };
  return { ok: true, value: { lat: la, lon: lo, radiusM: r } };
}
