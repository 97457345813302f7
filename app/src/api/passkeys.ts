import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { apiRequest } from './request';
import type { Credential } from './types';

/** `GET /api/auth/passkeys`: the signed-in user's passkeys, revoked ones included. */
export async function fetchPasskeys(): Promise<Credential[]> {
  const { credentials } = await apiRequest<{ credentials: Credential[] }>('GET', '/api/auth/passkeys');
  return credentials;
}

/** `POST /api/auth/passkeys/options`: creation options for another passkey (existing ones excluded). */
export const addPasskeyOptions = (): Promise<PublicKeyCredentialCreationOptionsJSON> => apiRequest('POST', '/api/auth/passkeys/options');

/** `POST /api/auth/passkeys/verify`: registers it. */
export async function addPasskeyVerify(response: RegistrationResponseJSON, label: string): Promise<Credential> {
  const { credential } = await apiRequest<{ credential: Credential }>('POST', '/api/auth/passkeys/verify', { response, label });
  return credential;
}

/** `POST /api/credentials/:id/revoke`: refused with `last_passkey` for one's only active passkey. */
export async function revokePasskey(id: string): Promise<Credential> {
  const { credential } = await apiRequest<{ credential: Credential }>('POST', `/api/credentials/${encodeURIComponent(id)}/revoke`);
  return credential;
}
