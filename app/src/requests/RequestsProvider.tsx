import { createContext, createEffect, createMemo, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import { changeRowPrefix, type DeviceEvent, type Seal, type User as DomainUser } from '@seal/shared';
import { useAuth } from '../auth/AuthProvider';
import { useDirectory } from '../org/DirectoryProvider';
import { actorFromSession } from '../auth/actorFromSession';
import { createFacts } from '../sync/createFacts';
import { createRecords } from '../sync/createRecords';
import { createRowStates } from '../sync/createRowStates';
import { useSync } from '../sync/SyncProvider';
import { grantCandidates, issueMissingGrant } from './grantIssuer';
import { requestEntries, type RequestBookInput, type RequestEntry } from './requestBook';
import { sealStatusOf } from './sealStatusOf';

/** How often derived states are recomputed without any new fact: windows open and close by the clock. */
const TICK_MS = 30_000;

export interface RequestsContextValue {
  /** Every request this device holds, with its derived state, newest first. */
  readonly entries: Accessor<readonly RequestEntry[]>;
  /** One request by id, if held. */
  entry(id: string): RequestEntry | undefined;
  /** Everything held that the entries are derived from (read it again after a long wait, e.g. a passkey ceremony). */
  readonly book: Accessor<RequestBookInput>;
  /** The seals this device holds, each with its status derived from its lifecycle facts (`null`: none held yet). */
  readonly seals: Accessor<readonly (Omit<Seal, 'status'> & { readonly status: Seal['status'] | null })[]>;
  /** The signed-in user as the domain policy takes them. */
  readonly me: Accessor<DomainUser | undefined>;
  readonly now: Accessor<number>;
  /** Whether any change of the request made here is still waiting to go up. */
  isRequestWaiting(requestId: string): boolean;
}

const RequestsContext = createContext<RequestsContextValue>();

/**
 * The requests this device holds and what their facts add up to, for every screen that lists or
 * decides them. It also does the requester's part of issuing grants: when one of the signed-in
 * user's requests is approved and no grant is held, it assembles the grant (deterministic, so the
 * same one the completing approver's app assembles) and records it, so that the site tablet gets
 * it even if the approver's app never could.
 */
export function RequestsProvider(props: ParentProps) {
  const auth = useAuth();
  const sync = useSync();
  const directory = useDirectory();
  const requestRecords = createRecords('request');
  const sealRecords = createRecords('seal');
  const sealChanges = createFacts('seal_status_change');
  const decisions = createFacts('decision');
  const cancellations = createFacts('cancellation');
  const grants = createFacts('grant');
  const rows = createRowStates();
  const [stamps, setStamps] = createSignal<DeviceEvent[]>([]);
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), TICK_MS);
  onCleanup(() => clearInterval(timer));

  createEffect(() => {
    const store = sync.store();
    setStamps([]);
    if (store === undefined) return;
    // Only the stamp entries of device logs: the rest of a log says nothing about requests.
    const selector = { type: 'fact', kind: 'device_event', 'body.type': 'stamp' } as never;
    const stampWatch = store.db.rows.find({ selector }).$.subscribe((docs) => setStamps(docs.map((d) => (d.toJSON() as unknown as { body: DeviceEvent }).body)));
    onCleanup(() => stampWatch.unsubscribe());
  });

  const me = createMemo((): DomainUser | undefined => {
    const user = auth.session()?.user;
    return user === undefined ? undefined : actorFromSession(user);
  });

  const book = createMemo(
    (): RequestBookInput => ({
      requests: requestRecords().map((r) => r.record),
      seals: sealRecords().map((r) => r.record),
      sealChanges: sealChanges(),
      refusedRowIds: rows.refusedIds(),
      decisions: decisions(),
      cancellations: cancellations(),
      grants: grants(),
      stamps: stamps(),
      users: directory.users(),
      units: directory.units(),
    }),
  );
  // The clock is read afresh whenever a fact arrives (one just made here is dated now), and by the tick.
  const clock = (): number => Math.max(now(), Date.now());
  // An entry that did not change keeps its object: lists (`<For>`, matched by reference) keep its
  // card — and the keyboard focus in it — instead of rebuilding every card on each tick or fact.
  let previous = new Map<string, { readonly key: string; readonly entry: RequestEntry }>();
  const entries = createMemo(() => {
    const kept = new Map<string, { readonly key: string; readonly entry: RequestEntry }>();
    const next = requestEntries(book(), clock()).map((fresh) => {
      const key = JSON.stringify(fresh);
      const old = previous.get(fresh.request.id);
      const entry = old !== undefined && old.key === key ? old.entry : fresh;
      kept.set(fresh.request.id, { key, entry });
      return entry;
    });
    previous = kept;
    return next;
  });
  const byId = createMemo(() => new Map(entries().map((e) => [e.request.id as string, e])));
  const seals = createMemo(() => {
    const changes = sealChanges();
    const refused = rows.refusedIds();
    const at = clock();
    return sealRecords().map(({ record }) => ({ ...record, status: sealStatusOf(changes.filter((c) => c.sealId === record.id), refused, at) }));
  });

  // A decision by someone the held directory does not know, or a request in a unit it does not:
  // the directory is older than the facts (a new approver, a new site), and approvals would be
  // miscounted until its next refresh. Fetch it again now, once per unknown id.
  const askedAbout = new Set<string>();
  createEffect(() => {
    if (directory.state() === 'loading' || directory.directory() === undefined) return;
    const known = new Set<string>([...directory.users().map((u) => u.id), ...directory.units().map((u) => u.id)]);
    const referenced = [
      ...decisions().map((d) => d.approverId),
      ...requestRecords().flatMap(({ record }) => [record.requesterId, record.unitId, record.place.unitId]),
      ...sealRecords().map(({ record }) => record.unitId),
    ];
    const unknown = referenced.filter((id) => !known.has(id) && !askedAbout.has(id));
    if (unknown.length === 0) return;
    unknown.forEach((id) => askedAbout.add(id));
    void directory.refresh();
  });

  // Grants are issued here, from what the store holds, not by a screen. Each request is looked at
  // again only when its facts or the roster change (judging and issuing verify signatures).
  const settled = new Map<string, string>();
  createEffect(() => {
    const store = sync.store();
    const user = me();
    const roster = directory.directory()?.roster;
    if (store === undefined || user === undefined || roster === undefined) return;
    for (const entry of grantCandidates(entries(), user.id)) {
      const key = JSON.stringify([roster.version, entry.decisions.map((d) => d.id), entry.grants.map((g) => g.id)]);
      if (settled.get(entry.request.id) === key) continue;
      settled.set(entry.request.id, key);
      issueMissingGrant(store, entry, roster)
        .then((outcome) => {
          if (typeof outcome !== 'string') console.info(`No grant for request "${entry.request.id}" yet: ${outcome.code}: ${outcome.message}`);
        })
        .catch((err: unknown) => {
          settled.delete(entry.request.id); // try again with the next change
          console.warn(`Could not record the grant of request "${entry.request.id}"`, err);
        });
    }
  });

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
