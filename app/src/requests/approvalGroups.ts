import { DEFAULT_APPROVAL_ROUTES, type ApprovalRoute, type SealKind } from '@seal/shared';

/** Seal kinds that need the same number of approvers. */
export interface ApprovalGroup {
  readonly count: number;
  readonly kinds: readonly SealKind[];
}

/** The approval routes grouped by how many approvers they need, most first; kinds keep the routes' order. */
export function approvalGroups(routes: readonly ApprovalRoute[] = DEFAULT_APPROVAL_ROUTES): ApprovalGroup[] {
  const byCount = new Map<number, SealKind[]>();
  for (const route of routes) {
    const kinds = byCount.get(route.minApprovals) ?? [];
    if (!kinds.includes(route.sealKind)) kinds.push(route.sealKind);
    byCount.set(route.minApprovals, kinds);
  }
  return [...byCount].map(([count, kinds]) => ({ count, kinds })).sort((a, b) => b.count - a.count);
}
