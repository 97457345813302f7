import { canonicalJson } from '../encoding/canonical';
import { dedupeById } from './dedupeById';
import type { Decision, DecisionTerms } from './decision';
import type { DecisionId, UnitId, UserId } from './ids';
import type { ApprovalRoute } from './approvalRoute';
import { tallyApprovals, type ApprovalOutcome, type Ballot, type BallotRefusalReason } from './tallyApprovals';
import type { User } from './user';

export type { ApprovalOutcome } from './tallyApprovals';

/** Why a decision does not count. */
export type IgnoredDecisionReason = 'other_request' | 'stale_terms' | BallotRefusalReason;

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
  /** The seal's route (`routeFor(kind, chain, 'use')`, or a seal binding's). */
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
 * Which decisions on a use request count and what they add up to.
 *
 * A decision is held to the request first: it is about this request and its signed payload is
 * `input.terms` with its verdict — the terms approved are the terms requested (`stale_terms`
 * otherwise: the request changed). A rejection counts whatever terms it signed: a request edited
 * after a veto stays vetoed (ADR 001: the requester asks again), or a requester could move its
 * window by a millisecond to drop a rejection and ask the next approver. The rest is the rule every request shares (`tallyApprovals`):
 * the approver's authority on the SEAL's unit, never the requester, each approver once with a
 * reject winning, the route's steps in order, and at least one approver not the seal's custodian.
 *
 * Decisions are judged by the users as given (the current roster): the caller decides which
 * version of the users applies. Only the seal's unit chain is read of the tree, so a seal device
 * holding just its binding's signed path judges exactly as the server holding the whole tree.
 */
export function checkApprovals(input: ApprovalInput, decisions: readonly Decision[]): ApprovalCheck {
  const { terms } = input;
  const early: IgnoredDecision[] = [];
  const ballots: Ballot[] = [];
  for (const decision of dedupeById(decisions).facts) {
    const { approverId, payload } = decision;
    if (payload.requestId !== terms.requestId) {
      early.push({ decisionId: decision.id, approverId, reason: 'other_request', message: `expected a decision on request "${terms.requestId}", got one on "${payload.requestId}"` });
    } else if (payload.verdict !== 'reject' && canonicalJson(payload) !== canonicalJson({ ...terms, verdict: payload.verdict })) {
      early.push({ decisionId: decision.id, approverId, reason: 'stale_terms', message: `expected the decision to sign the request's current terms, got different terms (document, seal, uses, window or place changed)` });
    } else {
      ballots.push({ decisionId: decision.id, approverId, verdict: payload.verdict, at: decision.at });
    }
  }
  const tally = tallyApprovals({ route: input.route, sealUnitChain: input.sealUnitChain, custodianId: input.custodianId, requesterId: terms.requesterId, users: input.users }, ballots);
  const ignored = [...early, ...(tally.ignored as IgnoredDecision[])].sort((a, b) => (a.decisionId < b.decisionId ? -1 : a.decisionId > b.decisionId ? 1 : 0));
  return {
    outcome: tally.outcome,
    approvedBy: tally.approvedBy,
    rejectedBy: tally.rejectedBy,
    countedDecisionIds: tally.countedDecisionIds as DecisionId[],
    conflictingApprovers: tally.conflictingApprovers,
    ignored,
    missing: tally.missing,
    needsNonCustodian: tally.needsNonCustodian,
  };
}
