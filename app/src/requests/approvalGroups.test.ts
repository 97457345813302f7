import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_ROUTES, approvalRouteFor } from '@seal/shared';
import { approvalGroups } from './approvalGroups';

describe('approvalGroups', () => {
  it('groups the default routes by the approvers they need, most first', () => {
    const groups = approvalGroups();
    expect(groups.map((g) => g.count)).toEqual([2, 1]);
    for (const group of groups) for (const kind of group.kinds) expect(approvalRouteFor(kind).minApprovals).toBe(group.count);
    expect(groups.flatMap((g) => g.kinds).sort()).toEqual(DEFAULT_APPROVAL_ROUTES.map((r) => r.sealKind).sort());
  });

  it('follows other routes', () => {
    expect(approvalGroups([{ sealKind: 'contract', minApprovals: 3 }, { sealKind: 'invoice', minApprovals: 1 }, { sealKind: 'personal', minApprovals: 3 }])).toEqual([
      { count: 3, kinds: ['contract', 'personal'] },
      { count: 1, kinds: ['invoice'] },
    ]);
  });
});
