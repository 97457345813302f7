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

/**
 * The least a route set on the first unit of `unitChain` (the unit, then its ancestors up to the
 * organisation) may ask, for whoever sets it: the route that holds at the first unit of the chain
 * they may NOT manage (`manages`) — its own configured route, else the nearest above it, else the
 * default — and that unit (`from`). `undefined` when they manage the whole chain (the
 * organisation's administrators): they may set any route. Taken from the first unit out of their
 * hands, not the nearest route above: a branch administrator's own route on the branch cannot
 * serve as the floor for a looser one on its site.
 */
export function routeFloorFor(
  sealKind: SealKind, unitChain: readonly UnitId[], purpose: RoutePurpose, configured: readonly ConfiguredRoute[], manages: (unitId: UnitId) => boolean,
): { readonly route: ApprovalRoute | null; readonly from: UnitId } | undefined {
  const k = unitChain.findIndex((unitId) => !manages(unitId));
  if (k === -1) return undefined;
  return { route: routeFor(sealKind, unitChain.slice(k), purpose, configured), from: unitChain[k]! };
}

/**
 * Why `steps`, set on a unit, would ask less than its floor (`routeFloorFor`): fewer
 * approvals in all, or fewer from a unit a step of the floor names (HQ's own approver left out).
 * `undefined` when it asks at least as much: a branch cannot set one approver for revoking its
 * 公章, or its sites', where HQ, or the default, asks two.
 */
export function routeFloorProblem(steps: readonly { readonly count: number; readonly approverUnitId?: UnitId | undefined }[], inherited: ApprovalRoute | null): string | undefined {
  if (inherited === null) return undefined;
  const total = steps.reduce((sum, step) => sum + step.count, 0);
  if (total < inherited.minApprovals) return `it asks ${total} approval(s) where the route above asks ${inherited.minApprovals}`;
  for (const step of inherited.steps ?? []) {
    if (step.approverUnitId === undefined) continue;
    const there = steps.filter((s) => s.approverUnitId === step.approverUnitId).reduce((sum, s) => sum + s.count, 0);
    if (there < step.count) return `it asks ${there} approval(s) on unit "${step.approverUnitId}" where the route above asks ${step.count}`;
  }
  return undefined;
}
