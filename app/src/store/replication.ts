import { Subject } from 'rxjs';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { RxReplicationPullStreamItem, RxReplicationWriteToMasterRow, WithDeleted } from 'rxdb';
import { retry, type PullResponse, type PushResult } from '@seal/shared';
import type { Refusal, RowDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { CatchUp, pushesInOrder, SignedOutGate } from './replicationParts';
import { asRow, isRefusedRow } from './rowCodec';
import { isReplicaHaltError, type ApiError } from '../api/ApiError';
import type { SyncClient } from './syncClient';
import type { SyncStatus } from './syncStatus';

/** The replication checkpoint: the server's change sequence, opaque here. */
export interface RowCheckpoint {
  readonly seq: string;
}

export interface RowReplicationOptions {
  readonly db: SealDatabase;
  readonly book: LocalBook;
  readonly client: SyncClient;
  readonly status: SyncStatus;
  readonly now: () => number;
  /** Rows per pull request (default 200). */
  readonly pullBatchSize?: number;
  /** Rows per push request (default 100). */
  readonly pushBatchSize?: number;
  /** Wait before retrying a failed request, ms (default 5 s; skipped when the browser comes back online). */
  readonly retryTimeMs?: number;
  /** Called once when the server answers signed out (or another person's session): syncing stops until `resume`. */
  readonly onSignedOut?: (error: ApiError) => void;
}

/** The running replication of `rows`. */
export interface RowReplication {
  readonly state: RxReplicationState<RowDoc, RowCheckpoint>;
  /** Pull now (and push what waits): what a live-stream hint triggers. Does nothing new while stopped as signed out. */
  resync(): void;
  /** Syncs again after the server answered signed out (a new sign-in), then pulls and pushes now. */
  resume(): void;
  /** Why syncing stopped, if the server answered signed out; `undefined` while it runs. */
  readonly signedOut: ApiError | undefined;
  /** Resolves once everything local went up and everything in scope came down; rejects if syncing stops as signed out. */
  awaitInSync(): Promise<void>;
  cancel(): Promise<void>;
}

/** How often a request in the middle of a multi-request pull is tried before the pull gives up. */
const MIDWAY_ATTEMPTS = 3;

/**
 * The rows this replica holds in units that left its scope, as deletions from the server's side
 * (RxDB removes them without pushing anything). Kept: the user's own rows still waiting to go up
 * (they go up and the server judges them under today's grants: accepted, or refused and kept with
 * the reason), rows refused already (the user's record of what was not accepted), and rows this
 * very pull brought.
 */
async function rowsLeavingScope(db: SealDatabase, book: LocalBook, units: readonly string[], pulled: ReadonlySet<string>): Promise<WithDeleted<RowDoc>[]> {
  if (units.length === 0) return [];
  const held = (await db.rows.find({ selector: { scopeUnitId: { $in: [...units] } } }).exec()).map((doc) => asRow(doc.toJSON()));
  const waiting = new Set(await book.waitingAmong(held.map((row) => row.id)));
  const refusals = await book.refusalsOf(held.map((row) => row.id));
  return held
    .filter((row) => !pulled.has(row.id) && !waiting.has(row.id) && !isRefusedRow(row, refusals.get(row.id)))
    .map((row) => ({ ...row, _deleted: true }));
}

/** What the push and pull handlers share. */
interface ReplicationContext extends RowReplicationOptions {
  readonly gate: SignedOutGate;
  readonly catchUp: CatchUp;
  /** Asks RxDB to pull again (a live-stream hint). */
  readonly hints: Subject<RxReplicationPullStreamItem<RowDoc, RowCheckpoint>>;
}

/**
 * Push answers: `accepted` and `duplicate` leave the outbox; `refused` rows are kept, with their
 * reason, in `refusals`; a `duplicate` whose stored copy differs (another replica recorded the
 * same fact first) replaces the local copy — the server's wins.
 */
function pushHandlerFor({ db, book, client, status, gate }: ReplicationContext) {
  const pushInOrder = pushesInOrder(client);
  return async (rows: RxReplicationWriteToMasterRow<RowDoc>[]): Promise<WithDeleted<RowDoc>[]> => {
    gate.refuseWhileSignedOut();
    const sentIn = gate.epoch;
    const sent = rows.map((r) => asRow(r.newDocumentState));
    let response;
    try {
      response = await pushInOrder(sent);
    } catch (error) {
      return gate.check(error, sentIn);
    }
    const answered: string[] = [];
    const refusals: Refusal[] = [];
    const serverCopies: RowDoc[] = [];
    const byId = new Map(sent.map((row) => [row.id, row]));
    response.results.forEach((result: PushResult) => {
      answered.push(result.id);
      if (result.status === 'refused') {
        const row = byId.get(result.id);
        if (row) refusals.push({ code: result.code, message: result.message, row });
      } else if (result.status === 'duplicate' && result.stored) {
        serverCopies.push(result.stored);
      }
    });
    if (refusals.length > 0) await book.putRefusals(refusals);
    // Another replica recorded the same fact first: the server's copy is the row, here too. It is
    // written as a local edit rather than returned as an RxDB conflict (whose resolution RxDB drops
    // when the local document moved meanwhile); it goes up once more and comes back `duplicate`.
    if (serverCopies.length > 0) await db.rows.bulkUpsert(serverCopies);
    await book.removeFromOutbox(answered);
    status.update({ connection: 'online', lastError: null });
    return [];
  };
}

/**
 * RxDB takes a short batch as "caught up": when the server stopped scanning early (`more`: its
 * scan cap, or the end of a back-fill of units newly in scope), ask again from where it stopped
 * until the batch is full or the feed ends — and hand RxDB every row of every answer with the last
 * checkpoint. A request in the middle of a pull is asked again a few times before the pull gives
 * up: RxDB keeps no checkpoint from a batch without rows, so a pull that scanned far without
 * finding any would otherwise start over, and a link failing every few requests would never get
 * past it.
 */
async function pullUntilFull(context: ReplicationContext, since: string | undefined, batchSize: number) {
  const pause = Math.min(context.retryTimeMs ?? 5000, 1000);
  const again = { initialDelayMs: pause, maxDelayMs: pause, factor: 1, retryIf: (error: unknown) => !isReplicaHaltError(error) };
  let response: PullResponse | undefined;
  const rows: PullResponse['rows'][number][] = [];
  const left = new Set<string>();
  let failure: { readonly error: unknown } | undefined;
  try {
    do {
      const from = since;
      response = await retry(() => context.client.pull(from, batchSize - rows.length), { ...again, attempts: response === undefined ? 1 : MIDWAY_ATTEMPTS });
      // Units that left the scope since an earlier answer of this pull: what that answer brought
      // of them is not handed to RxDB (it would stay, the next checkpoint no longer naming them).
      const leaving = new Set(response.left ?? []);
      if (leaving.size > 0) rows.splice(0, rows.length, ...rows.filter((row) => !leaving.has(row.scopeUnitId)));
      rows.push(...response.rows);
      leaving.forEach((unit) => left.add(unit));
      since = response.checkpoint;
    } while (response.more && rows.length < batchSize);
  } catch (error) {
    failure = { error };
  }
  return { response, rows, left, failure };
}

/** Notes what a pull came to in the status (and keeps the time of the last complete sync). */
function notePull({ db, book, status, now }: ReplicationContext, response: PullResponse, pulled: number, caughtUp: boolean): void {
  const previous = status.get().catchUp;
  status.update({
    connection: 'online',
    lastError: null,
    catchUp: caughtUp ? null : { pulled: (previous?.pulled ?? 0) + pulled, remaining: response.remaining },
    ...(caughtUp ? { lastSyncAt: now() } : {}),
  });
  // Not awaited (the pull answers RxDB at once): a pull that ends as the user signs out finds the
  // store closed, and a lost "last synced" time is all that is lost then — never an unhandled error.
  if (caughtUp) book.setState('lastSyncAt', now()).catch((error: unknown) => {
    if (!db.closed) console.warn('Could not keep the time of the last sync', error);
  });
}

function pullHandlerFor(context: ReplicationContext) {
  const { db, book, status, gate, catchUp, hints } = context;
  return async (checkpoint: RowCheckpoint | undefined, batchSize: number) => {
    gate.refuseWhileSignedOut();
    const sentIn = gate.epoch;
    const { response, rows, left, failure } = await pullUntilFull(context, checkpoint?.seq, batchSize);
    // A request failing half-way: what the answers so far brought is kept with their checkpoint
    // (RxDB persists both together), and the pull goes on from there at once — never from the
    // start again, which a link that keeps failing every few requests would never get past.
    // Nothing came yet: RxDB retries from the checkpoint it holds.
    if (response === undefined || (failure !== undefined && isReplicaHaltError(failure.error))) return gate.check(failure?.error, sentIn);
    if (failure !== undefined) {
      const { error } = failure;
      catchUp.behind = true;
      status.update({ lastError: error instanceof Error ? error.message : String(error) });
      setTimeout(() => hints.next('RESYNC'), 0);
    }
    if (!response.more) catchUp.settle();
    // A row the server sent is on the server. If this replica was still waiting to push a row of
    // that id (it recorded the same fact, e.g. the same content-addressed grant, and the server's
    // copy came down first), RxDB sees nothing left to push and would never answer it: it would
    // count as "waiting to sync" for ever.
    // One read of just these ids, not the whole outbox (which, while a backlog goes up, is long).
    if (rows.length > 0) await book.removeFromOutbox(await book.waitingAmong(rows.map((row) => row.id)));
    const removed = await rowsLeavingScope(db, book, [...left], new Set(rows.map((row) => row.id)));
    notePull(context, response, rows.length, !response.more && !catchUp.behind);
    const documents: WithDeleted<RowDoc>[] = [...rows.map((row) => ({ ...row, _deleted: false })), ...removed];
    return { checkpoint: { seq: response.checkpoint }, documents };
  };
}

/**
 * Replicates `rows` with the sync-server through RxDB: checkpointed pull (the checkpoint is
 * persisted by RxDB, so a restart resumes where it stopped), batched push (retried until answered;
 * the server is idempotent, so a retry never duplicates), and a live `stream$` of RESYNC hints.
 *
 * Push answers: `accepted` and `duplicate` leave the outbox; `refused` rows are kept, with their
 * reason, in `refusals` (they drop out of projections and the status lists them); a `duplicate`
 * whose stored copy differs (another replica recorded the same fact first) replaces the local
 * copy — the server's wins — so every replica ends with the same row.
 */
export function startRowReplication(options: RowReplicationOptions): RowReplication {
  const { db, client, status } = options;
  const context: ReplicationContext = {
    ...options,
    gate: new SignedOutGate(status, options.onSignedOut),
    catchUp: new CatchUp(),
    hints: new Subject<RxReplicationPullStreamItem<RowDoc, RowCheckpoint>>(),
  };
  const { gate, catchUp, hints } = context;
  const state = replicateRxCollection<RowDoc, RowCheckpoint>({
    collection: db.rows,
    replicationIdentifier: `rows-v1@${client.baseUrl || 'same-origin'}`,
    live: true,
    retryTime: options.retryTimeMs ?? 5000,
    waitForLeadership: false,
    autoStart: true,
    pull: { batchSize: options.pullBatchSize ?? 200, handler: pullHandlerFor(context), stream$: hints.asObservable() },
    push: { batchSize: options.pushBatchSize ?? 100, handler: pushHandlerFor(context) },
  });

  return {
    state,
    resync: () => hints.next('RESYNC'),
    resume: () => {
      gate.resume();
      status.update({ lastError: null });
      hints.next('RESYNC');
      state.reSync();
    },
    get signedOut() {
      return gate.signedOut;
    },
    awaitInSync: () => {
      if (gate.signedOut) return Promise.reject(gate.signedOut);
      const inSync = async (): Promise<void> => {
        await state.awaitInSync();
        while (catchUp.behind) {
          await catchUp.reachedEnd();
          await state.awaitInSync();
        }
      };
      return Promise.race([inSync(), gate.halted()]);
    },
    cancel: async () => {
      hints.complete();
      await state.cancel();
    },
  };
}
