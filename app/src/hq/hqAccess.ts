import { PERMISSIONS, ROLES, type Action, type Role, type SessionView as Session, type UnitView as Unit } from '@seal/shared';
import { holdsRole, unitsCoveredBy } from '../auth/roles';

/** The roles that may do `action` at all (the policy's matrix, read rather than written again). */
const rolesFor = (action: Action): Role[] => ROLES.filter((role) => PERMISSIONS[action][role] !== undefined);

/** Whether the user holds a role that may do `action` somewhere (the server checks scope on every call). */
export const mayAnywhere = (session: Session | null | undefined, action: Action): boolean => rolesFor(action).some((role) => holdsRole(session, role));

/** Whether the user may open headquarters' screens: the merged log needs `log.read`. */
export const mayReadHq = (session: Session | null | undefined): boolean => mayAnywhere(session, 'log.read');

/** The units the user may do `action` on (each granted unit and its subtree), in `units`' order. */
export function unitsFor(session: Session | null | undefined, action: Action, units: readonly Unit[]): Unit[] {
  const covered = new Set(rolesFor(action).flatMap((role) => unitsCoveredBy(session, role, units).map((u) => u.id)));
  return units.filter((u) => covered.has(u.id));
}
