import { compareText } from '../domain/compare';
import { isInSubtree, type TreeUnit, type Units } from '../domain/orgTree';
import type { UnitId, UserId } from '../domain/ids';
import { ROLES, type Role, type RoleGrant } from '../domain/role';
import type { SealStatus } from '../domain/seal';
import { findSealTransition } from '../domain/sealTransitions';
import type { User } from '../domain/user';
import { err, ok, type Refusal, type Result } from '../result';
import type { Action } from './action';
import { PERMISSIONS, type PermissionRule } from './permissions';

/**
 * What an action is done to. `unitId` is always needed (scope); the rest only where the action's
 * rule looks at it: `requesterId` for `request.cancel` / `request.decide`, `holderId` for
 * `stamp.perform`, `transition` (and `sealCustodianId`) for `seal.transition`.
 */
export interface PolicyTarget {
  /** The unit the target belongs to: a seal's unit, a request's seal unit, a user's unit… */
  readonly unitId: UnitId;
  readonly requesterId?: UserId;
  readonly holderId?: UserId;
  readonly sealCustodianId?: UserId;
  readonly transition?: { readonly from: SealStatus | null; readonly to: SealStatus };
}

/** Which grant allowed an action: kept with the record it produced, for the audit trail. */
export interface Permit {
  readonly role: Role;
  readonly unitId: UnitId;
}

/** Why an action was refused. */
export type PolicyRefusalCode =
  | 'inactive_user'
  | 'not_permitted'
  | 'out_of_scope'
  | 'not_own_request'
  | 'self_decision'
  | 'not_grant_holder'
  | 'seal_custodian_excluded'
  | 'missing_target';

type Outcome = Result<Permit, Refusal<PolicyRefusalCode>>;
const no = (code: PolicyRefusalCode, message: string): Outcome => err({ code, message });
const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.map((item) => `"${item}"`).join(', '));
const describeGrants = (grants: readonly RoleGrant[]): string => list(grants.map((g) => `${g.role}@${g.unitId}`));

function rolesFor(action: Action, target: PolicyTarget): Role[] {
  const rules = PERMISSIONS[action];
  const roles = ROLES.filter((role) => rules[role] !== undefined);
  if (action !== 'seal.transition' || target.transition === undefined) return roles;
  const move = findSealTransition(target.transition.from, target.transition.to);
  return roles.filter((role) => move?.roles.includes(role) === true);
}

function checkRule(actor: User, action: Action, rule: PermissionRule, target: PolicyTarget): Outcome | undefined {
  switch (rule) {
    case 'scope':
      return undefined;
    case 'own_request':
      if (target.requesterId === undefined) return no('missing_target', `expected the requester of the request for ${action}, got none`);
      return target.requesterId === actor.id ? undefined : no('not_own_request', `expected the requester "${target.requesterId}" (or an admin) to ${action}, got "${actor.id}"`);
    case 'not_requester':
      if (target.requesterId === undefined) return no('missing_target', `expected the requester of the request for ${action}, got none`);
      return target.requesterId !== actor.id ? undefined : no('self_decision', `expected someone other than the requester "${actor.id}" to decide the request`);
    case 'grant_holder':
      if (target.holderId === undefined) return no('missing_target', `expected the holder of the grant for ${action}, got none`);
      return target.holderId === actor.id ? undefined : no('not_grant_holder', `expected the grant holder "${target.holderId}" to stamp, got "${actor.id}"`);
    case 'lifecycle': {
      if (target.transition === undefined) return no('missing_target', `expected the lifecycle move (from, to) for ${action}, got none`);
      const move = findSealTransition(target.transition.from, target.transition.to);
      if (move?.notBySealCustodian !== true) return undefined;
      if (target.sealCustodianId === undefined) return no('missing_target', `expected the seal's custodian for the move ${target.transition.from ?? 'new'} → ${target.transition.to}, got none`);
      return target.sealCustodianId !== actor.id
        ? undefined
        : no('seal_custodian_excluded', `expected someone other than the seal's own custodian "${actor.id}" to move it ${target.transition.from ?? 'new'} → ${target.transition.to}`);
    }
  }
}

/**
 * May `actor` do `action` to `target`? Ok with the grant that allows it, or a refusal saying
 * what was expected and what the actor holds.
 *
 * An action is allowed when the actor is active and holds a grant whose role the matrix
 * (`PERMISSIONS`) lists for the action — for `seal.transition`, one the lifecycle table lists for
 * that move — on a unit whose subtree contains `target.unitId`, and the role's rule holds (own
 * request, not the requester, grant holder…). Grants are tried in role order, then unit id, so
 * the answer is deterministic; when none allows the action, the most specific refusal is given.
 */
export function can(actor: User, action: Action, target: PolicyTarget, units: Units<TreeUnit>): Outcome {
  if (!actor.active) return no('inactive_user', `expected an active user to ${action}, got the deactivated user "${actor.id}"`);
  const roles = rolesFor(action, target);
  const candidates = actor.grants
    .filter((grant) => roles.includes(grant.role))
    .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || compareText(a.unitId, b.unitId));
  if (candidates.length === 0) {
    const what = action === 'seal.transition' && target.transition !== undefined ? `${action} ${target.transition.from ?? 'new'} → ${target.transition.to}` : action;
    return no('not_permitted', `expected a role of ${list(roles)} to ${what}, got ${describeGrants(actor.grants)}`);
  }
  const inScope = candidates.filter((grant) => isInSubtree(target.unitId, grant.unitId, units));
  if (inScope.length === 0) {
    return no('out_of_scope', `expected a grant of ${list(roles)} on a unit containing "${target.unitId}" to ${action}, got ${describeGrants(candidates)}`);
  }
  let refusal: Outcome | undefined;
  for (const grant of inScope) {
    const failed = checkRule(actor, action, PERMISSIONS[action][grant.role]!, target);
    if (failed === undefined) return ok({ role: grant.role, unitId: grant.unitId });
    refusal ??= failed;
  }
  return refusal!;
}
