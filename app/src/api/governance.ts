import {
  approvalRoutesResponseSchema, governanceRequestResponseSchema, governanceRequestsResponseSchema,
  type ConfiguredRoute, type GovernanceAction, type GovernanceDecisionPayload, type WebAuthnAssertion,
} from '@seal/shared';
import type { z } from 'zod';
import { apiRequest } from './request';

/** A governance request as the server shows it: the request, its route, its seal, where it stands. */
export type GovernanceRequestView = z.output<typeof governanceRequestResponseSchema>;

/** `GET /api/approval-routes`: the routes administrators set (defaults apply elsewhere). */
export async function fetchApprovalRoutes(): Promise<ConfiguredRoute[]> {
  return (await apiRequest('GET', '/api/approval-routes', approvalRoutesResponseSchema)).routes;
}

/** `GET /api/governance-requests`: those on the seals in the person's scope. */
export async function fetchGovernanceRequests(query: { sealId?: string; state?: 'pending' } = {}): Promise<GovernanceRequestView[]> {
  const params = new URLSearchParams();
  if (query.sealId !== undefined) params.set('sealId', query.sealId);
  if (query.state !== undefined) params.set('state', query.state);
  return (await apiRequest('GET', `/api/governance-requests${params.size > 0 ? `?${params}` : ''}`, governanceRequestsResponseSchema)).requests;
}

/** `POST /api/seals/:id/governance-requests`: asks for a reviewed change of the seal. */
export async function askGovernance(sealId: string, action: GovernanceAction, reason: string): Promise<GovernanceRequestView> {
  return apiRequest('POST', `/api/seals/${encodeURIComponent(sealId)}/governance-requests`, governanceRequestResponseSchema, { action, reason });
}

/** `POST /api/governance-requests/:id/decisions`: a passkey-signed verdict. */
export async function sendGovernanceDecision(requestId: string, payload: GovernanceDecisionPayload, assertion: WebAuthnAssertion, comment?: string): Promise<GovernanceRequestView> {
  return apiRequest('POST', `/api/governance-requests/${encodeURIComponent(requestId)}/decisions`, governanceRequestResponseSchema, { payload, assertion, ...(comment ? { comment } : {}) });
}
