import type { Roster } from '../crypto/roster';
import { roleSchema } from '../domain/role';
import { unitIdSchema, userIdSchema } from '../domain/ids';
import type { OrgUnit } from '../domain/orgUnit';
import type { User } from '../domain/user';

/**
 * The roster's users as the domain's users, so that a verifier holding only the signed roster (a
 * seal device, an app offline) judges approvers with the same `checkApprovals` and `can` as the
 * server. All are active: a deactivated user is left out of the roster and their passkeys listed
 * as revoked. Entries whose ids or roles are not valid are left out: no valid decision names them.
 */
export function rosterUsers(roster: Roster): User[] {
  const users: User[] = [];
  for (const entry of roster.users) {
    const id = userIdSchema.safeParse(entry.id);
    if (!id.success) continue;
    const grants = entry.roles.flatMap((held) => {
      const unitId = unitIdSchema.safeParse(held.unitId);
      const role = roleSchema.safeParse(held.role);
      return unitId.success && role.success ? [{ role: role.data, unitId: unitId.data }] : [];
    });
    const home = grants[0]?.unitId ?? unitIdSchema.safeParse(roster.units.find((u) => u.parentId === null)?.id).data;
    if (home === undefined) continue;
    users.push({ id: id.data, name: entry.displayName || entry.id, unitId: home, grants, active: true });
  }
  return users;
}

/** The roster's unit tree as the domain's units (names are not in the roster: ids stand in). */
export function rosterUnits(roster: Roster): OrgUnit[] {
  return roster.units.flatMap((unit) => {
    const id = unitIdSchema.safeParse(unit.id);
    const parentId = unit.parentId === null ? null : unitIdSchema.safeParse(unit.parentId).data;
    if (!id.success || parentId === undefined) return [];
    return [{ id: id.data, name: unit.id, kind: unit.kind, parentId, ...(unit.geofence === undefined ? {} : { geofence: unit.geofence }) }];
  });
}
