import type { Role } from './role';
import type { SealStatus } from './seal';

/** One legal move of a seal's life cycle: from (or `null` for creation), to, and who may make it. */
export interface SealTransitionRule {
  readonly from: SealStatus | null;
  readonly to: SealStatus;
  /** Roles that may make it (each only within its unit subtree, which must contain the seal's unit). */
  readonly roles: readonly Role[];
  /** When set, the seal's own custodian may not make this move, whatever roles they hold. */
  readonly notBySealCustodian?: true;
  readonly why: string;
}

const custodianOrAdmin: readonly Role[] = ['custodian', 'admin'];
const adminOnly: readonly Role[] = ['admin'];

/**
 * The seal life cycle as data. Every move needs a recorded reason. Anything not listed is
 * refused (`illegal_transition`); nothing leaves `destroyed` (`terminal_state`).
 *
 * Decisions:
 * - `lost → active` (found) is stricter: an admin only, and never the seal's own custodian — the
 *   person who lost a seal does not declare it found. There is deliberately no `lost → suspended`,
 *   which would let a custodian route around that rule via `suspended → active`.
 * - `confiscated` (收缴) is an admin's act and has one way out: `revoked`. A seal that was
 *   confiscated does not quietly come back into service; a new one is made instead.
 * - `revoked` has one way out: `destroyed`. Revocation is permanent.
 * - auditors, approvers and staff make no lifecycle moves.
 */
export const SEAL_TRANSITIONS: readonly SealTransitionRule[] = [
  { from: null, to: 'active', roles: custodianOrAdmin, why: 'a newly made seal enters service' },
  { from: 'active', to: 'suspended', roles: custodianOrAdmin, why: 'withdrawn for a while (audit, dispute, custodian change)' },
  { from: 'suspended', to: 'active', roles: custodianOrAdmin, why: 'back in service after a suspension' },
  { from: 'active', to: 'lost', roles: custodianOrAdmin, why: 'reported missing' },
  { from: 'suspended', to: 'lost', roles: custodianOrAdmin, why: 'reported missing while suspended' },
  { from: 'lost', to: 'active', roles: adminOnly, notBySealCustodian: true, why: 'found: back in service (stricter)' },
  { from: 'active', to: 'confiscated', roles: adminOnly, why: 'taken back (收缴)' },
  { from: 'suspended', to: 'confiscated', roles: adminOnly, why: 'taken back (收缴)' },
  { from: 'lost', to: 'confiscated', roles: adminOnly, why: 'found and taken back (收缴)' },
  { from: 'active', to: 'revoked', roles: custodianOrAdmin, why: 'permanently out of service' },
  { from: 'suspended', to: 'revoked', roles: custodianOrAdmin, why: 'permanently out of service' },
  { from: 'lost', to: 'revoked', roles: custodianOrAdmin, why: 'a lost seal is declared void (登报作废)' },
  { from: 'confiscated', to: 'revoked', roles: adminOnly, why: 'a confiscated seal is declared void' },
  { from: 'revoked', to: 'destroyed', roles: custodianOrAdmin, why: 'physically destroyed or its keys erased (terminal)' },
];

/** States nothing leaves. */
export const TERMINAL_SEAL_STATUSES: readonly SealStatus[] = ['destroyed'];

/** The rule for a move, or `undefined` when the move is not in the table. */
export function findSealTransition(from: SealStatus | null, to: SealStatus): SealTransitionRule | undefined {
  return SEAL_TRANSITIONS.find((rule) => rule.from === from && rule.to === to);
}

/** The states a seal may move to from `from` (by anyone). */
export function nextSealStatuses(from: SealStatus | null): SealStatus[] {
  return SEAL_TRANSITIONS.filter((rule) => rule.from === from).map((rule) => rule.to);
}
