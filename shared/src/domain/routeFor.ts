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

/** A route set and the unit that answers for it (`routeOwnerFor`); `null` for a route set before owners were recorded: the organisation answers for it. */
export interface OwnedRoute {
  readonly route: ConfiguredRoute;
  readonly ownerUnitId: UnitId | null;
}

/**
 * The route a governance request on a seal goes through: the configured route nearest the seal
 * (`routeFor`), held to every route out of its owner's hands — a route on the chain set on a
 * unit, or answered for by a unit, outside the subtree of the unit answering for the nearest one
 * (`chainOf(unit)`: the unit and its ancestors, as the tree stands), and the default unless the
 * organisation answers for the nearest route. Wherever the nearest route asks less than such a
 * route (`routeFloorProblem`), that route holds instead. So a branch's route asks at least what
 * HQ's routes on the chain ask, however the branch's was set: before HQ's, or before the unit was
 * moved under it. `null` when no route is set on the chain and the default asks no review.
 */
export function routeInForce(sealKind: SealKind, sealUnitChain: readonly UnitId[], purpose: RoutePurpose, owned: readonly OwnedRoute[], chainOf: (unitId: UnitId) => readonly UnitId[]): ApprovalRoute | null {
  const root = sealUnitChain[sealUnitChain.length - 1];
  const ownerOf = (o: OwnedRoute): UnitId | undefined => o.ownerUnitId ?? root;
  const depth = (o: OwnedRoute) => sealUnitChain.indexOf(o.route.unitId);
  const onChain = owned.filter((o) => o.route.sealKind === sealKind && o.route.purpose === purpose && depth(o) !== -1)
    .sort((a, b) => depth(a) - depth(b) || (a.route.id < b.route.id ? -1 : 1));
  const nearest = onChain[0];
  if (nearest === undefined) return defaultRouteFor(sealKind, purpose);
  const owner = ownerOf(nearest);
  const within = (unitId: UnitId | undefined) => unitId !== undefined && owner !== undefined && chainOf(unitId).includes(owner);
  const bounds: ApprovalRoute[] = onChain.slice(1).filter((o) => !within(o.route.unitId) || !within(ownerOf(o))).map((o) => steppedRoute(sealKind, o.route.steps));
  const byDefault = defaultRouteFor(sealKind, purpose);
  if (owner !== root && byDefault !== null) bounds.push(byDefault);
  let held = steppedRoute(sealKind, nearest.route.steps);
  for (const bound of bounds) {
    if (routeFloorProblem(held.steps ?? [{ count: held.minApprovals }], bound) !== undefined) held = bound;
  }
  return held;
}

/**
 * The routes out of the mover's hands (`routeOutOfHands`, owners as `ownerOf` says) that a unit
 * would leave behind if moved: set on a unit of its chain today (`chainBefore`) that is not on its
 * chain after the move (`chainAfter`). A branch administrator who moves a site out from under a
 * unit where HQ set a route would take the site's seals out of that route: refused unless the
 * list is empty (HQ's administrators, who manage everything, leave none behind).
 */
export function routesLeftBehind(chainBefore: readonly UnitId[], chainAfter: readonly UnitId[], owned: readonly OwnedRoute[], manages: (unitId: UnitId) => boolean, ownerOf: (o: OwnedRoute) => UnitId): OwnedRoute[] {
  return owned.filter((o) => chainBefore.includes(o.route.unitId) && !chainAfter.includes(o.route.unitId) && routeOutOfHands(o.route, ownerOf(o), manages));
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
