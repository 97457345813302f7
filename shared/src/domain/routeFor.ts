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
 * Who answers for a route set on the first unit of `unitChain` by someone who manages what
 * `manages` says: the highest unit of the chain they manage (their reach over it: the
 * organisation for HQ's administrators, the branch for a branch's). Recorded with the route, so
 * that only an administrator over that unit may replace or remove it (`routeOutOfHands`): a route
 * HQ set on a branch is HQ's, not the branch administrator's to loosen or drop.
 */
export function routeOwnerFor(unitChain: readonly UnitId[], manages: (unitId: UnitId) => boolean): UnitId {
  const k = unitChain.findIndex((unitId) => !manages(unitId));
  return unitChain[k === -1 ? unitChain.length - 1 : Math.max(0, k - 1)]!;
}

/**
 * Whether a route set (`route`, answered for by `ownerUnitId`, see `routeOwnerFor`) is out of the
 * hands of someone who manages what `manages` says: on a unit they may not manage, or set by an
 * administrator above them. They may not replace or remove it, and it bounds the routes they set.
 */
export function routeOutOfHands(route: ConfiguredRoute, ownerUnitId: UnitId, manages: (unitId: UnitId) => boolean): boolean {
  return !manages(route.unitId) || !manages(ownerUnitId);
}

/**
 * The least a route set on the first unit of `unitChain` (the unit, then its ancestors up to the
 * organisation) may ask, for whoever sets it: the route that holds there when only the routes out
 * of their hands count (`routeOutOfHands`: on a unit they may not manage, or set by an
 * administrator above them, `ownerOf`; by default a route is answered for by its own unit) — the
 * nearest such route, else the default — and the unit that answers for it (`from`). `undefined`
 * when they manage the whole chain (the organisation's administrators): they may set any route.
 * Their own routes never count: a branch administrator's route on the branch cannot serve as the
 * floor for a looser one on its site, while HQ's route on the branch bounds both.
 */
export function routeFloorFor(
  sealKind: SealKind, unitChain: readonly UnitId[], purpose: RoutePurpose, configured: readonly ConfiguredRoute[], manages: (unitId: UnitId) => boolean,
  ownerOf: (route: ConfiguredRoute) => UnitId = (route) => route.unitId,
): { readonly route: ApprovalRoute | null; readonly from: UnitId } | undefined {
  const k = unitChain.findIndex((unitId) => !manages(unitId));
  if (k === -1) return undefined;
  const bounding = configured.filter((route) => route.sealKind === sealKind && route.purpose === purpose && unitChain.includes(route.unitId) && routeOutOfHands(route, ownerOf(route), manages));
  const route = routeFor(sealKind, unitChain, purpose, bounding);
  // The route that holds among them (nearest the unit; between two on one unit, routeFor's choice).
  const depth = (r: ConfiguredRoute) => unitChain.indexOf(r.unitId);
  const held = [...bounding].sort((a, b) => depth(a) - depth(b) || (a.id < b.id ? -1 : 1))[0];
  if (held === undefined) return { route, from: unitChain[k]! };
  return { route, from: manages(held.unitId) ? ownerOf(held) : held.unitId };
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
