import { z } from 'zod';
import { unitIdSchema, type UnitId } from './ids';
import { SEAL_KINDS, sealKindSchema, type SealKind } from './seal';

/**
 * One step of a route: `count` distinct approvers decide it, in any order among themselves (a
 * parallel step). With `approverUnitId`, only approvers holding `approver` granted on that very
 * unit count for the step (the site's head, HQ's legal department); without it, any approver
 * whose role covers the seal's unit.
 */
export const routeStepSchema = z.strictObject({
  count: z.int().min(1).max(10),
  approverUnitId: unitIdSchema.optional(),
});
export type RouteStep = z.infer<typeof routeStepSchema>;

/**
 * What a request on a kind of seal needs. Without `steps`: `minApprovals` distinct approvers, one
 * parallel step (today's routes, and what every seal binding issued before steps carries). With
 * `steps`: each step in order — a step's approvals count only once the steps before it are met —
 * and `minApprovals` is the sum of their counts. Always: nobody decides their own request, and at
 * least one approver is not the seal's custodian (see `tallyApprovals`).
 */
export const approvalRouteSchema = z.object({
  sealKind: sealKindSchema,
  minApprovals: z.int().min(1).max(10),
  steps: z.array(routeStepSchema).min(1).max(5).optional(),
});
export type ApprovalRoute = z.infer<typeof approvalRouteSchema>;

/** The steps of a route: its own, or one parallel step of `minApprovals`. */
export function routeSteps(route: ApprovalRoute): RouteStep[] {
  return route.steps !== undefined ? route.steps.map((step) => ({ ...step })) : [{ count: route.minApprovals }];
}

/** The seals that bind the whole organisation or its money: two approvers by default, for use and governance alike. */
export const WEIGHTY_SEAL_KINDS: readonly SealKind[] = ['official', 'legal_rep', 'finance'];

/**
 * The default routes: two approvers for the seals that bind the whole organisation or its money
 * (公章, 法人章, 财务章), one for the others.
 */
export const DEFAULT_APPROVAL_ROUTES: readonly ApprovalRoute[] = SEAL_KINDS.map((sealKind) => ({
  sealKind,
  minApprovals: WEIGHTY_SEAL_KINDS.includes(sealKind) ? 2 : 1,
}));

/**
 * The route for a seal kind: the first in `routes` for that kind, else the default one. Never
 * fewer than one approval: a kind missing from a custom list falls back to the defaults.
 */
export function approvalRouteFor(sealKind: SealKind, routes: readonly ApprovalRoute[] = DEFAULT_APPROVAL_ROUTES): ApprovalRoute {
  return routes.find((route) => route.sealKind === sealKind) ?? DEFAULT_APPROVAL_ROUTES.find((route) => route.sealKind === sealKind)!;
}

/** Builds a stepped route (its `minApprovals` is the sum of the steps' counts). */
export function steppedRoute(sealKind: SealKind, steps: readonly RouteStep[]): ApprovalRoute {
  return { sealKind, minApprovals: Math.min(10, steps.reduce((sum, step) => sum + step.count, 0)), steps: steps.map((step) => ({ ...step })) };
}

export type { UnitId };
