import {
  can, checkManageOf, indexUnits, isInSubtree,
  type Action, type OrgUnit, type PolicyRefusalCode, type PolicyTarget, type Permit, type Refusal, type Result, type Role, type UnitId, type UnitIndex, type User, type UserId,
} from '@seal/shared';
import type { UnitDoc, UserDoc } from '../couch/model';
import { ApiError } from '../http/errors';

/** The organisation tree, indexed, as the scope checks need it. */
export type UnitTree = UnitIndex;

/** Indexes stored units for the domain's tree helpers (our documents are `OrgUnit`s plus timestamps). */
export const unitTree = (units: readonly UnitDoc[]): UnitTree => indexUnits(units as unknown as readonly OrgUnit[]);

/** The root (HQ) unit's id, if setup has created it. */
export function rootUnitId(tree: UnitTree): string | undefined {
  for (const unit of tree.values()) if (unit.parentId === null) return unit.id;
  return undefined;
}

/** Whether `user` holds one of `roles` on `unitId` or on a unit above it. */
export function holdsRoleOn(user: UserDoc, roles: readonly Role[], unitId: string, tree: UnitTree): boolean {
  return user.active && user.grants.some((g) => roles.includes(g.role) && isInSubtree(unitId as UnitId, g.unitId, tree));
}

/** A system administrator: `admin` granted on the root unit. */
export function isSystemAdmin(user: UserDoc, tree: UnitTree): boolean {
  const root = rootUnitId(tree);
  return root !== undefined && user.grants.some((g) => g.role === 'admin' && g.unitId === root);
}

/** The units (roots of subtrees) on which `user` holds one of `roles`. */
const scopesOf = (user: UserDoc, roles: readonly Role[]): string[] =>
  user.grants.filter((g) => roles.includes(g.role)).map((g) => g.unitId);

/**
 * Refuses unless `user` holds one of `roles` over `unitId`: 403 `forbidden` when they hold none
 * of these roles anywhere, 403 `out_of_scope` when they do, but on other subtrees.
 * @param doing - what was attempted, for the message ("create an invitation")
 */
export function requireRoleOn(user: UserDoc, roles: readonly Role[], unitId: string, tree: UnitTree, doing: string): void {
  if (holdsRoleOn(user, roles, unitId, tree)) return;
  const held = scopesOf(user, roles);
  if (held.length === 0) {
    throw new ApiError(403, 'forbidden', `To ${doing} you need the role ${roles.join(' or ')}, which you do not hold`);
  }
  throw new ApiError(403, 'out_of_scope', `To ${doing} on unit "${unitId}" you need ${roles.join(' or ')} on it or a unit above; you hold it on ${held.map((u) => `"${u}"`).join(', ')} only`);
}

/** Refuses (403 `forbidden`) unless `user` holds one of `roles` somewhere. */
export function requireAnyRole(user: UserDoc, roles: readonly Role[], doing: string): void {
  if (!user.grants.some((g) => roles.includes(g.role))) {
    throw new ApiError(403, 'forbidden', `To ${doing} you need the role ${roles.join(' or ')}, which you do not hold`);
  }
}

/** The tree of each list of units kept (`withKeptList`): built once a change of the units, not once a request. */
const treesOfKept = new WeakMap<readonly UnitDoc[], UnitTree>();

/**
 * Reads the organisation tree from the store (small: one document per unit). From a repository
 * that keeps its list (`withKeptList`), the tree is built once per list and shared by every
 * request until the units change: read-only, as its type says.
 */
export async function loadUnitTree(units: { list(): Promise<UnitDoc[]>; listKept?(): Promise<readonly UnitDoc[]> }): Promise<UnitTree> {
  if (units.listKept === undefined) return unitTree(await units.list());
  const kept = await units.listKept();
  let tree = treesOfKept.get(kept);
  if (tree === undefined) treesOfKept.set(kept, (tree = unitTree(kept)));
  return tree;
}

/** Our stored user as the domain policy sees it (same fields; the ids are checked on the way in). */
export const asPolicyUser = (user: UserDoc): User => user as unknown as User;

/** The domain policy's answer (`can`) for a stored user: the permitting grant, or a refusal with its code. */
export function permission(
  user: UserDoc,
  action: Action,
  target: { readonly unitId: string; readonly requesterId?: string },
  tree: UnitTree,
): Result<Permit, Refusal<PolicyRefusalCode>> {
  const policyTarget = { unitId: target.unitId as UnitId, ...(target.requesterId ? { requesterId: target.requesterId as UserId } : {}) } satisfies PolicyTarget;
  return can(asPolicyUser(user), action, policyTarget, tree);
}

/**
 * Refuses unless the domain policy (`can`) allows `action` on a target in `unitId`: 403
 * `out_of_scope` when the user has a role for it on other subtrees only, otherwise 403
 * `forbidden` (role missing, deactivated, or a rule such as "not your own request").
 */
export function requirePermission(
  user: UserDoc,
  action: Action,
  target: { readonly unitId: string; readonly requesterId?: string },
  tree: UnitTree,
): Permit {
  const outcome = permission(user, action, target, tree);
  if (outcome.ok) return outcome.value;
  throw new ApiError(403, outcome.error.code === 'out_of_scope' ? 'out_of_scope' : 'forbidden', outcome.error.message);
}

/**
 * What someone needs to act on a person's account (deactivate it, revoke their passkeys): the
 * right to manage users over the person's home unit and over every unit the person holds a role
 * on. An administrator of a branch manages the branch's people, not a head-office administrator
 * who happens to live in the branch. The shared rule (`checkManageOf`), as for role grants.
 * Throws 403 like `requirePermission`.
 */
export function requireManageOf(user: UserDoc, target: Pick<UserDoc, 'unitId' | 'grants'>, tree: UnitTree): void {
  const outcome = checkManageOf(asPolicyUser(user), target as unknown as Pick<User, 'unitId' | 'grants'>, tree);
  if (!outcome.ok) throw new ApiError(403, outcome.error.code === 'out_of_scope' ? 'out_of_scope' : 'forbidden', outcome.error.message);
}

/** Whether the unit was closed (kept in the tree for history; it takes nothing new). */
export const isClosed = (tree: UnitTree, unitId: string): boolean => (tree.get(unitId as never) as { closedAt?: number } | undefined)?.closedAt !== undefined;
