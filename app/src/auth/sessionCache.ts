import type { SetupState } from '../api/setup';
import type { SessionView as Session } from '@seal/shared';

/**
 * What this device last learnt from the server, so that a tablet opened without a network still
 * knows whether the organisation exists and who used it last. Not a credential: the session
 * itself is an httpOnly cookie the server checks; this only decides what the screens show.
 */
const SETUP_KEY = 'seal-control.setup';
const SESSION_KEY = 'seal-control.session';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;

function storage(): Storage {
  try {
    return window.localStorage;
  } catch (err) {
    console.warn('localStorage is not available; sign-in state will not be remembered offline', err);
    return undefined;
  }
}

function read(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch (err) {
    console.warn(`Could not read ${key}`, err);
    return null;
  }
}

function write(key: string, value: string | undefined): void {
  try {
    if (value === undefined) storage()?.removeItem(key);
    else storage()?.setItem(key, value);
  } catch (err) {
    console.warn(`Could not save ${key}`, err);
  }
}

export function cachedSetupState(): SetupState | undefined {
  const value = read(SETUP_KEY);
  return value === 'pending' || value === 'done' ? value : undefined;
}

export const cacheSetupState = (state: SetupState): void => write(SETUP_KEY, state);

export function cachedSession(): Session | undefined {
  const text = read(SESSION_KEY);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as Session;
    return typeof session.user?.id === 'string' && Array.isArray(session.user.grants) ? session : undefined;
  } catch (err) {
    console.warn('Ignoring an unreadable saved session', err);
    return undefined;
  }
}

export const cacheSession = (session: Session | null): void => write(SESSION_KEY, session === null ? undefined : JSON.stringify(session));

/**
 * Calls `listener` with the user id another tab of this origin just remembered (`null`: signed
 * out) — the `storage` event, which fires in every other tab when the remembered session changes.
 * The fallback where BroadcastChannel is missing; returns the unsubscribe function.
 */
export function onSessionCachedElsewhere(listener: (userId: string | null) => void): () => void {
  if (typeof window === 'undefined') return () => undefined;
  const onStorage = (event: StorageEvent): void => {
    if (event.key !== SESSION_KEY && event.key !== null) return;
    const text = event.key === null ? null : event.newValue;
    let userId: string | null = null;
    try {
      userId = text === null ? null : ((JSON.parse(text) as Partial<Session>).user?.id ?? null);
    } catch (err) {
      console.warn('Ignoring an unreadable session remembered by another tab', err);
      return;
    }
    listener(userId);
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
