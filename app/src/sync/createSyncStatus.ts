import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { serverReachability, stoppingWithSession } from '../api/reachability';
import { createQuery } from '../primitives/createQuery';
import type { SyncStatusSnapshot } from '../store/syncStatus';
import type { BrowserSync } from '../store/browser';
import type { LocalStore } from '../store/localStore';

/** The running sync, its status, and a way to ask for a sync now. */
export interface SyncStatusHandle {
  readonly status: Accessor<SyncStatusSnapshot | undefined>;
  readonly syncNow: () => void;
  /** Resolves once everything local went up and everything in scope came down (rejects when it cannot). */
  readonly awaitInSync: () => Promise<void>;
}

/** How the running sync meets the session around it. */
export interface SessionHooks {
  /** The server answered signed out, or that the session is another person's: ask who is signed in now. */
  readonly onSignedOut?: () => void;
  /** Changes on every sign-in (a new session object): a sync stopped as signed out resumes. */
  readonly session?: Accessor<unknown>;
}

/**
 * Runs the local store and its sync for the signed-in user (started on sign-in, closed on
 * sign-out or when another user signs in) and exposes its live status. The store's code is
 * imported on demand, after the first paint.
 */
export function createSyncStatus(userId: Accessor<string | undefined>, onStore: (store: LocalStore | undefined) => void = () => undefined, hooks: SessionHooks = {}): SyncStatusHandle {
  /** The running store, once open. */
  const [current, setCurrent] = createSignal<LocalStore>();
  const status = createQuery<SyncStatusSnapshot | undefined>(() => current()?.status, { initial: undefined });
  let running: Promise<BrowserSync | undefined> = Promise.resolve(undefined);
  /** Resolves once the previous user's store is closed: the next one opens after (same IndexedDB names). */
  let closed: Promise<unknown> = Promise.resolve();

  const stop = (): void => {
    setCurrent(undefined);
    onStore(undefined);
    const previous = running;
    running = Promise.resolve(undefined);
    closed = previous.then((sync) => sync?.stop()).catch((error: unknown) => console.warn('Stopping sync failed', error));
    // A sign-out under way keeps background requests back until this store's sync has stopped.
    stoppingWithSession(closed);
  };

  createEffect(on(userId, (id) => {
    stop();
    if (id === undefined) return;
    const starting = closed.then(() => import('../store/browser')).then(async ({ startBrowserSync }) => {
      if (running !== starting) return undefined;
      const sync = await startBrowserSync(id, () => hooks.onSignedOut?.());
      if (running !== starting) {
        await sync.stop();
        return undefined;
      }
      setCurrent(sync.store);
      onStore(sync.store);
      return sync;
    });
    running = starting;
    starting.catch((error: unknown) => console.error('The local store could not be opened', error));
  }));
  // The same person signed in again (their session had ended): their stopped sync goes on.
  if (hooks.session) createEffect(on(hooks.session, () => void running.then((sync) => sync?.engine.resume()), { defer: true }));
  onCleanup(stop);

  return {
    status,
    syncNow: () => {
      // While the server is known not to answer, "sync now" asks it first (its answer wakes the sync).
      const reachability = serverReachability();
      if (reachability?.state === 'unreachable') reachability.probeNow();
      else void running.then((sync) => sync?.engine.syncNow());
    },
    awaitInSync: () => running.then((sync) => sync?.engine.awaitInSync()),
  };
}
