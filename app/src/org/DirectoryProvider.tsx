import { createContext, createEffect, createMemo, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import type { OrgUnit, P256PublicJwk, User as DomainUser } from '@seal/shared';
import { apiRequest } from '../api/request';
import { fetchUnits } from '../api/units';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { useSync } from '../sync/SyncProvider';
import { checkDirectory, domainUnits, domainUsers, parseHeldDirectory, type Directory } from './directory';

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

/**
 * Keeps the organisation directory (signed roster + named units) for the signed-in user: read
 * from the local store at once (works offline), fetched from the server when online, on sign-in,
 * on reconnecting and every few minutes, verified with the org key, and kept again.
 */
export function DirectoryProvider(props: ParentProps) {
  const sync = useSync();
  const online = createOnlineStatus();
  const [directory, setDirectory] = createSignal<Directory>();
  const [state, setState] = createSignal<DirectoryState>('loading');
  const [problem, setProblem] = createSignal<string>();
  let generation = 0;

  async function fetchFresh(gen: number): Promise<void> {
    const store = sync.store();
    if (store === undefined || !navigator.onLine) return;
    try {
      const [signedRoster, orgKey, units] = await Promise.all([
        apiRequest<unknown>('GET', '/api/roster'),
        apiRequest<{ publicJwk: P256PublicJwk }>('GET', '/api/org-key'),
        fetchUnits(),
      ]);
      if (gen !== generation) return;
      const checked = await checkDirectory({ signedRoster, orgPublicJwk: orgKey.publicJwk, units, fetchedAt: Date.now() }, directory());
      if (gen !== generation) return;
      if (!checked.ok) {
        setProblem(checked.code);
        if (directory() !== undefined) setState('held');
        else setState('unavailable');
        return;
      }
      setDirectory(checked.directory);
      setState('fresh');
      setProblem(undefined);
      await store.book.setState(HELD_KEY, checked.directory).catch(() => undefined);
    } catch (error) {
      if (gen !== generation) return;
      setProblem(error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'network');
      setState(directory() === undefined ? 'unavailable' : 'held');
    }
  }

  createEffect(() => {
    const store = sync.store();
    const gen = ++generation;
    setDirectory(undefined);
    setProblem(undefined);
    setState('loading');
    if (store === undefined) return;
    void store.book
      .state(HELD_KEY)
      .then((value) => {
        if (gen !== generation) return;
        const held = parseHeldDirectory(value);
        if (held !== undefined) {
          setDirectory(held);
          setState('held');
        }
      })
      .catch(() => undefined)
      // eslint-disable-next-line solid/reactivity -- a fetch after the held copy is read: it reads the directory of that moment, on purpose
      .then(() => fetchFresh(gen));
    const timer = setInterval(() => void fetchFresh(gen), REFRESH_MS);
    onCleanup(() => clearInterval(timer));
  });
  // Back online: fetch again (roles or passkeys may have changed meanwhile).
  createEffect(() => {
    if (online() && sync.store() !== undefined && state() !== 'loading') void fetchFresh(generation);
  });

  const users = createMemo(() => {
    const d = directory();
    return d === undefined ? [] : domainUsers(d);
  });
  const units = createMemo(() => {
    const d = directory();
    return d === undefined ? [] : domainUnits(d);
  });
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
