import { createComputed, createContext, createEffect, createMemo, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { changeRowPrefix, type Seal, type SealStatusChange, type User as DomainUser } from '@seal/shared';
import { useAuth } from '../auth/AuthProvider';
import { useDirectory } from '../org/DirectoryProvider';
import { actorFromSession } from '../auth/actorFromSession';
import { createFacts } from '../sync/createFacts';
import { createRecords, type HeldRecord } from '../sync/createRecords';
import { createRowStates, type RowStates } from '../sync/createRowStates';
import { useSync } from '../sync/SyncProvider';
import { createGrantIssuing } from './grantIssuer';
import { requestEntries, type RequestBookInput, type RequestEntry } from './requestBook';
import { sealStatusOf } from './sealStatusOf';

/** How often derived states are recomputed without any new fact: windows open and close by the clock. */
const TICK_MS = 30_000;

/** A seal this device holds, with its status derived from its lifecycle facts (`null`: none held yet). */
export type HeldSeal = Omit<Seal, 'status'> & { readonly status: Seal['status'] | null };

export interface RequestsContextValue {
  /** Every request this device holds, with its derived state, newest first. */
  readonly entries: Accessor<readonly RequestEntry[]>;
  /** One request by id, if held. */
  entry(id: string): RequestEntry | undefined;
  /** Everything held that the entries are derived from (read it again after a long wait, e.g. a passkey ceremony). */
  readonly book: Accessor<RequestBookInput>;
  /** The seals this device holds, each with its status derived from its lifecycle facts (`null`: none held yet). */
  readonly seals: Accessor<readonly HeldSeal[]>;
  /** The signed-in user as the domain policy takes them. */
  readonly me: Accessor<DomainUser | undefined>;
  readonly now: Accessor<number>;
  /** Whether any change of the request made here is still waiting to go up. */
  isRequestWaiting(requestId: string): boolean;
}

const RequestsContext = createContext<RequestsContextValue>();

/** Everything held that requests are derived from, as one value that follows the store and the directory. */
function createBook(rows: RowStates): {
  readonly book: Accessor<RequestBookInput>;
  readonly sealRecords: Accessor<HeldRecord<'seal'>[]>;
  readonly sealChanges: Accessor<SealStatusChange[]>;
} {
  const directory = useDirectory();
  const requestRecords = createRecords('request');
  const sealRecords = createRecords('seal');
  const sealChanges = createFacts('seal_status_change');
  const decisions = createFacts('decision');
  const cancellations = createFacts('cancellation');
  const grants = createFacts('grant');
  const electronicGrants = createFacts('electronic_grant');
  const impressions = createFacts('impression');
  // Only the stamp entries of device logs: the rest of a log says nothing about requests.
  const stamps = createFacts('device_event', undefined, { body: { type: 'stamp' } });
  const book = createMemo(
    (): RequestBookInput => ({
      requests: requestRecords().map((r) => r.record),
      seals: sealRecords().map((r) => r.record),
      sealChanges: sealChanges(),
      refusedRowIds: rows.refusedIds(),
      decisions: decisions(),
      cancellations: cancellations(),
      grants: grants(),
      electronicGrants: electronicGrants(),
      impressions: impressions(),
      stamps: stamps(),
      users: directory.users(),
      units: directory.units(),
    }),
  );
  return { book, sealRecords, sealChanges };
}

/**
 * A decision by someone the held directory does not know, or a request in a unit it does not:
 * the directory is older than the facts (a new approver, a new site), and approvals would be
 * miscounted until its next refresh. Fetch it again now, once per unknown id.
 */
function refreshDirectoryForUnknownIds(book: Accessor<RequestBookInput>): void {
  const directory = useDirectory();
  const askedAbout = new Set<string>();
  createEffect(() => {
    if (directory.state() === 'loading' || directory.directory() === undefined) return;
    const known = new Set<string>([...directory.users().map((u) => u.id), ...directory.units().map((u) => u.id)]);
    const { decisions, requests, seals } = book();
    const referenced = [
      ...decisions.map((d) => d.approverId),
      ...requests.flatMap((record) => [record.requesterId, record.unitId, record.place.unitId]),
      ...seals.map((record) => record.unitId),
    ];
    const unknown = referenced.filter((id) => !known.has(id) && !askedAbout.has(id));
    if (unknown.length === 0) return;
    unknown.forEach((id) => askedAbout.add(id));
    void directory.refresh();
  });
}

/**
 * A list derived afresh (on each fact or tick) kept in a solid store, reconciled by `id`: an item
 * that did not change keeps its object, so lists (`<For>`, matched by reference) keep its card —
 * and the keyboard focus in it — and only what changed in an item notifies.
 */
function createKeptList<T extends { readonly id: string }>(derive: () => T[]): Accessor<readonly T[]> {
  const [list, setList] = createStore<T[]>([]);
  createComputed(() => setList(reconcile(derive(), { key: 'id', merge: false })));
  return () => list;
}

/**
 * The requests this device holds and what their facts add up to, for every screen that lists or
 * decides them. It also starts the requester's (and approvers') part of issuing grants
 * (`createGrantIssuing`), so that the site tablet gets a grant even if the approver's app never could.
 */
export function RequestsProvider(props: ParentProps) {
  const auth = useAuth();
  const sync = useSync();
  const directory = useDirectory();
  const rows = createRowStates();
  const { book, sealRecords, sealChanges } = createBook(rows);
  // The store's clock (the server's, as learned): a fact made here is dated by it.
  const [now, setNow] = createSignal(sync.now());
  const timer = setInterval(() => setNow(sync.now()), TICK_MS);
  onCleanup(() => clearInterval(timer));

  const me = createMemo((): DomainUser | undefined => {
    const user = auth.session()?.user;
    return user === undefined ? undefined : actorFromSession(user);
  });
  // The clock is read afresh whenever a fact arrives (one just made here is dated now), and by the tick.
  const clock = (): number => Math.max(now(), sync.now());
  const entries = createKeptList(() => requestEntries(book(), clock()));
  const byId = createMemo(() => new Map(entries().map((e) => [e.id, e])));
  const seals = createKeptList((): HeldSeal[] => {
    const changes = sealChanges();
    const refused = rows.refusedIds();
    const at = clock();
    return sealRecords().map(({ record }) => ({ ...record, status: sealStatusOf(changes.filter((c) => c.sealId === record.id), refused, at) }));
  });
  refreshDirectoryForUnknownIds(book);
  createGrantIssuing({ store: sync.store, userId: () => me()?.id, roster: () => directory.directory()?.roster, entries });

  const value: RequestsContextValue = {
    entries,
    entry: (id) => byId().get(id),
    book,
    seals,
    me,
    now,
    isRequestWaiting: (requestId) => {
      const prefix = changeRowPrefix('request', requestId);
      for (const id of rows.waiting()) if (id.startsWith(prefix)) return true;
      return false;
    },
  };
  return <RequestsContext.Provider value={value}>{props.children}</RequestsContext.Provider>;
}

export function useRequests(): RequestsContextValue {
  const value = useContext(RequestsContext);
  if (value === undefined) throw new Error('useRequests() needs a <RequestsProvider> above it');
  return value;
}
