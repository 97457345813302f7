import { z } from 'zod';
import { geofenceSchema } from '../domain/geo';
import { roleSchema } from '../domain/role';
import { recordIdParamSchema } from './ids';
import { unitViewSchema, userViewSchema, userWithCredentialsSchema } from './views';

const unitName = z.string().trim().min(1).max(200);

export const createUnitBodySchema = z.strictObject({
  name: unitName,
  kind: z.enum(['branch', 'site']),
  parentId: recordIdParamSchema,
  geofence: geofenceSchema.optional().describe('Only on a site: where its seals may be used'),
});
export type NewUnit = z.input<typeof createUnitBodySchema>;

export const updateUnitBodySchema = z.strictObject({
  name: unitName.optional(),
  geofence: geofenceSchema.nullable().optional().describe('null removes it'),
}).refine((b) => b.name !== undefined || b.geofence !== undefined, 'nothing to change: give name and/or geofence');
export type UnitChange = z.input<typeof updateUnitBodySchema>;

export const unitsResponseSchema = z.object({ units: z.array(unitViewSchema) });
export const unitResponseSchema = z.object({ unit: unitViewSchema });

/** A role on a unit, granted or revoked. */
export const roleGrantBodySchema = z.strictObject({ role: roleSchema, unitId: recordIdParamSchema });
export const usersResponseSchema = z.object({ users: z.array(userWithCredentialsSchema) });
export const userWithCredentialsResponseSchema = z.object({ user: userWithCredentialsSchema });
export const userResponseSchema = z.object({ user: userViewSchema });

/** Deactivating someone: the person, and what happened to their open requests. */
export const deactivationResponseSchema = z.object({
  user: userViewSchema,
  /** Their open requests now withdrawn (a cancellation by the administrator who deactivated them). */
  haltedRequests: z.array(z.string()),
  /** Their open requests in units this administrator does not cover: left for an administrator there. */
  requestsOutOfScope: z.array(z.string()),
});
export type DeactivationResponse = z.infer<typeof deactivationResponseSchema>;

/** Moving a branch or site under another unit (never the HQ; never under itself or its own subtree). */
export const moveUnitBodySchema = z.strictObject({ parentId: recordIdParamSchema });
export type UnitMove = z.input<typeof moveUnitBodySchema>;
