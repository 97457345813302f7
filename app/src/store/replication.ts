import type { Refusal, SealDatabase } from './collections';
import { HeldUnits } from './heldUnits';
import { isOutboxEntry, type LocalBook } from './localBook';
import { Loop, SignedOutGate } from './replicationParts';
import { pullPass } from './replicationPull';
import { pushPass } from './replicationPush';
import type { ApiError } from '../api/ApiError';
import type { SyncClient } from './syncClient';
import type { SyncStatus } from './syncStatus';

/** How long a start's first push waits at most for its first pull to be answered. */
const FIRST_PULL_HOLD_MS = 3_000;

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
  /** Called with each push answer's refusals once they are kept (before the pass goes on): moves refused for their date are made again there. */
  readonly afterRefusals?: (refusals: readonly Refusal[]) => Promise<unknown>;
}

/** The running replication of `rows`. */
export interface RowReplication {
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

/**
 * Replicates `rows` with the sync-server, a batch at a time and in bulk (no bookkeeping per row
 * beyond the outbox entry each row made here carries until answered):
 *
 * - **Push**: the outbox, in the order rows were made, a batch per request, one request at a
 *   time (the server judges each row against what it holds: a seal's creation must be judged
 *   before its first lifecycle fact, ADR 003). While a batch is on its way the next one is read.
 *   `accepted` and `duplicate` leave the outbox; `refused` rows are kept with their reason in
 *   `refusals`; a `duplicate` whose stored copy differs replaces the local copy — the server's wins.
 *   A batch that fails stops the pass: it and everything after it go up again, in order.
 * - **Pull**: from the checkpoint kept in the book, answer after answer until the server says the
 *   feed ends; each answer's rows are written in one write and the checkpoint kept after them (a
 *   restart resumes there, never from the start); the next request is on its way while an answer
 *   is written. Units that left the scope (`left`) lose their rows here; once the pull ends, so do
 *   the units noted as held outside the scope it names (`scope`). A pulled row still waiting here
 *   leaves the outbox (it is on the server), unless it is another fact under that id (another
 *   body: `sameIdentity`): that one goes up first, to be judged, and the server's copy takes its
 *   place after (`serverCopies`).
 */
export function startRowReplication(options: RowReplicationOptions): RowReplication {
  const { db, book, client, status } = options;
  const gate = new SignedOutGate(status, options.onSignedOut);
  const retryMs = options.retryTimeMs ?? 5000;
  const checkpointName = `rowsCheckpoint@${client.baseUrl || 'same-origin'}`;
  const shut = () => gate.signedOut !== undefined;

  let cancelled = false;
  const held = new HeldUnits(db, book, `${checkpointName}:units`);
  const { ready } = held;
  // A start asks the server before it sends: a fresh replica's first pull is answered before its
  // own rows arrive (a back-fill made while a push streams rows in waits for the store's index to
  // index them: 17 s for 10,000 rows in the browser bench). Held until the first pull request
  // settled, however it did, and never longer than a few seconds.
  let firstPullSettled: () => void = () => undefined;
  const pulledFirst = new Promise<void>((resolve) => {
    const hold = setTimeout(resolve, FIRST_PULL_HOLD_MS);
    firstPullSettled = () => {
      clearTimeout(hold);
      resolve();
    };
  });
  const context = { db, book, client, status, gate, held, now: options.now, retryMs, stopped: () => cancelled, ...(options.afterRefusals ? { afterRefusals: options.afterRefusals } : {}) };
  const push: Loop = new Loop(pushPass({ ...context, ready: ready.then(() => pulledFirst), batchSize: options.pushBatchSize ?? 100 }), retryMs, shut);
  // Cancelling gives up a pull pass still waiting for another tab's (see `pullPass`).
  const giveUp = new AbortController();
  const pull: Loop = new Loop(pullPass({ ...context, ready, onAnswer: firstPullSettled, batchSize: options.pullBatchSize ?? 200 }, checkpointName, giveUp.signal), retryMs, shut);
  const halted = () => {
    push.release();
    pull.release();
  };
  // Rows made here go up as they are recorded: asked by the outbox entry, and by the row's own
  // write (the entry is written first, and a pass that read it before the row waits for it).
  const outboxGrows = db.local.insert$.subscribe((event) => {
    if (isOutboxEntry(event.documentData)) push.nudge();
  });
  const rowsWritten = db.rows.insert$.subscribe(() => push.nudge());
  const online = () => {
    push.request();
    pull.request();
  };
  globalThis.addEventListener?.('online', online);
  online();
  let stopping: () => void = () => undefined;
  const stoppedSyncing = new Promise<never>((_, reject) => {
    stopping = () => reject(new Error('syncing stopped before everything was in sync'));
  });
  stoppedSyncing.catch(() => undefined);

  return {
    resync: online,
    resume: () => {
      gate.resume();
      status.update({ lastError: null });
      online();
    },
    get signedOut() {
      return gate.signedOut;
    },
    awaitInSync: () => {
      if (gate.signedOut) return Promise.reject(gate.signedOut);
      if (cancelled) return Promise.reject(new Error('syncing stopped'));
      const stopped = gate.halted();
      stopped.catch(halted);
      const inSync = async (): Promise<void> => {
        push.nudge();
        for (;;) {
          await Promise.all([push.whenIdle(), pull.whenIdle()]);
          if (gate.signedOut) throw gate.signedOut;
          if (cancelled) throw new Error('syncing stopped before everything was in sync');
          const waiting = (await book.outboxInOrder()).length;
          if (push.idle && pull.idle && pull.completed && waiting === 0) return;
          if (!pull.completed && pull.idle) pull.request();
          // Rows still waiting: a pass will come (their rows' writes ask for it); look again shortly.
          if (waiting > 0) await new Promise((resolve) => setTimeout(resolve, 50));
          push.nudge();
        }
      };
      return Promise.race([inSync(), stopped, stoppedSyncing]);
    },
    cancel: async () => {
      cancelled = true;
      giveUp.abort();
      stopping();
      firstPullSettled();
      outboxGrows.unsubscribe();
      rowsWritten.unsubscribe();
      globalThis.removeEventListener?.('online', online);
      await Promise.all([push.stop(), pull.stop()]);
    },
  };
}
