import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { credentialResponseSchema, credentialsResponseSchema, creationOptionsSchema, type CredentialView } from '@seal/shared';
import { apiRequest } from './request';

/** `GET /api/auth/passkeys`: the signed-in user's passkeys, revoked ones included. */
export async function fetchPasskeys(): Promise<CredentialView[]> {
  const { credentials } = await apiRequest('GET', '/api/auth/passkeys', credentialsResponseSchema);
  return credentials;
}

/** `POST /api/auth/passkeys/options`: creation options for another passkey (existing ones excluded). */
export const addPasskeyOptions = (): Promise<PublicKeyCredentialCreationOptionsJSON> =>
  apiRequest('POST', '/api/auth/passkeys/options', creationOptionsSchema);

/** `POST /api/auth/passkeys/verify`: registers it. */
export async function addPasskeyVerify(response: RegistrationResponseJSON, label: string): Promise<CredentialView> {
  const { credential } = await apiRequest('POST', '/api/auth/passkeys/verify', credentialResponseSchema, { response, label });
  return credential;
}

/** `POST /api/credentials/:id/revoke`: refused with `last_passkey` for one's only active passkey. */
export async function revokePasskey(id: string): Promise<CredentialView> {
  const { credential } = await apiRequest('POST', `/api/credentials/${encodeURIComponent(id)}/revoke`, credentialResponseSchema);
  return credential;
}
