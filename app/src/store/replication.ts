import { Subject } from 'rxjs';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { RxReplicationPullStreamItem, RxReplicationWriteToMasterRow, WithDeleted } from 'rxdb';
import type { PullResponse, PushResult } from '@seal/shared';
import type { Refusal, RowDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { asRow, isRefusedRow } from './rowCodec';
import { isReplicaHaltError, isUnreachableError, type ApiError } from '../api/ApiError';
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

/** Notes a failed request in the status and rethrows it (RxDB retries). */
function failed(status: SyncStatus, error: unknown): never {
  const connection = isReplicaHaltError(error) ? 'signed_out' : isUnreachableError(error) ? 'offline' : status.get().connection;
  const signedOutCode = isReplicaHaltError(error) ? error.code : undefined;
  status.update({ connection, signedOutCode, lastError: error instanceof Error ? error.message : String(error) });
  throw error;
}

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
  const waiting = new Set(await book.outboxIds());
  const refusals = await book.refusalsOf(held.map((row) => row.id));
  return held
    .filter((row) => !pulled.has(row.id) && !waiting.has(row.id) && !isRefusedRow(row, refusals.get(row.id)))
    .map((row) => ({ ...row, _deleted: true }));
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
  const { db, book, client, status, now } = options;
  const pullBatchSize = options.pullBatchSize ?? 200;
  const hints = new Subject<RxReplicationPullStreamItem<RowDoc, RowCheckpoint>>();

  // Signed out, or the session became another person's (another tab signed in): no request goes
  // out until `resume` — nothing pulled into this person's store, nothing of theirs pushed under
  // someone else's name, the outbox left as it is, no refusal recorded. RxDB's retries find the
  // handlers refusing at once, without touching the network.
  let signedOut: ApiError | undefined;
  const onHalt: ((error: ApiError) => void)[] = [];
  // Bumped by `resume`: a request sent before a sign-in whose 401 arrives after it must not stop
  // the sync that sign-in resumed.
  let epoch = 0;
  const check: (error: unknown, sentIn: number) => never = (error, sentIn) => {
    if (isReplicaHaltError(error) && signedOut === undefined && sentIn === epoch) {
      signedOut = error;
      onHalt.splice(0).forEach((reject) => reject(error));
      options.onSignedOut?.(error);
    }
    return failed(status, error);
  };
  const refuseWhileSignedOut = (): void => {
    if (signedOut) throw signedOut;
  };

  // A pull cut short by a failed request (see the pull handler) hands RxDB a short batch, which
  // RxDB takes for "caught up": until a pull reaches the end of the feed, this replica knows it is not.
  let behind = false;
  const waitingForEnd: (() => void)[] = [];
  const settle = (): void => {
    behind = false;
    waitingForEnd.splice(0).forEach((resolve) => resolve());
  };
  const reachedEnd = (): Promise<void> => (behind ? new Promise((resolve) => waitingForEnd.push(resolve)) : Promise.resolve());

  // One push request at a time, in the order RxDB hands the batches over. RxDB sends a backlog's
  // batches in parallel; the server judges each row against what it holds, so a row judged before
  // one it depends on (a seal's creation before its first lifecycle fact: ADR 003) would be
  // refused. A batch queued behind one that fails is not sent either: it fails too, and RxDB
  // retries them all, so a later batch never lands before an earlier one's retry. (The device-log
  // audit does not rely on this: RxDB hands a backlog over in its own order, not in seq order,
  // and the server resolves a gap alarm whenever the missing entries arrive.)
  let pushing: Promise<unknown> = Promise.resolve();
  let failures = 0;
  const pushInOrder = (sent: RowDoc[]) => {
    const queuedAt = failures;
    const run = pushing.then(() => {
      if (failures !== queuedAt) throw new TypeError('an earlier batch failed to go up: this one goes up after it, in order');
      return client.push(sent);
    });
    pushing = run.then(() => undefined, () => {
      if (failures === queuedAt) failures++;
    });
    return run;
  };

  const pushHandler = async (rows: RxReplicationWriteToMasterRow<RowDoc>[]): Promise<WithDeleted<RowDoc>[]> => {
    refuseWhileSignedOut();
    const sentIn = epoch;
    const sent = rows.map((r) => asRow(r.newDocumentState));
    let response;
    try {
      response = await pushInOrder(sent);
    } catch (error) {
      check(error, sentIn);
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

  // A request in the middle of a pull is asked again a few times before the pull gives up: RxDB
  // keeps no checkpoint from a batch without rows, so a pull that scanned far without finding any
  // would otherwise start over, and a link failing every few requests would never get past it.
  const pullAgainOnFailure = async (since: string | undefined, limit: number, midway: boolean): Promise<PullResponse> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.pull(since, limit);
      } catch (error) {
        if (!midway || attempt >= MIDWAY_ATTEMPTS || isReplicaHaltError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(options.retryTimeMs ?? 5000, 1000)));
      }
    }
  };

  const pullHandler = async (checkpoint: RowCheckpoint | undefined, batchSize: number) => {
    refuseWhileSignedOut();
    const sentIn = epoch;
    // RxDB takes a short batch as "caught up": when the server stopped scanning early (`more`:
    // its scan cap, or the end of a back-fill of units newly in scope), ask again from where it
    // stopped until the batch is full or the feed ends — and hand RxDB every row of every answer
    // with the last checkpoint.
    let response: PullResponse | undefined;
    const rows: PullResponse['rows'][number][] = [];
    const left = new Set<string>();
    let since = checkpoint?.seq;
    try {
      do {
        response = await pullAgainOnFailure(since, batchSize - rows.length, response !== undefined);
        // Units that left the scope since an earlier answer of this pull: what that answer brought
        // of them is not handed to RxDB (it would stay, the next checkpoint no longer naming them).
        const leaving = new Set(response.left ?? []);
        if (leaving.size > 0) rows.splice(0, rows.length, ...rows.filter((row) => !leaving.has(row.scopeUnitId)));
        rows.push(...response.rows);
        leaving.forEach((unit) => left.add(unit));
        since = response.checkpoint;
      } while (response.more && rows.length < batchSize);
    } catch (error) {
      // A request failing half-way: what the answers so far brought is kept with their checkpoint
      // (RxDB persists both together), and the pull goes on from there at once — never from the
      // start again, which a link that keeps failing every few requests would never get past.
      // Nothing came yet: RxDB retries from the checkpoint it holds.
      if (response === undefined || isReplicaHaltError(error)) check(error, sentIn);
      behind = true;
      status.update({ lastError: error instanceof Error ? error.message : String(error) });
      setTimeout(() => hints.next('RESYNC'), 0);
    }
    if (!response.more) settle();
    // A row the server sent is on the server. If this replica was still waiting to push a row of
    // that id (it recorded the same fact, e.g. the same content-addressed grant, and the server's
    // copy came down first), RxDB sees nothing left to push and would never answer it: it would
    // count as "waiting to sync" for ever.
    if (rows.length > 0) {
      const waiting = new Set(await book.outboxIds());
      await book.removeFromOutbox(rows.map((row) => row.id).filter((id) => waiting.has(id)));
    }
    const removed = await rowsLeavingScope(db, book, [...left], new Set(rows.map((row) => row.id)));
    const caughtUp = !response.more && !behind;
    const previous = status.get().catchUp;
    status.update({
      connection: 'online',
      lastError: null,
      catchUp: caughtUp ? null : { pulled: (previous?.pulled ?? 0) + rows.length, remaining: response.remaining },
      ...(caughtUp ? { lastSyncAt: now() } : {}),
    });
    // Not awaited (the pull answers RxDB at once): a pull that ends as the user signs out finds the
    // store closed, and a lost "last synced" time is all that is lost then — never an unhandled error.
    if (caughtUp) book.setState('lastSyncAt', now()).catch((error: unknown) => {
      if (!db.closed) console.warn('Could not keep the time of the last sync', error);
    });
    const documents: WithDeleted<RowDoc>[] = [...rows.map((row) => ({ ...row, _deleted: false })), ...removed];
    return { checkpoint: { seq: response.checkpoint }, documents };
  };

  const state = replicateRxCollection<RowDoc, RowCheckpoint>({
    collection: db.rows,
    replicationIdentifier: `rows-v1@${client.baseUrl || 'same-origin'}`,
    live: true,
    retryTime: options.retryTimeMs ?? 5000,
    waitForLeadership: false,
    autoStart: true,
    pull: { batchSize: pullBatchSize, handler: pullHandler, stream$: hints.asObservable() },
    push: { batchSize: options.pushBatchSize ?? 100, handler: pushHandler },
  });

  return {
    state,
    resync: () => hints.next('RESYNC'),
    resume: () => {
      signedOut = undefined;
      epoch++;
      status.update({ lastError: null });
      hints.next('RESYNC');
      state.reSync();
    },
    get signedOut() {
      return signedOut;
    },
    awaitInSync: () => {
      if (signedOut) return Promise.reject(signedOut);
      const halted = new Promise<never>((_, reject) => onHalt.push(reject));
      halted.catch(() => undefined);
      const inSync = async (): Promise<void> => {
        await state.awaitInSync();
        while (behind) {
          await reachedEnd();
          await state.awaitInSync();
        }
      };
      return Promise.race([inSync(), halted]);
    },
    cancel: async () => {
      hints.complete();
      await state.cancel();
    },
  };
}
