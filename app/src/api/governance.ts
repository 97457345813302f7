import {
  approvalRouteResponseSchema, approvalRoutesResponseSchema, governanceRequestResponseSchema, governanceRequestsResponseSchema,
  type ConfiguredRoute, type GovernanceAction, type RouteStep, type SealKind, type GovernanceDecisionPayload, type WebAuthnAssertion,
} from '@seal/shared';
import type { z } from 'zod';
import { apiRequest, noAnswer } from './request';

/** A governance request as the server shows it: the request, its route, its seal, where it stands. */
export type GovernanceRequestView = z.output<typeof governanceRequestResponseSchema>;

/** `GET /api/approval-routes`: the routes administrators set (defaults apply elsewhere). */
export async function fetchApprovalRoutes(): Promise<ConfiguredRoute[]> {
  return (await fetchApprovalRouteList()).routes;
}

/** `GET /api/approval-routes` whole: the routes, and the ids of those the person may change (set within their reach). */
export async function fetchApprovalRouteList(): Promise<{ routes: ConfiguredRoute[]; managed: ReadonlySet<string> }> {
  const answer = await apiRequest('GET', '/api/approval-routes', approvalRoutesResponseSchema);
  return { routes: answer.routes, managed: new Set(answer.managed ?? answer.routes.map((route) => route.id)) };
}

/** `GET /api/governance-requests`: those on the seals in the person's scope. */
export async function fetchGovernanceRequests(query: { sealId?: string; state?: 'pending' } = {}): Promise<GovernanceRequestView[]> {
  const params = new URLSearchParams();
  if (query.sealId !== undefined) params.set('sealId', query.sealId);
  if (query.state !== undefined) params.set('state', query.state);
  return (await apiRequest('GET', `/api/governance-requests${params.size > 0 ? `?${params}` : ''}`, governanceRequestsResponseSchema)).requests;
}

/** `POST /api/seals/:id/governance-requests`: asks for a reviewed change of the seal (with the new name or custodian for an edit). */
export async function askGovernance(sealId: string, action: GovernanceAction, reason: string, proposal?: { name?: string; custodianId?: string }): Promise<GovernanceRequestView> {
  return apiRequest('POST', `/api/seals/${encodeURIComponent(sealId)}/governance-requests`, governanceRequestResponseSchema, { action, reason, ...(proposal ? { proposal } : {}) });
}

/** What an administrator sets for one route. */
export interface RouteInput {
  readonly sealKind: SealKind;
  readonly unitId: string;
  readonly purpose: GovernanceAction;
  readonly steps: readonly RouteStep[];
}

/** `PUT /api/approval-routes/:id`: sets (adds or replaces) a route. */
export async function saveApprovalRoute(id: string, route: RouteInput): Promise<ConfiguredRoute> {
  return (await apiRequest('PUT', `/api/approval-routes/${encodeURIComponent(id)}`, approvalRouteResponseSchema, route)).route;
}

/** `DELETE /api/approval-routes/:id`: removes a route (the unit falls back to its parent's or the default). */
export async function removeApprovalRoute(id: string): Promise<void> {
  await apiRequest('DELETE', `/api/approval-routes/${encodeURIComponent(id)}`, noAnswer);
}

/** `POST /api/governance-requests/:id/decisions`: a passkey-signed verdict. */
export async function sendGovernanceDecision(requestId: string, payload: GovernanceDecisionPayload, assertion: WebAuthnAssertion, comment?: string): Promise<GovernanceRequestView> {
  return apiRequest('POST', `/api/governance-requests/${encodeURIComponent(requestId)}/decisions`, governanceRequestResponseSchema, { payload, assertion, ...(comment ? { comment } : {}) });
}
