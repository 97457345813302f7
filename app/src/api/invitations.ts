import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import {
  createInvitationResponseSchema, creationOptionsSchema, invitationPreviewSchema, invitationResponseSchema, invitationsResponseSchema,
  registerVerifyResponseSchema, type InvitationPreview, type InvitationView, type NewInvitation as NewInvitationBody, type Role,
} from '@seal/shared';
import { apiRequest } from './request';
import { sessionStarted } from './pendingLogout';

/** An invitation to make (`POST /api/invitations`'s body), as a form holds it. */
export type NewInvitation = Omit<NewInvitationBody, 'roles'> & { readonly roles: readonly Role[] };

/** `POST /api/invitations`: the code comes back this once; the server keeps only its hash. */
export const createInvitation = (invitation: NewInvitation) => apiRequest('POST', '/api/invitations', createInvitationResponseSchema, invitation);

/** `GET /api/invitations`: invitations to units within the admin's subtrees, newest first. */
export async function fetchInvitations(): Promise<InvitationView[]> {
  const { invitations } = await apiRequest('GET', '/api/invitations', invitationsResponseSchema);
  return invitations;
}

/** `POST /api/invitations/:id/revoke`: withdraws an unused invitation. */
export async function revokeInvitation(id: string): Promise<InvitationView> {
  const { invitation } = await apiRequest('POST', `/api/invitations/${encodeURIComponent(id)}/revoke`, invitationResponseSchema);
  return invitation;
}

/** `POST /api/invitations/check`: which unit and roles a code is for, before registering. */
export const checkInvitation = (invitationCode: string): Promise<InvitationPreview> =>
  apiRequest('POST', '/api/invitations/check', invitationPreviewSchema, { invitationCode });

/** `POST /api/auth/register/options`: creation options for the invitee's first passkey. */
export const registerOptions = (invitationCode: string, name: string): Promise<PublicKeyCredentialCreationOptionsJSON> =>
  apiRequest('POST', '/api/auth/register/options', creationOptionsSchema, { invitationCode, name });

/** `POST /api/auth/register/verify`: uses the invitation up, creates the user, signs them in. */
export const registerVerify = (response: RegistrationResponseJSON, label: string) =>
  apiRequest('POST', '/api/auth/register/verify', registerVerifyResponseSchema, { response, label }).then(sessionStarted);
