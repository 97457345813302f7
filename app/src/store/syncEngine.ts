import { openHintStream } from './eventStream';
import type { OpenedLocalStore } from './localStore';
import { startRowReplication, type RowReplication } from './replication';
import type { ApiError } from '../api/ApiError';
import { MoveRemaker } from './remakeMoves';
import { SyncClient, type SyncTransport } from './syncClient';

export interface SyncOptions extends SyncTransport {
  /** Listen to the server's live stream of hints (default true). */
  readonly live?: boolean;
  readonly pullBatchSize?: number;
  readonly pushBatchSize?: number;
  readonly retryTimeMs?: number;
  /** Called when the server answers signed out, or that the session is another person's: syncing stops until `resume`. */
  readonly onSignedOut?: (error: ApiError) => void;
}

/** A local store's running sync with one server: rows, hints, attachment bytes. */
export interface SyncEngine {
  readonly client: SyncClient;
  readonly replication: RowReplication;
  /** Push and pull now. */
  syncNow(): void;
  /** Syncs again after it stopped as signed out (this store's user signed in again). */
  resume(): void;
  /** Resolves once everything local went up, everything in scope came down and is projected. */
  awaitInSync(): Promise<void>;
  /** Uploads the attachment bytes that can go now. */
  drainAttachments(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts syncing a local store: the RxDB replication of `rows`, the live hint stream (a hint, or
 * a reconnect, triggers a pull from the checkpoint), and the attachment queue.
 */
export function startSync(store: OpenedLocalStore, options: SyncOptions): SyncEngine {
  // Every request names the store's user: a session of anyone else is refused, never used. Its
  // push and pull answers teach the store's clock the server's (`serverTime`).
  const client = new SyncClient(options, store.replicaId, store.userId, store.clock);
  // Lifecycle moves refused for a date this device's fast clock gave them are made again, dated
  // by the corrected clock: after the answer that refused them, and whenever the correction
  // changes (at start too: a pass a crash cut short).
  const remaker = new MoveRemaker({ db: store.db, book: store.book, facts: store.facts, clock: store.clock, userId: store.userId });
  const remake = () => remaker.run().catch(() => 0);
  const unwatchClock = store.clock.subscribe(() => void remake());
  const replication = startRowReplication({
    afterRefusals: (refusals) => (refusals.some((refusal) => refusal.code === 'future_time') ? remake() : Promise.resolve(0)),
    // The book's clock (the device's): replication's ages are the outbox's, and compared with them.
    db: store.db, book: store.book, client, status: store.status, now: store.book.now,
    ...(options.pullBatchSize ? { pullBatchSize: options.pullBatchSize } : {}),
    ...(options.pushBatchSize ? { pushBatchSize: options.pushBatchSize } : {}),
    ...(options.retryTimeMs ? { retryTimeMs: options.retryTimeMs } : {}),
    ...(options.onSignedOut ? { onSignedOut: options.onSignedOut } : {}),
  });
  const closeStream = options.live === false ? () => undefined : openHintStream(client, {
    onReady: () => replication.resync(),
    onChanges: () => replication.resync(),
    onDrop: () => undefined,
  });
  store.attachments.start(client, store.status, options.retryTimeMs);
  return {
    client,
    replication,
    syncNow: () => replication.resync(),
    resume: () => replication.resume(),
    async awaitInSync() {
      await replication.awaitInSync();
      await store.whenProjected();
    },
    drainAttachments: () => store.attachments.drain(client, store.status),
    async stop() {
      closeStream();
      unwatchClock();
      store.attachments.stop();
      await replication.cancel();
      await remaker.whenIdle();
    },
  };
}
