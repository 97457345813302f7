import { canonicalJson } from '../encoding/canonical';
import { can } from '../policy/can';
import { compareText } from './compare';
import { dedupeById } from './dedupeById';
import type { Decision, DecisionTerms } from './decision';
import type { DecisionId, UnitId, UserId } from './ids';
import type { ApprovalRoute } from './approvalRoute';
import { chainUnits } from './orgTree';
import type { User } from './user';

/** Where the approvals of a request stand. */
export type ApprovalOutcome = 'approved' | 'rejected' | 'pending';

/** Why a decision does not count. */
export type IgnoredDecisionReason = 'other_request' | 'stale_terms' | 'unknown_approver' | 'self_decision' | 'not_authorised';

/** A decision that does not count, and why. */
export interface IgnoredDecision {
  readonly decisionId: DecisionId;
  readonly approverId: UserId;
  readonly reason: IgnoredDecisionReason;
  readonly message: string;
}

/** What {@link checkApprovals} judges decisions against: the request's terms, and its seal as the route sees it. */
export interface ApprovalInput {
  /** The request's terms as its approvers sign them (`decisionTerms`, or `signedTerms` of a payload). */
  readonly terms: DecisionTerms;
  /** The seal kind's route. */
  readonly route: ApprovalRoute;
  /**
   * The seal's unit, then its ancestors up to the HQ (`unitChain`, or a seal binding's signed
   * path): an approver role on any of them covers the seal. Empty when the seal's unit is unknown.
   */
  readonly sealUnitChain: readonly UnitId[];
  /** The seal's custodian: never the only approver. */
  readonly custodianId: UserId;
  /** The users who may approve (the current roster's, as `rosterView` gives them). */
  readonly users: readonly User[];
}

/** The result of {@link checkApprovals}. Every list is sorted, so equal inputs give equal results. */
export interface ApprovalCheck {
  readonly outcome: ApprovalOutcome;
  /** Approvers whose counted verdict is approve. */
  readonly approvedBy: readonly UserId[];
  /** Approvers whose counted verdict is reject. */
  readonly rejectedBy: readonly UserId[];
  /** One decision per counted approver: the smallest id among their decisions with their verdict. */
  readonly countedDecisionIds: readonly DecisionId[];
  /** Approvers who both approved and rejected (their reject counts). */
  readonly conflictingApprovers: readonly UserId[];
  readonly ignored: readonly IgnoredDecision[];
  /** Approvals still needed (0 unless pending). */
  readonly missing: number;
  /** True when the approvals would suffice but none is from someone other than the seal's custodian. */
  readonly needsNonCustodian: boolean;
}

/**
 * Separation of duties for one request: which decisions count and what they add up to.
 *
 * A decision counts when
 * - it is about this request and its signed payload is `input.terms` with its verdict —
 *   the terms approved are the terms requested (`stale_terms` otherwise: the request changed);
 * - its approver is a known, active user who may `request.decide` on the SEAL's unit: holds
 *   `approver` on a subtree containing it (`not_authorised`), and is not the requester
 *   (`self_decision`: nobody decides their own request).
 *
 * Counting: each approver counts once. An approver with several decisions counts as rejecting if
 * any of them rejects (a passkey-signed "no" is never outweighed by the same person's "yes",
 * whatever the clocks say), else as approving. Any counted rejection vetoes the request
 * (`rejected`). Otherwise it is `approved` once `route.minApprovals` distinct approvers approve
 * and at least one of them is not the seal's custodian: the custodian may approve but is never
 * the only approver. Otherwise `pending`.
 *
 * Decisions are judged by the users as given (the current roster): the caller decides which
 * version of the users applies. Only the seal's unit chain is read of the tree, so a seal device
 * holding just its binding's signed path judges exactly as the server holding the whole tree.
 */
export function checkApprovals(input: ApprovalInput, decisions: readonly Decision[]): ApprovalCheck {
  const { terms, route, sealUnitChain, custodianId } = input;
  const usersById = new Map(input.users.map((user) => [user.id, user]));
  const sealUnit = sealUnitChain[0];
  const scope = chainUnits(sealUnitChain);
  const ignored: IgnoredDecision[] = [];
  const byApprover = new Map<UserId, Decision[]>();
  const sorted = dedupeById(decisions).facts;

  for (const decision of sorted) {
    const { approverId, payload } = decision;
    const skip = (reason: IgnoredDecisionReason, message: string) => ignored.push({ decisionId: decision.id, approverId, reason, message });
    if (payload.requestId !== terms.requestId) {
      skip('other_request', `expected a decision on request "${terms.requestId}", got one on "${payload.requestId}"`);
      continue;
    }
    if (canonicalJson(payload) !== canonicalJson({ ...terms, verdict: payload.verdict })) {
      skip('stale_terms', `expected the decision to sign the request's current terms, got different terms (document, seal, uses, window or place changed)`);
      continue;
    }
    const approver = usersById.get(approverId);
    if (approver === undefined) {
      skip('unknown_approver', `expected a known approver, got unknown user "${approverId}"`);
      continue;
    }
    if (sealUnit === undefined) {
      skip('not_authorised', `expected the seal's unit in the unit tree, got none: nobody's role covers it`);
      continue;
    }
    const permit = can(approver, 'request.decide', { unitId: sealUnit, requesterId: terms.requesterId }, scope);
    if (!permit.ok) {
      skip(permit.error.code === 'self_decision' ? 'self_decision' : 'not_authorised', permit.error.message);
      continue;
    }
    byApprover.set(approverId, [...(byApprover.get(approverId) ?? []), decision]);
  }

  const approvedBy: UserId[] = [];
  const rejectedBy: UserId[] = [];
  const conflictingApprovers: UserId[] = [];
  const countedDecisionIds: DecisionId[] = [];
  for (const [approverId, own] of [...byApprover.entries()].sort(([a], [b]) => compareText(a, b))) {
    const rejects = own.filter((d) => d.payload.verdict === 'reject');
    const approves = own.filter((d) => d.payload.verdict === 'approve');
    if (rejects.length > 0 && approves.length > 0) conflictingApprovers.push(approverId);
    const counted = rejects.length > 0 ? rejects : approves;
    (rejects.length > 0 ? rejectedBy : approvedBy).push(approverId);
    countedDecisionIds.push(counted[0]!.id); // already sorted by id
  }
  countedDecisionIds.sort(compareText);

  const enough = approvedBy.length >= route.minApprovals;
  const hasNonCustodian = approvedBy.some((id) => id !== custodianId);
  const outcome: ApprovalOutcome = rejectedBy.length > 0 ? 'rejected' : enough && hasNonCustodian ? 'approved' : 'pending';
  const needsNonCustodian = outcome === 'pending' && enough && !hasNonCustodian;
  const missing = outcome === 'pending' ? Math.max(route.minApprovals - approvedBy.length, needsNonCustodian ? 1 : 0) : 0;
  return { outcome, approvedBy, rejectedBy, countedDecisionIds, conflictingApprovers, ignored, missing, needsNonCustodian };
}
