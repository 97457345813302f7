import { createContext, createEffect, createSignal, on, onCleanup, onMount, untrack, useContext, type Accessor, type ParentProps } from 'solid-js';
import { ApiError, isSignedOutError } from '../api/ApiError';
import { fetchSession } from '../api/auth';
import { endPendingLogout, logoutPending, signOutOfServer } from '../api/pendingLogout';
import { quiesceRequests } from '../api/reachability';
import { onSignedOut } from '../api/request';
import { fetchSetupState, type SetupState } from '../api/setup';
import type { SessionView as Session } from '@seal/shared';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { cacheSession, cacheSetupState, cachedSession, cachedSetupState } from './sessionCache';
import { announceSession, listenForSessionElsewhere } from './sessionChannel';

export interface Auth {
  /** `unknown` until the server answered once (or this device remembers an answer). */
  readonly setupState: Accessor<SetupState | 'unknown'>;
  /** The signed-in session; `null` when signed out; `undefined` while not known yet. */
  readonly session: Accessor<Session | null | undefined>;
  /** True when `session` is what this device remembered because the server cannot be asked. */
  readonly sessionFromCache: Accessor<boolean>;
  /**
   * True once this device's session ended without the person signing out here (it expired, or
   * was ended elsewhere): the screens that offer sign-in say so. Cleared by signing in or out.
   */
  readonly sessionEnded: Accessor<boolean>;
  /** False until the first check (server or cache) has finished. */
  readonly ready: Accessor<boolean>;
  /** Asks the server again (after a ceremony, or when the network returns). */
  readonly refresh: () => Promise<void>;
  /** Ends the session on the server (when reachable) and here. */
  readonly signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth>();

/**
 * Holds who is signed in, for the header, the home screen and the guards. The server is the
 * authority (the session is an httpOnly cookie); without a network the last answer is used.
 */
export function AuthProvider(props: ParentProps) {
  const online = createOnlineStatus();
  const [setupState, setSetupState] = createSignal<SetupState | 'unknown'>(cachedSetupState() ?? 'unknown');
  const [session, setSessionSignal] = createSignal<Session | null | undefined>(undefined);
  const [sessionFromCache, setSessionFromCache] = createSignal(false);
  const [sessionEnded, setSessionEnded] = createSignal(false);
  const [ready, setReady] = createSignal(false);
  let generation = 0;

  const setSession = (next: Session | null): void => {
    const before = untrack(session)?.user.id ?? null;
    setSessionSignal(next);
    // Another person signed in here (or this one out): other tabs run under this cookie too.
    if ((next?.user.id ?? null) !== before) announceSession(next?.user.id ?? null);
    setSessionFromCache(false);
    cacheSession(next);
    if (next !== null) setSessionEnded(false);
  };

  const useCache = (): void => {
    const remembered = cachedSession();
    setSessionSignal(remembered ?? null);
    setSessionFromCache(remembered !== undefined);
  };

  const refresh = async (): Promise<void> => {
    const mine = ++generation;
    if (!navigator.onLine) {
      useCache();
      return;
    }
    // A sign-out made offline is finished first: its session must not come back as signed in.
    if (logoutPending()) {
      const ended = await endPendingLogout();
      if (mine !== generation) return;
      if (ended === 'pending') {
        setSession(null);
        return;
      }
    }
    try {
      const state = await fetchSetupState();
      if (mine !== generation) return;
      setSetupState(state);
      cacheSetupState(state);
      if (state === 'pending') {
        setSession(null);
        return;
      }
      const current = await fetchSession();
      if (mine !== generation) return;
      // No cookie, yet this device remembers a session: the browser dropped the cookie at its
      // maximum age, so that session ended.
      if (current === null && cachedSession() !== undefined) setSessionEnded(true);
      setSession(current);
    } catch (err) {
      if (mine !== generation) return;
      if (isSignedOutError(err)) {
        setSession(null);
        if (err.code === 'session_expired') setSessionEnded(true);
      } else if (err instanceof ApiError && (err.code === 'offline' || err.code === 'network')) useCache();
      else {
        console.warn('Could not ask the server who is signed in', err);
        useCache();
      }
    }
  };

  const signOut = async (): Promise<void> => {
    generation++;
    // Requests of the session still in flight finish first (background ones stop): none is then
    // refused "signed out" after the logout, which would read as a session that ended by itself.
    const quiesced = await quiesceRequests();
    try {
      // Signed out here whatever the server answers (a sign-out it did not get is finished later).
      await signOutOfServer();
      setSession(null);
      setSessionEnded(false);
    } finally {
      // Whatever happened, background work may send again (for the next session).
      quiesced.done();
    }
  };

  // Any screen's request (this provider's `fetchSession` included) that finds the session gone
  // signs this device out; the guards then offer sign-in, saying the session ended if it did.
  onCleanup(
    onSignedOut((err) => {
      generation++;
      setSession(null);
      if (err.code === 'session_expired') setSessionEnded(true);
    }),
  );

  // Another tab signed in as someone else, or out: the cookie this tab runs under changed. Drop
  // the session at once (the store of the person before stops, its outbox kept in its own
  // database), then ask the server who is signed in now.
  onCleanup(
    listenForSessionElsewhere((userId) => {
      if (userId === (untrack(session)?.user.id ?? null)) return;
      generation++;
      setSessionSignal(undefined);
      void refresh();
    }),
  );

  onMount(() => void refresh().finally(() => setReady(true)));
  // Back online after starting offline: ask the server what the cache only guessed.
  createEffect(
    on(online, (isOnline, wasOnline) => {
      if (isOnline && wasOnline === false && (sessionFromCache() || setupState() === 'unknown')) void refresh();
    }),
  );

  const auth: Auth = { setupState, session, sessionFromCache, sessionEnded, ready, refresh, signOut };
  return <AuthContext.Provider value={auth}>{props.children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth() must be called inside <AuthProvider>');
  return context;
}
