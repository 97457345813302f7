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
 * The route a unit would have without its own: the nearest configured route above it (for that
 * seal kind and purpose), else the default — and the unit that decides it (`from`: the unit the
 * configured route is set on; the chain's top, the organisation, for a default).
 */
export function inheritedRoute(
  sealKind: SealKind, unitChain: readonly UnitId[], purpose: RoutePurpose, configured: readonly ConfiguredRoute[],
): { readonly route: ApprovalRoute | null; readonly from: UnitId | undefined } {
  const above = unitChain.slice(1);
  const own = unitChain[0];
  const candidates = configured.filter((r) => r.unitId !== own && r.sealKind === sealKind && r.purpose === purpose && above.includes(r.unitId));
  const nearest = candidates.sort((a, b) => above.indexOf(a.unitId) - above.indexOf(b.unitId) || (a.id < b.id ? -1 : 1))[0];
  return { route: routeFor(sealKind, above, purpose, candidates), from: nearest?.unitId ?? unitChain.at(-1) };
}

/**
 * Why `steps`, set on a unit, would ask less than the route it inherits (`inheritedRoute`): fewer
 * approvals in all, or fewer from a unit a step of the inherited route names (HQ's own approver
 * left out). `undefined` when it asks at least as much. Whoever may manage the unit the inherited
 * route comes from may lower it; an administrator below it may only make it stricter — so a
 * branch cannot set one approver for revoking its 公章 where HQ, or the default, asks two.
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
