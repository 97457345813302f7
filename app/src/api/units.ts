import { unitResponseSchema, unitsResponseSchema, type NewUnit, type UnitView } from '@seal/shared';
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
