import { z } from 'zod';
import { approvalRouteFor, steppedRoute, routeStepSchema, WEIGHTY_SEAL_KINDS, type ApprovalRoute } from './approvalRoute';
import { routeIdSchema, unitIdSchema, type UnitId } from './ids';
import { millisSchema } from './primitives';
import { routePurposeSchema, type GovernanceAction, type RoutePurpose } from './routePurpose';
import { sealKindSchema, type SealKind } from './seal';

/**
 * A route an administrator set for one seal kind and purpose, on a unit: it applies to the seals
 * of that unit's whole subtree, unless a unit nearer the seal has its own (see {@link routeFor}).
 */
export const configuredRouteSchema = z.strictObject({
  id: routeIdSchema,
  sealKind: sealKindSchema,
  unitId: unitIdSchema,
  purpose: routePurposeSchema,
  steps: z.array(routeStepSchema).min(1).max(5),
  updatedAt: millisSchema,
});
export type ConfiguredRoute = z.infer<typeof configuredRouteSchema>;

/** The lifecycle moves whose default governance route is a review (the rest are the custodian's own acts by default). */
const REVIEWED_BY_DEFAULT: readonly GovernanceAction[] = ['suspend', 'resume', 'report_lost', 'confiscate', 'revoke', 'destroy'];

/**
 * The default route for a purpose: for use, today's `DEFAULT_APPROVAL_ROUTES` (two approvers for
 * 公章/法人章/财务章, one for the others); for a lifecycle move of a 公章, 法人章 or 财务章, two
 * approvers; `null` (no review: the custodian or admin acts directly, as the lifecycle table
 * allows) for everything else until an administrator sets a route.
 */
export function defaultRouteFor(sealKind: SealKind, purpose: RoutePurpose): ApprovalRoute | null {
  if (purpose === 'use') return approvalRouteFor(sealKind);
  return WEIGHTY_SEAL_KINDS.includes(sealKind) && REVIEWED_BY_DEFAULT.includes(purpose) ? { sealKind, minApprovals: 2 } : null;
}

/**
 * The route for a request on a seal of `sealKind` whose unit chain (the seal's unit first, up to
 * HQ) is `sealUnitChain`, for `purpose`: the configured route for that kind and purpose on the
 * unit NEAREST the seal in the chain (a site's own route overrides its branch's, which overrides
 * HQ's), else the default (`defaultRouteFor`). `null` means no review is needed. The one rule the
 * app, the server and the device's binding take a route from.
 */
export function routeFor(sealKind: SealKind, sealUnitChain: readonly UnitId[], purpose: RoutePurpose, configured: readonly ConfiguredRoute[] = []): ApprovalRoute | null {
  let best: ConfiguredRoute | undefined;
  let bestDepth = Number.POSITIVE_INFINITY;
  for (const route of configured) {
    if (route.sealKind !== sealKind || route.purpose !== purpose) continue;
    const depth = sealUnitChain.indexOf(route.unitId);
    if (depth !== -1 && (depth < bestDepth || (depth === bestDepth && best !== undefined && route.id < best.id))) {
      best = route;
      bestDepth = depth;
    }
  }
  return best !== undefined ? steppedRoute(sealKind, best.steps) : defaultRouteFor(sealKind, purpose);
}
