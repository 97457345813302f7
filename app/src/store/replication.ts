import { Subject } from 'rxjs';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { RxReplicationPullStreamItem, RxReplicationWriteToMasterRow, WithDeleted } from 'rxdb';
import type { PullResponse, PushResult } from '@seal/shared';
import type { Refusal, RowDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { asRow } from './rowCodec';
import { SyncHttpError, type SyncClient } from './syncClient';
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
}

/** The running replication of `rows`. */
export interface RowReplication {
  readonly state: RxReplicationState<RowDoc, RowCheckpoint>;
  /** Pull now (and push what waits): what a live-stream hint or "sync now" triggers. */
  resync(): void;
  /** Resolves once everything local went up and everything in scope came down. */
  awaitInSync(): Promise<void>;
  cancel(): Promise<void>;
}

/** Notes a failed request in the status and rethrows it (RxDB retries). */
function failed(status: SyncStatus, error: unknown): never {
  const connection = error instanceof SyncHttpError && error.code === 'unauthenticated' ? 'signed_out' : error instanceof SyncHttpError && error.code === 'network' ? 'offline' : status.get().connection;
  status.update({ connection, lastError: error instanceof Error ? error.message : String(error) });
  throw error;
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

  // One push request at a time, in the order RxDB hands the batches over. RxDB sends a backlog's
  // batches in parallel; a device's log must reach the server in seq order, or a later batch
  // stored first looks like a gap in it (the server waits a little, then raises `log_gap`).
  // A batch queued behind one that fails is not sent either: it fails too, and RxDB retries them
  // all, so a later batch never lands before an earlier one's retry.
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
    const sent = rows.map((r) => asRow(r.newDocumentState));
    let response;
    try {
      response = await pushInOrder(sent);
    } catch (error) {
      failed(status, error);
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

  const pullHandler = async (checkpoint: RowCheckpoint | undefined, batchSize: number) => {
    // RxDB takes a short batch as "caught up": when the server stopped scanning early (`more`),
    // ask again from where it stopped until the batch is full or the feed ends.
    let response;
    const rows: PullResponse['rows'][number][] = [];
    let seq = checkpoint?.seq;
    try {
      do {
        response = await client.pull(seq, batchSize - rows.length);
        rows.push(...response.rows);
        seq = response.checkpoint;
      } while (response.more && rows.length < batchSize);
    } catch (error) {
      failed(status, error);
    }
    // A row the server sent is on the server. If this replica was still waiting to push a row of
    // that id (it recorded the same fact, e.g. the same content-addressed grant, and the server's
    // copy came down first), RxDB sees nothing left to push and would never answer it: it would
    // count as "waiting to sync" for ever.
    if (rows.length > 0) {
      const waiting = new Set(await book.outboxIds());
      await book.removeFromOutbox(rows.map((row) => row.id).filter((id) => waiting.has(id)));
    }
    const caughtUp = rows.length < batchSize;
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
    return { checkpoint: { seq: response.checkpoint }, documents: response.rows.map((row) => ({ ...row, _deleted: false })) };
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
    awaitInSync: () => state.awaitInSync().then(() => undefined),
    cancel: async () => {
      hints.complete();
      await state.cancel();
    },
  };
}
