import { onCleanup } from 'solid-js';
import { fetchSession } from '../api/auth';
import type { Auth } from './AuthProvider';

/** How often a signed-in page asks again who it is signed in as. */
export const SESSION_RECHECK_MS = 60_000;

/**
 * Asks the server again, while the page is shown and online, who is signed in: a role granted or
 * revoked, or the account deactivated, changes what the screens offer within a minute instead of at
 * the next launch. Only a change of the person (roles, name, unit) or of the session replaces the
 * session (`auth.refresh`): the screens are not redrawn every minute for the idle deadline alone.
 */
export function recheckSession(auth: Pick<Auth, 'session' | 'sessionFromCache' | 'refresh'>, fetch: typeof fetchSession = fetchSession): Promise<void> {
  const held = auth.session();
  if (held === null || held === undefined || auth.sessionFromCache()) return Promise.resolve();
  return fetch().then(
    (current) => {
      if (current === null || current.credentialId !== held.credentialId || JSON.stringify(current.user) !== JSON.stringify(held.user)) return auth.refresh();
      return undefined;
    },
    // Signed out or deactivated: the request layer has signed this device out already; offline: nothing to learn.
    () => undefined,
  );
}

/** Runs `recheckSession` every `everyMs` while the page is visible and online (for the life of the calling component). */
export function createSessionRecheck(auth: Pick<Auth, 'session' | 'sessionFromCache' | 'refresh'>, everyMs = SESSION_RECHECK_MS): void {
  if (typeof window === 'undefined') return;
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible' && navigator.onLine) void recheckSession(auth);
  }, everyMs);
  onCleanup(() => clearInterval(timer));
}
