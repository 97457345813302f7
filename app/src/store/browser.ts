import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { loadAutomergeInBrowser } from './automergeBrowser';
import { openLocalStore, type LocalStore } from './localStore';
import { startSync, type SyncEngine } from './syncEngine';

/** The signed-in user's store and its sync with this origin's sync-server. */
export interface BrowserSync {
  readonly store: LocalStore;
  readonly engine: SyncEngine;
  stop(): Promise<void>;
}

/**
 * Opens the user's store in IndexedDB (RxDB, dexie storage) and syncs it with the server this
 * page came from. Loaded on demand (a dynamic import) after sign-in, so RxDB and Automerge stay
 * out of the first paint. The network coming back triggers a sync at once.
 */
export async function startBrowserSync(userId: string, onSignedOut: () => void = () => undefined): Promise<BrowserSync> {
  const store = await openLocalStore({ userId, storage: getRxStorageDexie(), loadAutomerge: loadAutomergeInBrowser, multiInstance: true });
  // Without a network, fail at once (as the API client does) rather than have the browser log
  // every refused connection; RxDB retries, and the `online` event below wakes it.
  const browserFetch: typeof fetch = (input, init) =>
    navigator.onLine ? fetch(input, init) : Promise.reject(new TypeError('offline: the browser reports no network'));
  // The server answering signed out (or another person's session: another tab signed in) stops
  // this store's sync; the caller asks who is signed in now and swaps or closes the store.
  const engine = startSync(store, { baseUrl: '', fetch: browserFetch, onSignedOut });
  const onOnline = (): void => engine.syncNow();
  window.addEventListener('online', onOnline);
  // The app beyond store/ gets the store without its database (queries go through `store.query`).
  const { db: _db, ...appStore } = store;
  return {
    store: appStore,
    engine,
    async stop() {
      window.removeEventListener('online', onOnline);
      await engine.stop();
      await store.close();
    },
  };
}
