import { batch, createContext, createEffect, createMemo, createSignal, on, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import { orgKeyResponseSchema, signedRosterResponseSchema, type OrgUnit, type User as DomainUser } from '@seal/shared';
import { apiRequest } from '../api/request';
import { fetchUnits } from '../api/units';
import { useAuth } from '../auth/AuthProvider';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { useSync } from '../sync/SyncProvider';
import { checkDirectory, directoryView, parseHeldDirectory, type Directory } from './directory';

/** Where the directory on this device stands. */
export type DirectoryState = 'loading' | 'fresh' | 'held' | 'unavailable';

export interface DirectoryContextValue {
  /** The directory (fresh from the server, or the copy held on this device); `undefined` if none yet. */
  readonly directory: Accessor<Directory | undefined>;
  /** `fresh`: fetched this session; `held`: the copy kept on this device (offline, or the fetch failed). */
  readonly state: Accessor<DirectoryState>;
  /** Why the last fetch failed (a code), if it did. */
  readonly problem: Accessor<string | undefined>;
  /** Users and units as the domain takes them (empty while none is held). */
  readonly users: Accessor<readonly DomainUser[]>;
  readonly units: Accessor<readonly OrgUnit[]>;
  /** A person's name, or their id when this device does not know them (yet). */
  userName(id: string): string;
  /** A unit's name, or its id when unknown. */
  unitName(id: string): string;
  /** Fetches the directory again (after an admin change, or on demand). */
  refresh(): Promise<void>;
}

const DirectoryContext = createContext<DirectoryContextValue>();
const HELD_KEY = 'directory';
/** How often a signed-in, online app fetches the directory again: roles and passkeys change. */
const REFRESH_MS = 5 * 60_000;
/** The first retry after a failed fetch; it doubles up to {@link REFRESH_MS}. */
const RETRY_FIRST_MS = 2_000;

/**
 * Keeps the organisation directory (signed roster + named units) for the signed-in user: read
 * from the local store at once (works offline), fetched from the server when online, on sign-in,
 * on reconnecting and every few minutes, verified with the org key, and kept again.
 */
export function DirectoryProvider(props: ParentProps) {
  const auth = useAuth();
  const sync = useSync();
  const online = createOnlineStatus();
  const [directory, setDirectory] = createSignal<Directory>();
  const [state, setState] = createSignal<DirectoryState>('loading');
  const [problem, setProblem] = createSignal<string>();
  /** Bumped on every sign-in or sign-out: answers for an earlier user are dropped. */
  let generation = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = RETRY_FIRST_MS;
  /** Whether the copy held in the user's store (if any) has been read, this sign-in. */
  let heldRead = false;

  /** Keeps the directory in the signed-in user's local store (for offline starts), once it is open. */
  const keep = (value: Directory): void => {
    void sync.store()?.book.setState(HELD_KEY, value).catch(() => undefined);
  };

  async function fetchFresh(gen: number): Promise<void> {
    if (!auth.session()) return;
    if (!navigator.onLine) {
      // Offline with no copy on this device: say so (screens explain), instead of "loading" for ever.
      if (heldRead && directory() === undefined) setState('unavailable');
      return;
    }
    clearTimeout(retry);
    try {
      const [signedRoster, orgKey, units] = await Promise.all([
        apiRequest('GET', '/api/roster', signedRosterResponseSchema),
        apiRequest('GET', '/api/org-key', orgKeyResponseSchema),
        fetchUnits(),
      ]);
      if (gen !== generation) return;
      const checked = await checkDirectory({ signedRoster, orgPublicJwk: orgKey.publicJwk, units, fetchedAt: Date.now() }, directory());
      if (gen !== generation) return;
      if (!checked.ok) {
        // A roster that does not verify is refused, not retried: the held copy stays in use.
        setProblem(checked.code);
        setState(directory() === undefined ? 'unavailable' : 'held');
        return;
      }
      retryDelay = RETRY_FIRST_MS;
      setDirectory(checked.directory);
      setState('fresh');
      setProblem(undefined);
      keep(checked.directory);
    } catch (error) {
      if (gen !== generation) return;
      setProblem(error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'network');
      setState(directory() === undefined ? 'unavailable' : 'held');
      // The network or the server failed: try again soon, backing off to the regular interval.
      retry = setTimeout(() => void fetchFresh(gen), retryDelay);
      retryDelay = Math.min(retryDelay * 2, REFRESH_MS);
    }
  }

  // On sign-in (or another user signing in): start over; fetch at once, without waiting for the store.
  createEffect(on(() => auth.session()?.user.id, (userId) => {
    const gen = ++generation;
    heldRead = false;
    clearTimeout(retry);
    retryDelay = RETRY_FIRST_MS;
    batch(() => {
      setDirectory(undefined);
      setProblem(undefined);
      setState('loading');
    });
    if (userId === undefined) return;
    void fetchFresh(gen);
    const timer = setInterval(() => void fetchFresh(gen), REFRESH_MS);
    onCleanup(() => {
      clearInterval(timer);
      clearTimeout(retry);
    });
  }));
  // Once the user's store is open: the copy held there stands in until (or unless) a fresh one arrives,
  // and a fresh one that came first is kept there.
  createEffect(on(sync.store, (store) => {
    if (store === undefined) return;
    const gen = generation;
    void store.book
      .state(HELD_KEY)
      // eslint-disable-next-line solid/reactivity -- reads the directory of the moment the held copy arrives, on purpose
      .then(async (value) => {
        if (gen !== generation) return;
        heldRead = true;
        const held = parseHeldDirectory(value);
        const current = directory();
        if (current === undefined) {
          if (held !== undefined) {
            setDirectory(held);
            setState('held');
          } else if (!navigator.onLine) {
            setState('unavailable');
          }
          return;
        }
        // A fresh copy came first, checked against nothing: check it against the held one now
        // (same org key, never an older roster) before it replaces it.
        const checked = held === undefined ? undefined : await checkDirectory(current, held);
        if (gen !== generation) return;
        if (checked !== undefined && !checked.ok) {
          setProblem(checked.code);
          setDirectory(held);
          setState('held');
          return;
        }
        keep(current);
      })
      .catch(() => undefined);
  }));
  // Back online: fetch again (roles or passkeys may have changed meanwhile).
  createEffect(on(online, (isOnline) => {
    if (isOnline) void fetchFresh(generation);
  }, { defer: true }));

  const view = createMemo(() => {
    const d = directory();
    return d === undefined ? undefined : directoryView(d);
  });
  const users = createMemo(() => view()?.users ?? []);
  const units = createMemo(() => view()?.units ?? []);
  const userNames = createMemo(() => new Map(users().map((u) => [u.id as string, u.name])));
  const unitNames = createMemo(() => new Map(units().map((u) => [u.id as string, u.name])));

  const value: DirectoryContextValue = {
    directory,
    state,
    problem,
    users,
    units,
    userName: (id) => userNames().get(id) ?? id,
    unitName: (id) => unitNames().get(id) ?? id,
    refresh: () => fetchFresh(generation),
  };
  return <DirectoryContext.Provider value={value}>{props.children}</DirectoryContext.Provider>;
}

export function useDirectory(): DirectoryContextValue {
  const value = useContext(DirectoryContext);
  if (value === undefined) throw new Error('useDirectory() needs a <DirectoryProvider> above it');
  return value;
}
