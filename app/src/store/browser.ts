import { loadAutomergeInBrowser } from './automergeBrowser';
import { localStorageDexie } from './fewerReads';
import { openLocalStore, type LocalStore } from './localStore';
import { startSync, type SyncEngine } from './syncEngine';
import { backgroundFetch, serverReachability } from '../api/reachability';
import { quietOpenCoreBanner } from './quietOpenCoreBanner';

/** The signed-in user's store and its sync with this origin's sync-server. */
export interface BrowserSync {
  readonly store: LocalStore;
  readonly engine: SyncEngine;
  stop(): Promise<void>;
}

/**
 * Opens the user's store in IndexedDB (RxDB, dexie storage) and syncs it with the server this
 * page came from. Loaded on demand (a dynamic import) after sign-in, so RxDB and Automerge stay
 * out of the first paint. The server answering again (its health probe, which the `online` event
 * sends at once) triggers a sync at once.
 */
export async function startBrowserSync(userId: string, onSignedOut: () => void = () => undefined): Promise<BrowserSync> {
  quietOpenCoreBanner();
  const store = await openLocalStore({ userId, storage: localStorageDexie(), loadAutomerge: loadAutomergeInBrowser, multiInstance: true });
  // While the server does not answer, fail at once rather than have the browser send (and log)
  // every retry; RxDB keeps retrying against the gate, and the server answering again wakes it.
  // The server answering signed out (or another person's session: another tab signed in) stops
  // this store's sync; the caller asks who is signed in now and swaps or closes the store.
  const engine = startSync(store, { baseUrl: '', fetch: backgroundFetch, onSignedOut });
  let wasReachable = true;
  const stopWatching = serverReachability()?.subscribe((state) => {
    if (state === 'reachable' && !wasReachable) engine.syncNow();
    wasReachable = state !== 'unreachable';
  });
  // The app beyond store/ gets the store without its database (queries go through `store.query`).
  const { db: _db, ...appStore } = store;
  return {
    store: appStore,
    engine,
    async stop() {
      stopWatching?.();
      await engine.stop();
      await store.close();
    },
  };
}
