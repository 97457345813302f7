import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { loginVerifyResponseSchema, requestOptionsSchema, sessionResponseSchema, type SessionView } from '@seal/shared';
import { apiRequest, STARTUP_DEADLINE } from './request';
import { sessionStarted } from './pendingLogout';

/**
 * `GET /api/auth/session`: who is signed in, or `null` for a visitor without a session cookie
 * (an ordinary signed-out visit is not an error). Rejects with `session_expired` when this
 * browser's session cookie no longer opens a session (expired, or ended elsewhere); the server
 * clears that cookie, so the next visit is an ordinary signed-out one.
 */
export async function fetchSession(): Promise<SessionView | null> {
  const { session } = await apiRequest('GET', '/api/auth/session', sessionResponseSchema, undefined, STARTUP_DEADLINE);
  return session;
}

/** `POST /api/auth/login/options`: a fresh challenge for a discoverable passkey. */
export const loginOptions = (): Promise<PublicKeyCredentialRequestOptionsJSON> =>
  apiRequest('POST', '/api/auth/login/options', requestOptionsSchema);

/** `POST /api/auth/login/verify`: checks the assertion and opens a session. */
export const loginVerify = (response: AuthenticationResponseJSON) =>
  apiRequest('POST', '/api/auth/login/verify', loginVerifyResponseSchema, { response }).then(sessionStarted);

export { logout } from './pendingLogout';
