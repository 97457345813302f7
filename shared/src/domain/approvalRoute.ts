import { z } from 'zod';
import { SEAL_KINDS, sealKindSchema, type SealKind } from './seal';

/**
 * What a request for a kind of seal needs: `minApprovals` distinct approvers, each holding
 * `approver` on a unit whose subtree contains the seal's unit, none of them the requester, and at
 * least one of them not the seal's custodian (see `checkApprovals`).
 */
export const approvalRouteSchema = z.object({
  sealKind: sealKindSchema,
  minApprovals: z.int().min(1).max(10),
});
export type ApprovalRoute = z.infer<typeof approvalRouteSchema>;

/**
 * The default routes: two approvers for the seals that bind the whole organisation or its money
 * (公章, 法人章, 财务章), one for the others.
 */
export const DEFAULT_APPROVAL_ROUTES: readonly ApprovalRoute[] = SEAL_KINDS.map((sealKind) => ({
  sealKind,
  minApprovals: sealKind === 'official' || sealKind === 'legal_rep' || sealKind === 'finance' ? 2 : 1,
}));

/**
 * The route for a seal kind: the first in `routes` for that kind, else the default one. Never
 * fewer than one approval: a kind missing from a custom list falls back to the defaults.
 */
export function approvalRouteFor(sealKind: SealKind, routes: readonly ApprovalRoute[] = DEFAULT_APPROVAL_ROUTES): ApprovalRoute {
  return routes.find((route) => route.sealKind === sealKind) ?? DEFAULT_APPROVAL_ROUTES.find((route) => route.sealKind === sealKind)!;
}
