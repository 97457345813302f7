import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { apiRequest } from './request';
import type { Credential, Unit, User } from './types';

export type SetupState = 'pending' | 'done';

/** `GET /api/setup`: whether the first administrator still has to set the organisation up. */
export async function fetchSetupState(): Promise<SetupState> {
  const { state } = await apiRequest<{ state: SetupState }>('GET', '/api/setup');
  return state;
}

export interface SetupRequest {
  readonly setupCode: string;
  readonly adminName: string;
  readonly organisationName: string;
}

/** `POST /api/setup/options`: checks the one-time code; passkey creation options for the first administrator. */
export const setupOptions = (request: SetupRequest): Promise<PublicKeyCredentialCreationOptionsJSON> =>
  apiRequest('POST', '/api/setup/options', request);

/** `POST /api/setup/verify`: registers the passkey, creates HQ and the administrator, signs them in. */
export const setupVerify = (response: RegistrationResponseJSON, label: string): Promise<{ user: User; unit: Unit; credential: Credential }> =>
  apiRequest('POST', '/api/setup/verify', { response, label });
