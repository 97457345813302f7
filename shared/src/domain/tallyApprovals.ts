import { can } from '../policy/can';
import { compareText } from './compare';
import { routeSteps, type ApprovalRoute, type RouteStep } from './approvalRoute';
import type { UnitId, UserId } from './ids';
import { chainUnits } from './orgTree';
import type { User } from './user';

/** Where the approvals of a request stand. */
export type ApprovalOutcome = 'approved' | 'rejected' | 'pending';

/** One approver's signed verdict, already matched to the request (its payload checks are the caller's). */
export interface Ballot {
  readonly decisionId: string;
  readonly approverId: UserId;
  readonly verdict: 'approve' | 'reject';
  /** When it was decided (the order sequential steps are judged in; ties by decision id). */
  readonly at: number;
}

/** Why a ballot does not count. */
export type BallotRefusalReason = 'unknown_approver' | 'self_decision' | 'not_authorised' | 'out_of_order' | 'not_in_route';

export interface IgnoredBallot {
  readonly decisionId: string;
  readonly approverId: UserId;
  readonly reason: BallotRefusalReason;
  readonly message: string;
}

/** Who may count towards a route: the seal's place and keeper, the requester, the users as the roster gives them. */
export interface RouteParties {
  readonly route: ApprovalRoute;
  /** The seal's unit, then its ancestors up to HQ. Empty when the seal's unit is unknown. */
  readonly sealUnitChain: readonly UnitId[];
  readonly custodianId: UserId;
  readonly requesterId: UserId;
  readonly users: readonly User[];
}

/** The result of {@link tallyApprovals}. Every list is sorted, so equal inputs give equal results. */
export interface RouteTally {
  readonly outcome: ApprovalOutcome;
  readonly approvedBy: readonly UserId[];
  readonly rejectedBy: readonly UserId[];
  /** One ballot per counted approver. */
  readonly countedDecisionIds: readonly string[];
  readonly conflictingApprovers: readonly UserId[];
  readonly ignored: readonly IgnoredBallot[];
  /** Approvals still needed (0 unless pending). */
  readonly missing: number;
  /** True when the steps are met but no approver is someone other than the seal's custodian. */
  readonly needsNonCustodian: boolean;
  /** The first step not yet met (`steps.length` once all are). */
  readonly openStep: number;
}

/**
 * SEPARATION OF DUTIES, said once for every request (use and governance alike): nobody counts as
 * an approver of their own request, and a route is met only when at least one approver is not
 * the seal's custodian — so a custodian can neither approve what they asked for nor carry a
 * seal's use or life alone.
 */
export function separationOfDutiesMet(approvedBy: readonly UserId[], parties: Pick<RouteParties, 'custodianId' | 'requesterId'>): boolean {
  return approvedBy.some((id) => id !== parties.custodianId) && !approvedBy.includes(parties.requesterId);
}

const fitsStep = (user: User, step: RouteStep): boolean =>
  step.approverUnitId === undefined || user.grants.some((g) => g.role === 'approver' && g.unitId === step.approverUnitId);

/**
 * Counts ballots against a route.
 * 1. Authority: a ballot counts only from a known, active user who may `request.decide` on the
 *    seal's unit and is not the requester (`can`).
 * 2. Each approver counts once; a reject among their ballots wins (a signed "no" is never
 *    outweighed by the same person's "yes"). Any counted reject vetoes the request.
 * 3. Steps, in order: approvers are taken by their first ballot's time (then id); each fills the
 *    open step if they fit it (`approverUnitId`); one who fits only a later step has come out of
 *    order and does not count (`out_of_order`), one who fits none does not either (`not_in_route`).
 *    Once every step is met, further approvers who fit any step are counted too (they can still
 *    supply the approver other than the custodian).
 * 4. Approved when every step is met and {@link separationOfDutiesMet}; else pending.
 * With one parallel step (`minApprovals`, no `steps`) this is exactly the count the routes had
 * before steps existed.
 */
export function tallyApprovals(parties: RouteParties, ballots: readonly Ballot[]): RouteTally {
  const usersById = new Map(parties.users.map((user) => [user.id, user]));
  const sealUnit = parties.sealUnitChain[0];
  const scope = chainUnits(parties.sealUnitChain);
  const ignored: IgnoredBallot[] = [];
  const byApprover = new Map<UserId, Ballot[]>();
  const ordered = [...ballots].sort((a, b) => a.at - b.at || compareText(a.decisionId, b.decisionId));
  for (const ballot of ordered) {
    const skip = (reason: BallotRefusalReason, message: string) => ignored.push({ decisionId: ballot.decisionId, approverId: ballot.approverId, reason, message });
    const approver = usersById.get(ballot.approverId);
    if (approver === undefined) { skip('unknown_approver', `expected a known approver, got unknown user "${ballot.approverId}"`); continue; }
    if (sealUnit === undefined) { skip('not_authorised', `expected the seal's unit in the unit tree, got none: nobody's role covers it`); continue; }
    const permit = can(approver, 'request.decide', { unitId: sealUnit, requesterId: parties.requesterId }, scope);
    if (!permit.ok) { skip(permit.error.code === 'self_decision' ? 'self_decision' : 'not_authorised', permit.error.message); continue; }
    byApprover.set(ballot.approverId, [...(byApprover.get(ballot.approverId) ?? []), ballot]);
  }

  const steps = routeSteps(parties.route);
  const filled = steps.map(() => 0);
  let openStep = 0;
  const approvedBy: UserId[] = [];
  const rejectedBy: UserId[] = [];
  const conflictingApprovers: UserId[] = [];
  const counted: string[] = [];
  for (const [approverId, own] of byApprover) {
    const rejects = own.filter((b) => b.verdict === 'reject');
    if (rejects.length > 0) {
      if (rejects.length < own.length) conflictingApprovers.push(approverId);
      rejectedBy.push(approverId);
      counted.push([...rejects].sort((a, b) => compareText(a.decisionId, b.decisionId))[0]!.decisionId);
      continue;
    }
    const user = usersById.get(approverId)!;
    const first = [...own].sort((a, b) => compareText(a.decisionId, b.decisionId))[0]!;
    const skip = (reason: BallotRefusalReason, message: string) => { for (const b of own) ignored.push({ decisionId: b.decisionId, approverId, reason, message }); };
    if (openStep < steps.length) {
      if (fitsStep(user, steps[openStep]!)) {
        filled[openStep]! += 1;
        if (filled[openStep] === steps[openStep]!.count) openStep += 1;
      } else {
        const later = steps.findIndex((step, i) => i > openStep && fitsStep(user, step));
        if (later !== -1) skip('out_of_order', `expected step ${openStep + 1} of the route to be met before step ${later + 1}, got "${approverId}"'s approval first`);
        else skip('not_in_route', `expected an approver for step ${openStep + 1} of the route, got "${approverId}", who holds no role the route names`);
        continue;
      }
    } else if (!steps.some((step) => fitsStep(user, step))) {
      skip('not_in_route', `expected an approver the route names, got "${approverId}"`);
      continue;
    }
    approvedBy.push(approverId);
    counted.push(first.decisionId);
  }
  approvedBy.sort(compareText);
  rejectedBy.sort(compareText);
  conflictingApprovers.sort(compareText);
  counted.sort(compareText);
  ignored.sort((a, b) => compareText(a.decisionId, b.decisionId));

  const stepsMet = openStep >= steps.length;
  const fair = separationOfDutiesMet(approvedBy, parties);
  const outcome: ApprovalOutcome = rejectedBy.length > 0 ? 'rejected' : stepsMet && fair ? 'approved' : 'pending';
  const needsNonCustodian = outcome === 'pending' && stepsMet && !fair;
  const remaining = steps.reduce((sum, step, i) => sum + step.count - filled[i]!, 0);
  const missing = outcome === 'pending' ? Math.max(remaining, needsNonCustodian ? 1 : 0) : 0;
  return { outcome, approvedBy, rejectedBy, countedDecisionIds: counted, conflictingApprovers, ignored, missing, needsNonCustodian, openStep: Math.min(openStep, steps.length) };
}
