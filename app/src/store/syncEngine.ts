import { openHintStream } from './eventStream';
import type { LocalStore } from './localStore';
import { startRowReplication, type RowReplication } from './replication';
import { SyncClient, type SyncTransport } from './syncClient';

export interface SyncOptions extends SyncTransport {
  /** Listen to the server's live stream of hints (default true). */
  readonly live?: boolean;
  readonly pullBatchSize?: number;
  readonly pushBatchSize?: number;
  readonly retryTimeMs?: number;
}

/** A local store's running sync with one server: rows, hints, attachment bytes. */
export interface SyncEngine {
  readonly client: SyncClient;
  readonly replication: RowReplication;
  /** Push and pull now. */
  syncNow(): void;
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
export function startSync(store: LocalStore, options: SyncOptions): SyncEngine {
  const client = new SyncClient(options, store.replicaId);
  const replication = startRowReplication({
    db: store.db, book: store.book, client, status: store.status, now: store.now,
    ...(options.pullBatchSize ? { pullBatchSize: options.pullBatchSize } : {}),
    ...(options.pushBatchSize ? { pushBatchSize: options.pushBatchSize } : {}),
    ...(options.retryTimeMs ? { retryTimeMs: options.retryTimeMs } : {}),
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
    async awaitInSync() {
      await replication.awaitInSync();
      await store.whenProjected();
    },
    drainAttachments: () => store.attachments.drain(client, store.status),
    async stop() {
      closeStream();
      store.attachments.stop();
      await replication.cancel();
    },
  };
}
