import { apiRequest } from './request';
import type { Geofence, Unit } from './types';

/** `GET /api/units`: the whole organisation tree (every signed-in user may read it). */
export async function fetchUnits(): Promise<Unit[]> {
  const { units } = await apiRequest<{ units: Unit[] }>('GET', '/api/units');
  return units;
}

export interface NewUnit {
  readonly name: string;
  readonly kind: 'branch' | 'site';
  readonly parentId: string;
  /** Only on a site. */
  readonly geofence?: Geofence;
}

/** `POST /api/units`: a branch or site under a unit the admin covers. */
export async function createUnit(unit: NewUnit): Promise<Unit> {
  const { unit: created } = await apiRequest<{ unit: Unit }>('POST', '/api/units', unit);
  return created;
}
