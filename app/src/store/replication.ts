import { filter } from 'rxjs';
import type { PushResult } from '@seal/shared';
import type { LocalDoc, Refusal, RowDoc } from './collections';
import { CatchUp, Loop, SignedOutGate, type RowReplicationOptions } from './replicationParts';
import { pullToEnd, type ReplicationContext } from './replicationPull';
import { asRow } from './rowCodec';
import type { ApiError } from '../api/ApiError';

export type { RowReplicationOptions } from './replicationParts';

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
 * The rows waiting to go up, in the order they were written here (RxDB's write order, which a
 * row's dependencies precede: a seal's creation before its first lifecycle move). The outbox
 * says what waits; the rows are read in one go, not per batch.
 */
async function waitingRows({ db, book }: ReplicationContext): Promise<RowDoc[]> {
  const ids = await book.outboxIds();
  if (ids.length === 0) return [];
  const docs = await db.rows.findByIds(ids).exec();
  const placed = [...docs.values()].map((doc) => {
    const data = doc.toJSON(true) as unknown as { _meta?: { lwt?: number } };
    return { row: asRow(doc.toJSON()), lwt: data._meta?.lwt ?? 0 };
  });
  placed.sort((a, b) => a.lwt - b.lwt || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
  // An entry whose row is not written yet (the outbox is written first) goes up once it is: the
  // row's write kicks the push again. One left by a crash between the two writes is swept at open.
  return placed.map((p) => p.row);
}

/**
 * Push answers: `accepted` and `duplicate` leave the outbox; `refused` rows are kept, with their
 * reason, in `refusals`; a `duplicate` whose stored copy differs (another replica recorded the
 * same fact first) replaces the local copy — the server's wins (it is not in the outbox, so it
 * does not go up again).
 */
async function noteAnswers({ db, book }: ReplicationContext, sent: readonly RowDoc[], results: readonly PushResult[]): Promise<void> {
  const answered: string[] = [];
  const refusals: Refusal[] = [];
  const serverCopies: RowDoc[] = [];
  const byId = new Map(sent.map((row) => [row.id, row]));
  for (const result of results) {
    answered.push(result.id);
    if (result.status === 'refused') {
      const row = byId.get(result.id);
      if (row) refusals.push({ code: result.code, message: result.message, row });
    } else if (result.status === 'duplicate' && result.stored) {
      serverCopies.push(result.stored);
    }
  }
  if (refusals.length > 0) await book.putRefusals(refusals);
  if (serverCopies.length > 0) await db.rows.bulkUpsert(serverCopies);
  // Only once the refusals and copies are kept: a crash before this pushes the batch again, and
  // its rows come back as duplicates.
  await book.removeFromOutbox(answered);
}

/**
 * Pushes what waits, in write order, one batch at a time (the server judges each row against
 * what it holds, so a later batch never goes before an earlier one is answered), with the
 * bookkeeping of each answered batch (outbox, refusals) overlapping the upload of the next.
 * Stops at the first failure: everything unanswered stays in the outbox and goes up on the retry.
 */
async function pushWaiting(context: ReplicationContext, loop: Loop): Promise<boolean> {
  const { client, status, gate } = context;
  if (gate.signedOut) return true;
  const rows = await waitingRows(context);
  const size = context.pushBatchSize ?? 100;
  let bookkeeping: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < rows.length && !loop.stopped; i += size) {
      const sent = rows.slice(i, i + size);
      const sentIn = gate.epoch;
      let response;
      try {
        response = await client.push(sent);
      } catch (error) {
        await bookkeeping;
        try {
          gate.check(error, sentIn);
        } catch {
          // Noted in the status; the loop retries.
        }
        return gate.signedOut !== undefined;
      }
      await bookkeeping;
      if (loop.stopped) return true;
      bookkeeping = noteAnswers(context, sent, response.results);
      status.update({ connection: 'online', lastError: null });
    }
  } finally {
    await bookkeeping.catch(() => undefined);
  }
  await bookkeeping;
  return true;
}

/**
 * Replicates `rows` with the sync-server. Rows are immutable and go up in the order they were
 * written, so the bookkeeping is per batch, not per row:
 *
 * - push: the outbox says what waits; its rows are read in one go and go up in batches, one
 *   request at a time, each answered batch leaving the outbox in one write while the next
 *   uploads. A crash or kill at any point leaves every unanswered row in the outbox (it went
 *   in before the row was written); a batch pushed again comes back `duplicate` (the server is
 *   idempotent), so nothing is lost and nothing stored twice.
 * - pull: the server's checkpoint, kept in the local book after each page's rows are written,
 *   so a restart resumes where it stopped; the next page is fetched while one is written.
 *
 * Push answers: `accepted` and `duplicate` leave the outbox; `refused` rows are kept, with their
 * reason, in `refusals` (they drop out of projections and the status lists them); a `duplicate`
 * whose stored copy differs (another replica recorded the same fact first) replaces the local
 * copy — the server's wins — so every replica ends with the same row.
 */
export function startRowReplication(options: RowReplicationOptions): RowReplication {
  const { book, status } = options;
  const context: ReplicationContext = {
    ...options,
    gate: new SignedOutGate(status, options.onSignedOut),
    catchUp: new CatchUp(),
  };
  const { gate, catchUp } = context;
  const retryTimeMs = options.retryTimeMs ?? 5000;
  const push: Loop = new Loop(() => pushWaiting(context, push), retryTimeMs);
  const pull: Loop = new Loop(() => pullToEnd(context, pull), retryTimeMs);
  const kick = () => {
    push.kick();
    pull.kick();
  };
  // A row recorded here (its outbox entry, then the row, here or in another tab) goes up now.
  const recorded = [
    options.db.local.$.pipe(filter((event) => event.operation !== 'DELETE' && (event.documentData as LocalDoc).type === 'outbox')).subscribe(() => push.kick()),
    options.db.rows.$.pipe(filter((event) => event.operation === 'INSERT')).subscribe(() => push.kick()),
  ];
  const online = () => kick();
  const events = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };
  events.addEventListener?.('online', online);
  kick();

  return {
    resync: kick,
    resume: () => {
      gate.resume();
      status.update({ lastError: null });
      kick();
    },
    get signedOut() {
      return gate.signedOut;
    },
    awaitInSync: () => {
      if (gate.signedOut) return Promise.reject(gate.signedOut);
      const inSync = async (): Promise<void> => {
        push.kick();
        for (;;) {
          await Promise.all([push.idle(), pull.idle()]);
          if (catchUp.behind) {
            pull.kick();
            continue;
          }
          // Something recorded while the push ran goes up before this resolves (an entry whose row
          // is not written is not something to push).
          const waiting = await book.outboxIds();
          if (gate.signedOut || waiting.length === 0 || (await options.db.rows.findByIds(waiting).exec()).size === 0) return;
          push.kick();
        }
      };
      return Promise.race([inSync(), gate.halted()]);
    },
    cancel: async () => {
      recorded.forEach((subscription) => subscription.unsubscribe());
      events.removeEventListener?.('online', online);
      await Promise.all([push.stop(), pull.stop()]);
    },
  };
}

