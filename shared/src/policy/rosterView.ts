import type { Roster, RosterRole } from '../crypto/roster';
import { unitIdSchema, userIdSchema, type UnitId } from '../domain/ids';
import { indexUnits, unitChain, type UnitIndex } from '../domain/orgTree';
import type { OrgUnit } from '../domain/orgUnit';
import { roleSchema, type RoleGrant } from '../domain/role';
import type { User } from '../domain/user';

/**
 * The signed roster as the domain reads it: the one way the app, the server and the seal device
 * turn it into users and units, so that `checkApprovals` and `can` judge alike everywhere.
 */
export interface RosterView {
  /** The roster's users as domain users (see {@link rosterView} for who is left out). */
  readonly users: readonly User[];
  /** The roster's unit tree as domain units (names from `unitNames`, ids where none is given). */
  readonly units: readonly OrgUnit[];
  /** The units by id. */
  readonly unitIndex: UnitIndex;
  /** The user with this id, if the view holds one. */
  user(userId: string): User | undefined;
  /** The unit and its ancestors, nearest first; empty for a unit the roster does not list. */
  unitChain(unitId: string): UnitId[];
  /** Whether `userId` holds `role` on a unit whose subtree contains `unitId` (false for unknown users and units). */
  authorises(userId: string, role: RosterRole, unitId: string): boolean;
}

/** Ids that occur more than once. */
function repeated(ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return twice;
}

function domainUnits(roster: Roster, unitNames: ReadonlyMap<string, string>): OrgUnit[] {
  return roster.units.flatMap((unit) => {
    const id = unitIdSchema.safeParse(unit.id);
    const parentId = unit.parentId === null ? null : unitIdSchema.safeParse(unit.parentId).data;
    if (!id.success || parentId === undefined) return [];
    const name = unitNames.get(unit.id) || unit.id;
    return [{ id: id.data, name, kind: unit.kind, parentId, ...(unit.geofence === undefined ? {} : { geofence: unit.geofence }) }];
  });
}

/**
 * The roster's users and unit tree as the domain's `User` and `OrgUnit`, so a verifier holding
 * only the signed roster (a seal device, an app offline) judges with the same rules as the server.
 *
 * - Every user listed is active: a deactivated user is left out of the roster and their passkeys
 *   listed as revoked, so someone named only by a revoked passkey is no user here.
 * - A user id listed twice names nobody: both entries are left out (a verified roster has none;
 *   a forged one must not get to pick).
 * - Ids and roles that are not valid are left out (no valid decision names them), and so is a
 *   role on a unit the tree does not list: it covers nothing.
 * - A user's home unit is the unit of their first role, or the HQ when they hold none.
 */
export function rosterView(roster: Roster, unitNames: ReadonlyMap<string, string> = new Map()): RosterView {
  const units = domainUnits(roster, unitNames);
  const unitIndex = indexUnits(units);
  const root = units.find((unit) => unit.parentId === null)?.id;
  const twice = repeated(roster.users.map((user) => user.id));
  const users: User[] = [];
  for (const entry of roster.users) {
    const id = userIdSchema.safeParse(entry.id);
    if (!id.success || twice.has(entry.id)) continue;
    const grants = entry.roles.flatMap((held): RoleGrant[] => {
      const unitId = unitIdSchema.safeParse(held.unitId);
      const role = roleSchema.safeParse(held.role);
      return unitId.success && role.success && unitIndex.has(unitId.data) ? [{ role: role.data, unitId: unitId.data }] : [];
    });
    const home = grants[0]?.unitId ?? root;
    if (home === undefined) continue;
    users.push({ id: id.data, name: entry.displayName || entry.id, unitId: home, grants, active: true });
  }
  const byId = new Map<string, User>(users.map((user) => [user.id, user]));
  const chainOf = (unitId: string): UnitId[] => unitChain(unitId as UnitId, unitIndex);
  return {
    users,
    units,
    unitIndex,
    user: (userId) => byId.get(userId),
    unitChain: chainOf,
    authorises(userId, role, unitId) {
      const chain = chainOf(unitId);
      return byId.get(userId)?.grants.some((grant) => grant.role === role && chain.includes(grant.unitId)) ?? false;
    },
  };
}
