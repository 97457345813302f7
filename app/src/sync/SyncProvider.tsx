import { createContext, createSignal, useContext, type Accessor, type ParentProps } from 'solid-js';
import type { LocalStore } from '../store/localStore';
import { useAuth } from '../auth/AuthProvider';
import { createSessionRecheck } from '../auth/sessionRecheck';
import { createStoragePersistence, type Persistence } from './createStoragePersistence';
import { createSyncStatus, type SyncStatusHandle } from './createSyncStatus';

/** The signed-in user's local store (once opened) and its sync, for every screen. */
export interface SyncContextValue extends SyncStatusHandle {
  /** The local store; `undefined` while signed out or still opening. */
  readonly store: Accessor<LocalStore | undefined>;
  /** Whether the browser agreed to keep this device's data (asked after sign-in). */
  readonly persistence: Accessor<Persistence>;
  /**
   * The time to date anything recorded now by, and to judge statuses at: the store's clock
   * (`store.now`: the device's, corrected by the server's answers). The device's own only while no
   * store is open, when nothing is recorded.
   */
  readonly now: () => number;
}

const SyncContext = createContext<SyncContextValue>();

/**
 * Opens the local store on sign-in and syncs it (one per signed-in user: see `createSyncStatus`).
 * Screens read and record through `useSync().store()`; the header shows `status`.
 */
export function SyncProvider(props: ParentProps) {
  const auth = useAuth();
  createSessionRecheck(auth);
  const [store, setStore] = createSignal<LocalStore>();
  const handle = createSyncStatus(() => auth.session()?.user.id, setStore, { onSignedOut: () => void auth.refresh(), session: auth.session });
  const persistence = createStoragePersistence(() => (auth.session() ?? null) !== null);
  const now = (): number => store()?.now() ?? Date.now();
  return <SyncContext.Provider value={{ ...handle, store, persistence, now }}>{props.children}</SyncContext.Provider>;
}

export function useSync(): SyncContextValue {
  const value = useContext(SyncContext);
  if (value === undefined) throw new Error('useSync() needs a <SyncProvider> above it');
  return value;
}
