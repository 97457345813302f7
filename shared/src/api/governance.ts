import { z } from 'zod';
import { approvalRouteSchema, routeStepSchema } from '../domain/approvalRoute';
import { governanceActionSchema, routePurposeSchema } from '../domain/routePurpose';
import { configuredRouteSchema } from '../domain/routeFor';
import {
  governanceDecisionPayloadSchema, governanceProposalSchema, governanceRequestSchema, governanceStateSchema,
} from '../domain/governance';
import { sealKindSchema } from '../domain/seal';
import { webAuthnAssertionSchema } from '../domain/webAuthnAssertion';
import { reasonSchema } from '../domain/primitives';
import { recordIdParamSchema } from './ids';

/** `GET /api/approval-routes`: the routes administrators set (the defaults apply wherever none is set). */
export const approvalRoutesResponseSchema = z.object({
  routes: z.array(configuredRouteSchema),
  managed: z.array(z.string()).optional().describe('The ids of the routes the signed-in person may change or remove (routes set above their reach are not)'),
});

/** `PUT /api/approval-routes/:id`: sets one route for a seal kind and purpose on a unit (and its subtree). */
export const setApprovalRouteBodySchema = z.strictObject({
  sealKind: sealKindSchema,
  unitId: recordIdParamSchema,
  purpose: routePurposeSchema,
  steps: z.array(routeStepSchema).min(1).max(5),
});
export const approvalRouteResponseSchema = z.object({ route: configuredRouteSchema });

/** `POST /api/seals/:id/governance-requests`: asks for a change of a seal's life, with a reason. */
export const createGovernanceRequestBodySchema = z.strictObject({
  action: governanceActionSchema,
  reason: reasonSchema,
  /** For `rename` / `change_custodian`: the new name or custodian. */
  proposal: governanceProposalSchema.pick({ name: true, custodianId: true }).optional(),
});

/** A governance request with where its route stands. */
export const governanceRequestViewSchema = z.object({
  request: governanceRequestSchema,
  /** The route it goes through. */
  route: approvalRouteSchema,
  /** The seal's name and kind, for lists. */
  seal: z.object({ name: z.string(), kind: sealKindSchema, status: z.string().nullable() }),
  approvedBy: z.array(z.string()),
  rejectedBy: z.array(z.string()),
  /** Approvals still needed. */
  missing: z.int().nonnegative(),
  /** The first step not yet met (1-based; steps + 1 once all are). */
  openStep: z.int().positive(),
});
export const governanceRequestResponseSchema = governanceRequestViewSchema;
export const governanceRequestsResponseSchema = z.object({ requests: z.array(governanceRequestViewSchema) });

/** `GET /api/governance-requests`: those in the person's scope, optionally of one seal or in one state. */
export const governanceRequestsQuerySchema = z.strictObject({
  sealId: recordIdParamSchema.optional(),
  state: governanceStateSchema.optional(),
});

/** `POST /api/governance-requests/:id/decisions`: an approver's passkey-signed verdict. */
export const governanceDecisionBodySchema = z.strictObject({
  payload: governanceDecisionPayloadSchema.describe('The canonical decision record the approver signed (its hashRecord is the challenge)'),
  assertion: webAuthnAssertionSchema.describe('The passkey assertion over it, fields base64url'),
  comment: z.string().max(2000).optional(),
});
