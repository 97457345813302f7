import { describe, expect, it } from 'vitest';
import { approvalRouteFor, DEFAULT_APPROVAL_ROUTES } from './approvalRoute';
import { checkApprovals, type ApprovalInput } from './checkApprovals';
import {
  approverB1,
  approverB2,
  approverHQ,
  contractSeal,
  custodianApprover,
  decide,
  person,
  request,
  staff,
  staffApprover,
  unit,
  USERS,
} from './fixtures.testing';
import { decisionTerms, type Decision } from './decision';
import type { UseRequest } from './useRequest';
import type { User } from './user';

const oneApproval = approvalRouteFor('contract');
const twoApprovals = { sealKind: 'contract' as const, minApprovals: 2 };
/** The contract seal (unit B1, under HQ) as the route sees it. */
const input = (route = oneApproval, req: UseRequest = request, users: readonly User[] = USERS): ApprovalInput => ({
  terms: decisionTerms(req), route, sealUnitChain: [unit('B1'), unit('HQ')], custodianId: contractSeal.custodianId, users,
});
const check = (decisions: Decision[], route = oneApproval, req: UseRequest = request) => checkApprovals(input(route, req), decisions);

describe('approval routes', () => {
  it('need two approvers for official, legal-representative and finance seals, one otherwise', () => {
    expect(Object.fromEntries(DEFAULT_APPROVAL_ROUTES.map((r) => [r.sealKind, r.minApprovals]))).toEqual({
      official: 2, legal_rep: 2, finance: 2, contract: 1, invoice: 1, personal: 1,
    });
    expect(approvalRouteFor('official', [{ sealKind: 'official', minApprovals: 3 }]).minApprovals).toBe(3);
    expect(approvalRouteFor('finance', [{ sealKind: 'official', minApprovals: 3 }]).minApprovals).toBe(2);
  });
});

describe('checkApprovals: separation of duties', () => {
  it('approves with one eligible approver on a subtree covering the seal unit', () => {
    expect(check([decide(request, approverB1, 'approve')])).toMatchObject({ outcome: 'approved', approvedBy: ['approver-b1'], missing: 0 });
    expect(check([decide(request, approverHQ, 'approve')])).toMatchObject({ outcome: 'approved', approvedBy: ['approver-hq'] });
  });

  it('ignores an approver whose grant does not cover the seal unit', () => {
    const result = check([decide(request, approverB2, 'approve')]);
    expect(result).toMatchObject({ outcome: 'pending', missing: 1, ignored: [{ approverId: 'approver-b2', reason: 'not_authorised' }] });
  });

  it('ignores approvers granted only below the seal unit (a site cannot approve its branch’s seal)', () => {
    const siteApprover = person('site-approver', 'approver@S1');
    const result = checkApprovals(input(oneApproval, request, [...USERS, siteApprover]), [decide(request, siteApprover, 'approve')]);
    expect(result.outcome).toBe('pending');
    expect(result.ignored[0]?.reason).toBe('not_authorised');
  });

  it('reads only the seal’s unit chain: a role on any link counts, and no chain (an unknown unit) counts nobody', () => {
    const onlyBranch = { ...input(), sealUnitChain: [unit('B1')] };
    expect(checkApprovals(onlyBranch, [decide(request, approverB1, 'approve')]).outcome).toBe('approved');
    expect(checkApprovals(onlyBranch, [decide(request, approverHQ, 'approve')]).ignored.map((i) => i.reason)).toEqual(['not_authorised']);
    const none = checkApprovals({ ...input(), sealUnitChain: [] }, [decide(request, approverHQ, 'approve'), decide(request, approverB1, 'approve')]);
    expect(none).toMatchObject({ outcome: 'pending', approvedBy: [], missing: 1 });
    expect(none.ignored.map((i) => i.reason)).toEqual(['not_authorised', 'not_authorised']);
  });

  it('never counts a decision on one’s own request', () => {
    const ownRequest = { ...request, requesterId: staffApprover.id };
    const result = check([decide(ownRequest, staffApprover, 'approve')], oneApproval, ownRequest);
    expect(result).toMatchObject({ outcome: 'pending', ignored: [{ reason: 'self_decision' }] });
    // Nor their own rejection: the requester withdraws by cancelling.
    expect(check([decide(ownRequest, staffApprover, 'reject')], oneApproval, ownRequest).outcome).toBe('pending');
  });

  it('lets the custodian approve but never be the only approver', () => {
    const alone = check([decide(request, custodianApprover, 'approve')]);
    expect(alone).toMatchObject({ outcome: 'pending', approvedBy: ['custodian-approver'], missing: 1, needsNonCustodian: true });
    const withAnother = check([decide(request, custodianApprover, 'approve'), decide(request, approverHQ, 'approve')]);
    expect(withAnother).toMatchObject({ outcome: 'approved', approvedBy: ['approver-hq', 'custodian-approver'] });
    const two = check([decide(request, custodianApprover, 'approve'), decide(request, approverB1, 'approve')], twoApprovals);
    expect(two.outcome).toBe('approved');
  });

  it('needs distinct approvers: one person approving twice is one approval', () => {
    const result = check([decide(request, approverB1, 'approve', 1), decide(request, approverB1, 'approve', 2)], twoApprovals);
    expect(result).toMatchObject({ outcome: 'pending', approvedBy: ['approver-b1'], missing: 1, countedDecisionIds: ['d-approver-b1-approve-1'] });
  });

  it('lets any eligible rejection veto, whatever the approvals', () => {
    const result = check([decide(request, approverB1, 'approve'), decide(request, approverHQ, 'reject')]);
    expect(result).toMatchObject({ outcome: 'rejected', approvedBy: ['approver-b1'], rejectedBy: ['approver-hq'] });
  });

  it('counts an approver who both approved and rejected as rejecting, in either order', () => {
    for (const [first, second] of [[1, 2], [2, 1]] as const) {
      const result = check([decide(request, approverB1, 'approve', first), decide(request, approverB1, 'reject', second)]);
      expect(result).toMatchObject({ outcome: 'rejected', rejectedBy: ['approver-b1'], approvedBy: [], conflictingApprovers: ['approver-b1'] });
    }
  });

  it('ignores approvals over terms the request no longer has', () => {
    const before = { ...request, usesRequested: 1 };
    const result = check([decide(request, approverB1, 'approve', 1, before)]);
    expect(result).toMatchObject({ outcome: 'pending', ignored: [{ reason: 'stale_terms' }] });
  });

  it('keeps a rejection whatever terms it signed: editing the request after a veto does not lift it', () => {
    // The requester moved the window by a millisecond after approver B1 rejected the request.
    const before = { ...request, window: { ...request.window, notAfter: request.window.notAfter - 1 } };
    const vetoed = check([decide(request, approverB1, 'reject', 1, before), decide(request, approverHQ, 'approve', 2)]);
    expect(vetoed).toMatchObject({ outcome: 'rejected', rejectedBy: ['approver-b1'], ignored: [] });
    // Edited back to the terms B1 had approved before rejecting the next version: the reject stands.
    const revived = check([decide(request, approverB1, 'approve', 1), decide(request, approverB1, 'reject', 2, before), decide(request, approverHQ, 'approve', 3)]);
    expect(revived).toMatchObject({ outcome: 'rejected', rejectedBy: ['approver-b1'] });
  });

  it('ignores unknown and deactivated approvers, and other requests’ decisions', () => {
    const ghost = person('ghost', 'approver@HQ');
    expect(check([decide(request, ghost, 'approve')]).ignored[0]?.reason).toBe('unknown_approver');
    const inactive = { ...approverHQ, active: false };
    expect(checkApprovals(input(oneApproval, request, [inactive]), [decide(request, approverHQ, 'approve')]).ignored[0]?.reason).toBe('not_authorised');
    const other = { ...request, id: 'req-2' as typeof request.id };
    expect(check([decide(other, approverB1, 'approve')]).ignored[0]?.reason).toBe('other_request');
  });

  it('is pending with nothing decided', () => {
    expect(check([])).toMatchObject({ outcome: 'pending', missing: 1, approvedBy: [], rejectedBy: [] });
    expect(check([], twoApprovals).missing).toBe(2);
    expect(staff.grants.some((g) => g.role === 'approver')).toBe(false);
  });
});
