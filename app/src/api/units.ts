import { unitResponseSchema, unitsResponseSchema, type NewUnit, type UnitChange, type UnitView } from '@seal/shared';
import { apiRequest } from './request';

export type { NewUnit };

/** `GET /api/units`: the whole organisation tree (every signed-in user may read it). */
export async function fetchUnits(): Promise<UnitView[]> {
  const { units } = await apiRequest('GET', '/api/units', unitsResponseSchema);
  return units;
}

/** `POST /api/units`: a branch or site under a unit the admin covers. */
export async function createUnit(unit: NewUnit): Promise<UnitView> {
  const { unit: created } = await apiRequest('POST', '/api/units', unitResponseSchema, unit);
  return created;
}

/** `PATCH /api/units/:id`: rename, set or remove (null) a site's geofence. */
export async function updateUnit(unitId: string, change: UnitChange): Promise<UnitView> {
  return (await apiRequest('PATCH', `/api/units/${encodeURIComponent(unitId)}`, unitResponseSchema, change)).unit;
}

/** `POST /api/units/:id/move`: under another unit (with its subtree). */
export async function moveUnit(unitId: string, parentId: string): Promise<UnitView> {
  return (await apiRequest('POST', `/api/units/${encodeURIComponent(unitId)}/move`, unitResponseSchema, { parentId })).unit;
}

/** `POST /api/units/:id/close`: an empty unit, kept in the tree for history. */
export async function closeUnit(unitId: string): Promise<UnitView> {
  return (await apiRequest('POST', `/api/units/${encodeURIComponent(unitId)}/close`, unitResponseSchema)).unit;
}
