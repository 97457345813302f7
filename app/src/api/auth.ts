import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { apiRequest } from './request';
import type { Session, User } from './types';

/** `GET /api/auth/session`: who is signed in (401 `unauthenticated` / `session_expired` otherwise). */
export const fetchSession = (): Promise<Session> => apiRequest('GET', '/api/auth/session');

/** `POST /api/auth/login/options`: a fresh challenge for a discoverable passkey. */
export const loginOptions = (): Promise<PublicKeyCredentialRequestOptionsJSON> => apiRequest('POST', '/api/auth/login/options');

/** `POST /api/auth/login/verify`: checks the assertion and opens a session. */
export const loginVerify = (response: AuthenticationResponseJSON): Promise<{ user: User; expiresAt: number }> =>
  apiRequest('POST', '/api/auth/login/verify', { response });

/** `POST /api/auth/logout`: ends the session on the server and clears its cookie. */
export const logout = (): Promise<void> => apiRequest('POST', '/api/auth/logout');
