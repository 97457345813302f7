import { z } from 'zod';
import { geofenceSchema } from './geo';
import { unitIdSchema } from './ids';

/** Levels of the organisation: headquarters (总部), branch (分公司), project site (项目部). */
export const unitKindSchema = z.enum(['hq', 'branch', 'site']);
export type UnitKind = z.infer<typeof unitKindSchema>;

/**
 * One unit of the organisation tree. The HQ is the root (no parent); branches hang under the HQ
 * or another branch; sites hang under the HQ or a branch and have no children. Only a site may
 * carry a geofence: the area its seals may be used in. Tree-wide rules (one root, known parents,
 * no cycles) are checked by `checkUnitTree`.
 */
export const orgUnitSchema = z
  .object({
    id: unitIdSchema,
    name: z.string().min(1).max(200),
    kind: unitKindSchema,
    parentId: unitIdSchema.nullable(),
    geofence: geofenceSchema.optional(),
  })
  .superRefine((unit, ctx) => {
    if (unit.kind === 'hq' && unit.parentId !== null) {
      ctx.addIssue({ code: 'custom', path: ['parentId'], message: `expected no parent for the HQ, got "${unit.parentId}"` });
    }
    if (unit.kind !== 'hq' && unit.parentId === null) {
      ctx.addIssue({ code: 'custom', path: ['parentId'], message: `expected a parent for a ${unit.kind}, got none` });
    }
    if (unit.parentId === unit.id) {
      ctx.addIssue({ code: 'custom', path: ['parentId'], message: `expected a parent other than the unit itself ("${unit.id}")` });
    }
    if (unit.geofence !== undefined && unit.kind !== 'site') {
      ctx.addIssue({ code: 'custom', path: ['geofence'], message: `expected a geofence only on a site, got one on a ${unit.kind}` });
    }
  });
export type OrgUnit = z.infer<typeof orgUnitSchema>;
