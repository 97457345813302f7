import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { apiRequest } from './request';
import type { Credential, Invitation, InvitationPreview, Role, User } from './types';

export interface NewInvitation {
  readonly unitId: string;
  readonly roles: readonly Role[];
  /** Who it is for; only admins see it. */
  readonly note: string;
  readonly ttlHours: number;
}

/** `POST /api/invitations`: the code comes back this once; the server keeps only its hash. */
export const createInvitation = (invitation: NewInvitation): Promise<{ invitation: Invitation; code: string }> =>
  apiRequest('POST', '/api/invitations', invitation);

/** `GET /api/invitations`: invitations to units within the admin's subtrees, newest first. */
export async function fetchInvitations(): Promise<Invitation[]> {
  const { invitations } = await apiRequest<{ invitations: Invitation[] }>('GET', '/api/invitations');
  return invitations;
}

/** `POST /api/invitations/:id/revoke`: withdraws an unused invitation. */
export async function revokeInvitation(id: string): Promise<Invitation> {
  const { invitation } = await apiRequest<{ invitation: Invitation }>('POST', `/api/invitations/${encodeURIComponent(id)}/revoke`);
  return invitation;
}

/** `POST /api/invitations/check`: which unit and roles a code is for, before registering. */
export const checkInvitation = (invitationCode: string): Promise<InvitationPreview> =>
  apiRequest('POST', '/api/invitations/check', { invitationCode });

/** `POST /api/auth/register/options`: creation options for the invitee's first passkey. */
export const registerOptions = (invitationCode: string, name: string): Promise<PublicKeyCredentialCreationOptionsJSON> =>
  apiRequest('POST', '/api/auth/register/options', { invitationCode, name });

/** `POST /api/auth/register/verify`: uses the invitation up, creates the user, signs them in. */
export const registerVerify = (response: RegistrationResponseJSON, label: string): Promise<{ user: User; credential: Credential }> =>
  apiRequest('POST', '/api/auth/register/verify', { response, label });
