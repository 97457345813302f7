import { ROLES, type Role } from '../domain/role';
import { ok, refuse, type Refusal, type Result } from '../result';

/**
 * Role pairs one person may never hold together (anywhere in the organisation, on any units):
 * the separation of powers — management (管理权: `admin`, `custodian`), use (使用权: `staff`) and
 * audit (审计权: `auditor`) — as far as one person's roles can break it.
 * - `auditor` with anything: whoever audits must hold no power over what they audit.
 * - `admin` with `approver` or `staff`: whoever hands out roles neither approves nor applies
 *   (else they could appoint the approver of their own request, or approve a stooge's).
 *
 * Left compatible on purpose, because another rule already stops the abuse per request or seal:
 * `custodian` + `staff` (the site's seal keeper who stamps, as the seeds describe; their own
 * request still needs someone else's approval), `custodian` + `approver` (never a seal's only
 * approver: `checkApprovals`), `approver` + `staff` (never decides their own request:
 * `request.decide` is `not_requester`), `admin` + `custodian` (both management).
 */
export const INCOMPATIBLE_ROLES: readonly (readonly [Role, Role])[] = [
  ['admin', 'approver'],
  ['admin', 'staff'],
  ['admin', 'auditor'],
  ['custodian', 'auditor'],
  ['approver', 'auditor'],
  ['staff', 'auditor'],
];

/** The roles `role` may not be held with, in `ROLES` order (for the invitation screen). */
export function rolesIncompatibleWith(role: Role): Role[] {
  const others = new Set(INCOMPATIBLE_ROLES.flatMap(([a, b]) => (a === role ? [b] : b === role ? [a] : [])));
  return ROLES.filter((r) => others.has(r));
}

/**
 * Whether one person may hold all of `roles` together (repeats and units do not matter): ok, or
 * `incompatible_roles` naming the first clashing pair.
 */
export function checkRoleCombination(roles: readonly Role[]): Result<void, Refusal<'incompatible_roles'>> {
  const held = new Set(roles);
  const clash = INCOMPATIBLE_ROLES.find(([a, b]) => held.has(a) && held.has(b));
  if (clash === undefined) return ok(undefined);
  return refuse('incompatible_roles', `expected roles one person may hold together, got ${clash[0]} with ${clash[1]} (separation of duties: ${clash.includes('auditor') ? 'an auditor holds no other role' : 'an administrator neither approves nor applies for seals'})`);
}
