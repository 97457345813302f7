import type { Units } from '../domain/orgTree';
import type { Role } from '../domain/role';
import type { UnitId } from '../domain/ids';
import type { User } from '../domain/user';
import { err, ok, type Refusal, type Result } from '../result';
import { can, type Permit, type PolicyRefusalCode } from './can';
import { checkRoleCombination } from './roleCombination';

/** A role grant being added to, or removed from, one person. */
export interface RoleGrantChange {
  readonly mode: 'grant' | 'revoke';
  readonly role: Role;
  readonly unitId: UnitId;
}

export type RoleGrantRefusalCode = PolicyRefusalCode | 'self_grant' | 'incompatible_roles';

/**
 * May `actor` act on `target`'s account (change their roles, deactivate them, revoke their
 * passkeys, edit their profile)? The right to manage users (`user.manage`) over the target's home
 * unit AND over every unit the target holds a role on: an administrator of a branch manages the
 * branch's people, not a head-office administrator who happens to live in the branch.
 */
export function checkManageOf(actor: User, target: Pick<User, 'unitId' | 'grants'>, units: Units): Result<Permit, Refusal<PolicyRefusalCode>> {
  for (const unitId of new Set([target.unitId, ...target.grants.map((grant) => grant.unitId)])) {
    const over = can(actor, 'user.manage', { unitId }, units);
    if (!over.ok) return over;
  }
  return can(actor, 'user.manage', { unitId: target.unitId }, units);
}

/**
 * May `actor` make `change` to `target`'s role grants? The one rule for the server's grant
 * routes (and, through `checkInvitationRoles`, for invitations):
 * - nobody adds a role to themselves (`self_grant`); giving one up is allowed, as it only removes
 *   power (the server still keeps one system administrator);
 * - the actor manages the target (`checkManageOf`: `user.manage` over the target's home unit and
 *   every unit they hold a role on) AND may grant on the grant's unit (`role.grant`), so a branch
 *   administrator touches neither people nor units of another branch, nor a head-office
 *   administrator who lives in the branch;
 * - after a grant, the target's roles are a combination one person may hold (`checkRoleCombination`).
 */
export function checkRoleGrantChange(actor: User, target: User, change: RoleGrantChange, units: Units): Result<Permit, Refusal<RoleGrantRefusalCode>> {
  if (change.mode === 'grant' && actor.id === target.id) {
    return err({ code: 'self_grant', message: `expected someone else to grant ${change.role}@${change.unitId} to "${target.id}", got that user themself: nobody adds roles to themselves` });
  }
  const manages = checkManageOf(actor, target, units);
  if (!manages.ok) return manages;
  const grants = can(actor, 'role.grant', { unitId: change.unitId }, units);
  if (!grants.ok) return grants;
  if (change.mode === 'grant') {
    const combination = checkRoleCombination([...target.grants.map((g) => g.role), change.role]);
    if (!combination.ok) return combination;
  }
  return ok(grants.value);
}

/**
 * May `actor` invite a new person to `unitId` with `roles`? The same rule as a grant: the actor
 * may invite and grant on the unit, and the roles are a combination one person may hold.
 */
export function checkInvitationRoles(actor: User, unitId: UnitId, roles: readonly Role[], units: Units): Result<Permit, Refusal<RoleGrantRefusalCode>> {
  const invites = can(actor, 'user.invite', { unitId }, units);
  if (!invites.ok) return invites;
  const grants = can(actor, 'role.grant', { unitId }, units);
  if (!grants.ok) return grants;
  const combination = checkRoleCombination(roles);
  return combination.ok ? ok(grants.value) : combination;
}
