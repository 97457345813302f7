import { describe, expect, it } from 'vitest';
import { steppedRoute, type ApprovalRoute } from './approvalRoute';
import { person, unit, userId } from './fixtures.testing';
import { tallyApprovals, type Ballot, type RouteParties } from './tallyApprovals';
import type { User } from './user';

/** S1 (site) → B1 (branch) → HQ. The site head approves on S1; legal approves on HQ. */
const siteHead = person('site-head', 'approver@S1');
const legal = person('legal', 'approver@HQ');
const branchApprover = person('branch-approver', 'approver@B1');
const custodian = person('custodian', 'custodian@S1', 'approver@S1');
const requester = person('requester', 'staff@S1', 'approver@S1');
const outsider = person('outsider', 'approver@B2');
const USERS: readonly User[] = [siteHead, legal, branchApprover, custodian, requester, outsider];

const parties = (route: ApprovalRoute, users = USERS): RouteParties => ({
  route, sealUnitChain: [unit('S1'), unit('B1'), unit('HQ')], custodianId: custodian.id, requesterId: requester.id, users,
});
let at = 0;
const yes = (who: User, when = ++at): Ballot => ({ decisionId: `d-${who.id}-${when}`, approverId: who.id, verdict: 'approve', at: when });
const no = (who: User, when = ++at): Ballot => ({ decisionId: `n-${who.id}-${when}`, approverId: who.id, verdict: 'reject', at: when });

const headThenLegal = steppedRoute('contract', [{ count: 1, approverUnitId: unit('S1') }, { count: 1, approverUnitId: unit('HQ') }]);
const twoInParallel: ApprovalRoute = { sealKind: 'official', minApprovals: 2 };

describe('tallyApprovals: sequential steps', () => {
  it('approves when the head of site decides, then legal', () => {
    const tally = tallyApprovals(parties(headThenLegal), [yes(siteHead, 10), yes(legal, 20)]);
    expect(tally).toMatchObject({ outcome: 'approved', approvedBy: ['legal', 'site-head'], missing: 0, openStep: 2 });
  });

  it('does not count legal deciding before the head of site (out of order): still pending, one missing', () => {
    const tally = tallyApprovals(parties(headThenLegal), [yes(legal, 10), yes(siteHead, 20)]);
    expect(tally.outcome).toBe('pending');
    expect(tally.approvedBy).toEqual(['site-head']);
    expect(tally.ignored).toMatchObject([{ approverId: 'legal', reason: 'out_of_order' }]);
    expect(tally.missing).toBe(1);
    expect(tally.openStep).toBe(1);
  });

  it('does not count an approver the steps do not name (a branch approver for a site-then-HQ route)', () => {
    const tally = tallyApprovals(parties(headThenLegal), [yes(branchApprover)]);
    expect(tally).toMatchObject({ outcome: 'pending', missing: 2, ignored: [{ approverId: 'branch-approver', reason: 'not_in_route' }] });
  });

  it('lets a reject at any step veto the request', () => {
    expect(tallyApprovals(parties(headThenLegal), [yes(siteHead), no(legal)]).outcome).toBe('rejected');
  });
});

describe('tallyApprovals: parallel steps', () => {
  it('needs two distinct approvers, in either order', () => {
    expect(tallyApprovals(parties(twoInParallel), [yes(siteHead)]).outcome).toBe('pending');
    expect(tallyApprovals(parties(twoInParallel), [yes(legal, 1), yes(siteHead, 2)]).outcome).toBe('approved');
    expect(tallyApprovals(parties(twoInParallel), [yes(siteHead, 1), yes(legal, 2)]).outcome).toBe('approved');
  });

  it('counts one approver once, however many times they approve', () => {
    expect(tallyApprovals(parties(twoInParallel), [yes(siteHead, 1), yes(siteHead, 2)])).toMatchObject({ outcome: 'pending', missing: 1 });
  });
});

describe('tallyApprovals: separation of duties', () => {
  it('never counts the requester, even holding the approver role', () => {
    const tally = tallyApprovals(parties(twoInParallel), [yes(requester), yes(siteHead)]);
    expect(tally.outcome).toBe('pending');
    expect(tally.ignored).toMatchObject([{ approverId: 'requester', reason: 'self_decision' }]);
  });

  it('does not let the custodian be the only approver; another approver then completes it', () => {
    const oneStep: ApprovalRoute = { sealKind: 'contract', minApprovals: 1 };
    expect(tallyApprovals(parties(oneStep), [yes(custodian)])).toMatchObject({ outcome: 'pending', needsNonCustodian: true, missing: 1 });
    expect(tallyApprovals(parties(oneStep), [yes(custodian, 1), yes(siteHead, 2)]).outcome).toBe('approved');
  });

  it('ignores approvers whose role does not cover the seal, and unknown people', () => {
    const tally = tallyApprovals(parties(twoInParallel), [yes(outsider), { decisionId: 'x', approverId: userId('ghost'), verdict: 'approve', at: 1 }]);
    expect(tally.outcome).toBe('pending');
    expect(tally.ignored.map((i) => i.reason).sort()).toEqual(['not_authorised', 'unknown_approver']);
  });
});
