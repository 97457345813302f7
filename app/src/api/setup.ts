import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import { creationOptionsSchema, setupStateResponseSchema, setupVerifyResponseSchema, type SetupOptionsBody, type SetupState } from '@seal/shared';
import { apiRequest, STARTUP_DEADLINE } from './request';
import { sessionStarted } from './pendingLogout';

export type { SetupState };
export type SetupRequest = SetupOptionsBody;

/** `GET /api/setup`: whether the first administrator still has to set the organisation up. */
export async function fetchSetupState(): Promise<SetupState> {
  const { state } = await apiRequest('GET', '/api/setup', setupStateResponseSchema, undefined, STARTUP_DEADLINE);
  return state;
}

/** `POST /api/setup/options`: checks the one-time code; passkey creation options for the first administrator. */
export const setupOptions = (request: SetupRequest): Promise<PublicKeyCredentialCreationOptionsJSON> =>
  apiRequest('POST', '/api/setup/options', creationOptionsSchema, request);

/** `POST /api/setup/verify`: registers the passkey, creates HQ and the administrator, signs them in. */
export const setupVerify = (response: RegistrationResponseJSON, label: string) =>
  apiRequest('POST', '/api/setup/verify', setupVerifyResponseSchema, { response, label }).then(sessionStarted);
