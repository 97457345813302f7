import type { Roster, RosterRole } from '../crypto/roster';
import { indexUnits, isInSubtree } from '../domain/orgTree';

/**
 * Whether the roster lets `userId` act as `role` on `unitId`: the user is in the roster (an active
 * user) and holds `role` on a unit whose subtree contains `unitId` ("a role on a unit covers
 * everything below it"), judged by the roster's own signed unit tree. What an offline verifier
 * (the app, a seal device) checks after `verifyAssertionWithRoster` named the signer. False for a
 * user or unit the roster does not list.
 */
export function rosterAuthorises(roster: Roster, userId: string, role: RosterRole, unitId: string): boolean {
  const user = roster.users.find((u) => u.id === userId);
  if (!user) return false;
  const units = indexUnits(roster.units);
  return user.roles.some((held) => held.role === role && isInSubtree(unitId, held.unitId, units));
}
