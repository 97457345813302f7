import { isSignedOutError, isUnreachableError } from './ApiError';
import { apiRequest, noAnswer, STARTUP_DEADLINE, type RequestDeadline } from './request';

/**
 * A sign-out that did not reach the server (no network): its session still lives there, and its
 * httpOnly cookie here, until this device ends it. Noted in localStorage until it is ended, or
 * until a new sign-in replaces the cookie (`sessionStarted`); meanwhile the device counts as
 * signed out, and relaunched online it ends that session before asking who is signed in.
 */
const LOGOUT_KEY = 'seal-control.logout-pending';

/** Notes (or forgets) the sign-out to finish; storage refused (private mode): nothing is kept, as before. */
function keepPending(pending: boolean): void {
  try {
    if (pending) localStorage.setItem(LOGOUT_KEY, '1');
    else localStorage.removeItem(LOGOUT_KEY);
  } catch (err) {
    console.warn('Could not keep the sign-out to finish', err);
  }
}

export const logoutPending = (): boolean => {
  try {
    return localStorage.getItem(LOGOUT_KEY) !== null;
  } catch {
    return false;
  }
};

/** `POST /api/auth/logout`: ends the session on the server and clears its cookie (and any sign-out left to finish). */
export async function logout(deadline?: RequestDeadline): Promise<void> {
  await apiRequest('POST', '/api/auth/logout', noAnswer, undefined, deadline);
  keepPending(false);
}

/** Ends a sign-out made offline: `pending` while the server still cannot be reached. */
export async function endPendingLogout(): Promise<'ended' | 'pending'> {
  try {
    // At start-up: a site network with no way out must not hold the app for long.
    await logout(STARTUP_DEADLINE);
  } catch (err) {
    // Gone already (expired, ended elsewhere): nothing is left to end.
    if (!isSignedOutError(err)) return 'pending';
    keepPending(false);
  }
  return 'ended';
}

/** A sign-in, registration or setup answered: its new cookie replaced the one a pending sign-out was to end. */
export function sessionStarted<T>(answer: T): T {
  keepPending(false);
  return answer;
}

/**
 * Ends the session on the server; when the server cannot be reached, notes the sign-out to finish:
 * the session (and its cookie here) would otherwise live on, and the app relaunched online would
 * find the person who signed out still signed in.
 */
export async function signOutOfServer(): Promise<void> {
  try {
    await logout();
  } catch (err) {
    // Only when the server was not reached: another answer (a refusal) means it got the request.
    if (isUnreachableError(err)) keepPending(true);
    console.warn('Sign-out did not reach the server', err);
  }
}
