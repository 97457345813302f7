import { canonicalJson } from '../encoding/canonical';
import type { ApprovalRoute } from './approvalRoute';
import { governanceDecisionPayload, type GovernanceDecision, type GovernanceRequest } from './governance';
import type { UnitId, UserId } from './ids';
import { tallyApprovals, type IgnoredBallot, type RouteTally } from './tallyApprovals';
import type { User } from './user';

/** What a governance request's decisions are judged against. */
export interface GovernanceApprovalInput {
  readonly request: Pick<GovernanceRequest, 'id' | 'requesterId' | 'sealId' | 'action' | 'proposal'>;
  readonly route: ApprovalRoute;
  readonly sealUnitChain: readonly UnitId[];
  readonly custodianId: UserId;
  readonly users: readonly User[];
}

/** The tally, with the decisions that sign something other than this request's proposal set apart (`stale_terms`). */
export interface GovernanceCheck extends RouteTally {
  readonly stale: readonly Omit<IgnoredBallot, 'reason'>[];
}

/**
 * Whether a governance request's decisions meet its route: each decision must sign exactly this
 * request's payload (`governanceDecisionPayload`: request, requester, seal, action, proposal) with
 * its verdict, then the rule every request shares (`tallyApprovals`: authority over the seal's
 * unit, never the requester, the steps in order, at least one approver not the custodian).
 * The passkey signatures themselves are checked before a decision is kept (the server, with the
 * roster, as for use requests).
 */
export function checkGovernanceApprovals(input: GovernanceApprovalInput, decisions: readonly GovernanceDecision[]): GovernanceCheck {
  const stale: Omit<IgnoredBallot, 'reason'>[] = [];
  const ballots = [];
  for (const decision of decisions) {
    const expected = governanceDecisionPayload(input.request, decision.payload.verdict);
    if (canonicalJson(decision.payload) !== canonicalJson(expected)) {
      stale.push({ decisionId: decision.id, approverId: decision.approverId, message: `expected a decision signing request "${input.request.id}" as proposed, got different terms` });
      continue;
    }
    ballots.push({ decisionId: decision.id, approverId: decision.approverId, verdict: decision.payload.verdict, at: decision.at });
  }
  const tally = tallyApprovals({ route: input.route, sealUnitChain: input.sealUnitChain, custodianId: input.custodianId, requesterId: input.request.requesterId, users: input.users }, ballots);
  return { ...tally, stale };
}
