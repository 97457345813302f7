import { batch, createContext, createEffect, createMemo, createSignal, on, onCleanup, useContext, type Accessor, type ParentProps, type Setter } from 'solid-js';
import { Backoff, orgKeyResponseSchema, signedRosterResponseSchema, type BackoffPolicy, type OrgUnit, type User as DomainUser } from '@seal/shared';
import { apiRequest } from '../api/request';
import { fetchUnits } from '../api/units';
import { refreshRevocations } from '../device/revocations';
import { useAuth } from '../auth/AuthProvider';
import { serverReachability, signingOut } from '../api/reachability';
import { createServerReachability } from '../sync/createServerReachability';
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
/** After a failed fetch: retry after 2 s, doubling up to {@link REFRESH_MS}. */
const RETRY: BackoffPolicy = { initialDelayMs: 2_000, maxDelayMs: REFRESH_MS };

/** What the server holds now: the signed roster, the org key and the named units, not yet checked. */
async function fetchDirectory(): Promise<Omit<Parameters<typeof checkDirectory>[0], 'fetchedAt'>> {
  const [signedRoster, orgKey, units] = await Promise.all([
    apiRequest('GET', '/api/roster', signedRosterResponseSchema),
    apiRequest('GET', '/api/org-key', orgKeyResponseSchema),
    fetchUnits(),
  ]);
  return { signedRoster, orgPublicJwk: orgKey.publicJwk, units };
}

/** The directory of the signed-in user as signals, and what the fetches and the held copy do to them. */
interface DirectoryCell {
  readonly directory: Accessor<Directory | undefined>;
  readonly setDirectory: Setter<Directory | undefined>;
  readonly setState: Setter<DirectoryState>;
  readonly setProblem: Setter<string | undefined>;
  /** Bumped on every sign-in or sign-out: answers for an earlier user are dropped. */
  generation: number;
  /** Whether the copy held in the user's store (if any) has been read, this sign-in. */
  heldRead: boolean;
  retry: ReturnType<typeof setTimeout> | undefined;
  readonly backoff: Backoff;
  /** Keeps the directory in the signed-in user's local store (for offline starts), once it is open. */
  keep(value: Directory): void;
}

/** Fetches the directory, checks it and adopts it; on a network or server failure, tries again later. */
async function fetchFresh(cell: DirectoryCell, gen: number, signedIn: () => boolean): Promise<void> {
  const { directory, setDirectory, setState, setProblem } = cell;
  // Signing out: the session ends in a moment (and a new sign-in fetches afresh).
  if (!signedIn() || signingOut()) return;
  if (!navigator.onLine || serverReachability()?.mayRequest() === false) {
    // Offline, or the server known silent (its health probe says when it answers again, and the
    // directory is fetched then): with no copy on this device, say so instead of "loading" for ever.
    if (cell.heldRead && directory() === undefined) setState('unavailable');
    return;
  }
  clearTimeout(cell.retry);
  try {
    const fetched = await fetchDirectory();
    if (gen !== cell.generation) return;
    const checked = await checkDirectory({ ...fetched, fetchedAt: Date.now() }, directory());
    if (gen !== cell.generation) return;
    if (!checked.ok) {
      // A roster that does not verify is refused, not retried: the held copy stays in use.
      setProblem(checked.code);
      setState(directory() === undefined ? 'unavailable' : 'held');
      return;
    }
    cell.backoff.reset();
    setDirectory(checked.directory);
    setState('fresh');
    setProblem(undefined);
    cell.keep(checked.directory);
  } catch (error) {
    if (gen !== cell.generation) return;
    setProblem(error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : 'network');
    setState(directory() === undefined ? 'unavailable' : 'held');
    // The network or the server failed: try again soon, backing off to the regular interval.
    cell.retry = setTimeout(() => void fetchFresh(cell, gen, signedIn), cell.backoff.next());
  }
}

/**
 * Once the user's store is open: the copy held there stands in until (or unless) a fresh one
 * arrives, and a fresh one that came first is checked against it and kept there.
 */
async function adoptHeld(cell: DirectoryCell, value: unknown, gen: number): Promise<void> {
  const { directory, setDirectory, setState } = cell;
  if (gen !== cell.generation) return;
  cell.heldRead = true;
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
  if (gen !== cell.generation) return;
  if (checked !== undefined && !checked.ok) {
    cell.setProblem(checked.code);
    setDirectory(held);
    setState('held');
    return;
  }
  cell.keep(current);
}

/** The directory for the signed-in user, following sign-ins, the local store and the network. */
function createDirectory(): DirectoryContextValue {
  const auth = useAuth();
  const sync = useSync();
  const reachability = createServerReachability();
  const [directory, setDirectory] = createSignal<Directory>();
  const [state, setState] = createSignal<DirectoryState>('loading');
  const [problem, setProblem] = createSignal<string>();
  const cell: DirectoryCell = {
    directory,
    setDirectory,
    setState,
    setProblem,
    generation: 0,
    heldRead: false,
    retry: undefined,
    backoff: new Backoff(RETRY),
    keep: (value) => {
      const store = sync.store();
      if (store === undefined) return;
      void store.book.setState(HELD_KEY, value).catch(() => undefined);
      // A fresh directory means the server answers: take the revocation list in force too, for
      // this tablet to carry to every seal device it connects to (a failure waits for the next refresh).
      void refreshRevocations(store, value.orgPublicJwk).catch(() => undefined);
    },
  };
  const signedIn = (): boolean => Boolean(auth.session());
  const refresh = (gen: number): Promise<void> => fetchFresh(cell, gen, signedIn);

  // On sign-in (or another user signing in): start over; fetch at once, without waiting for the store.
  createEffect(on(() => auth.session()?.user.id, (userId) => {
    const gen = ++cell.generation;
    cell.heldRead = false;
    clearTimeout(cell.retry);
    cell.backoff.reset();
    batch(() => {
      setDirectory(undefined);
      setProblem(undefined);
      setState('loading');
    });
    if (userId === undefined) return;
    void refresh(gen);
    const timer = setInterval(() => void refresh(gen), REFRESH_MS);
    onCleanup(() => {
      clearInterval(timer);
      clearTimeout(cell.retry);
    });
  }));
  createEffect(on(sync.store, (store) => {
    if (store === undefined) return;
    const gen = cell.generation;
    void store.book.state(HELD_KEY).then((value) => adoptHeld(cell, value, gen)).catch(() => undefined);
  }));
  // The server answers again: fetch again (roles or passkeys may have changed meanwhile).
  createEffect(on(reachability, (state, before) => {
    if (state === 'reachable' && before === 'unreachable') void refresh(cell.generation);
  }, { defer: true }));

  const view = createMemo(() => {
    const d = directory();
    return d === undefined ? undefined : directoryView(d);
  });
  const users = createMemo(() => view()?.users ?? []);
  const units = createMemo(() => view()?.units ?? []);
  const userNames = createMemo(() => new Map(users().map((u) => [u.id as string, u.name])));
  const unitNames = createMemo(() => new Map(units().map((u) => [u.id as string, u.name])));
  return {
    directory,
    state,
    problem,
    users,
    units,
    userName: (id) => userNames().get(id) ?? id,
    unitName: (id) => unitNames().get(id) ?? id,
    refresh: () => refresh(cell.generation),
  };
}

/**
 * Keeps the organisation directory (signed roster + named units) for the signed-in user: read
 * from the local store at once (works offline), fetched from the server when online, on sign-in,
 * on reconnecting and every few minutes, verified with the org key, and kept again.
 */
export function DirectoryProvider(props: ParentProps) {
  return <DirectoryContext.Provider value={createDirectory()}>{props.children}</DirectoryContext.Provider>;
}

export function useDirectory(): DirectoryContextValue {
  const value = useContext(DirectoryContext);
  if (value === undefined) throw new Error('useDirectory() needs a <DirectoryProvider> above it');
  return value;
}
