import { canonicalJson, retry, type PullResponse } from '@seal/shared';
import type { RowDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import type { CatchUp, Loop, RowReplicationOptions, SignedOutGate } from './replicationParts';
import { asRow, isRefusedRow } from './rowCodec';
import { isReplicaHaltError } from '../api/ApiError';
import type { SyncClient } from './syncClient';

/** How often a request in the middle of a multi-request pull is tried before the pull gives up. */
const MIDWAY_ATTEMPTS = 3;

/** The book's name for the pull checkpoint of one server (the server's opaque `since`). */
const checkpointState = (client: SyncClient) => `pullCheckpoint@${client.baseUrl || 'same-origin'}`;

/** What the push and pull loops share. */
export interface ReplicationContext extends RowReplicationOptions {
  readonly gate: SignedOutGate;
  readonly catchUp: CatchUp;
}

/**
 * The rows this replica holds in units that left its scope, to remove (nothing is pushed for
 * them). Kept: the user's own rows still waiting to go up (they go up and the server judges them
 * under today's grants: accepted, or refused and kept with the reason), rows refused already (the
 * user's record of what was not accepted), and rows this very pull brought.
 */
async function rowsLeavingScope(db: SealDatabase, book: LocalBook, units: readonly string[], pulled: ReadonlySet<string>): Promise<string[]> {
  if (units.length === 0) return [];
  const held = (await db.rows.find({ selector: { scopeUnitId: { $in: [...units] } } }).exec()).map((doc) => asRow(doc.toJSON()));
  const waiting = new Set(await book.waitingAmong(held.map((row) => row.id)));
  const refusals = await book.refusalsOf(held.map((row) => row.id));
  return held.filter((row) => !pulled.has(row.id) && !waiting.has(row.id) && !isRefusedRow(row, refusals.get(row.id))).map((row) => row.id);
}

/**
 * When the server stopped scanning early (`more`: its scan cap, or the end of a back-fill of
 * units newly in scope), ask again from where it stopped until the batch is full or the feed
 * ends. A request in the middle of a pull is asked again a few times before the pull gives up.
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
      // of them is not kept (the next checkpoint no longer names them).
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
  // Not awaited: a pull that ends as the user signs out finds the store closed, and a lost "last
  // synced" time is all that is lost then — never an unhandled error.
  if (caughtUp) book.setState('lastSyncAt', now()).catch((error: unknown) => {
    if (!db.closed) console.warn('Could not keep the time of the last sync', error);
  });
}

/**
 * Writes one pulled page: new rows inserted, rows held with another body replaced by the
 * server's (it wins), rows already held as sent left alone, rows of units that left the scope
 * removed, and outbox entries of rows the server sent dropped (a row of that id is on the server:
 * this replica recorded the same fact, and the server's copy came down first). The checkpoint is
 * kept after the rows: a crash in between pulls the page again, which writes nothing twice.
 */
async function writePage({ db, book, status }: ReplicationContext, rows: readonly RowDoc[], left: ReadonlySet<string>): Promise<void> {
  if (rows.length > 0) {
    // Inserted without reading first (new rows are the common case); only ids already held are
    // compared, and replaced where the server's copy differs.
    const { error } = await db.rows.bulkInsert(rows.map((row) => ({ ...row })));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const differing: RowDoc[] = [];
    for (const failure of error) {
      const row = byId.get(failure.documentId);
      if (failure.status !== 409 || row === undefined) throw new Error(`could not keep pulled row "${failure.documentId}" (${failure.status})`);
      const inDb = failure.documentInDb as (RowDoc & { _deleted?: boolean }) | undefined;
      if (inDb === undefined || inDb._deleted === true || canonicalJson(asRow(inDb)) !== canonicalJson(row)) differing.push(row);
    }
    if (differing.length > 0) await db.rows.bulkUpsert(differing.map((row) => ({ ...row })));
    // Nothing waits to go up (the status counts the outbox live): no need to look.
    if (status.get().pending > 0 || error.length > 0) await book.removeFromOutbox(await book.waitingAmong(rows.map((row) => row.id)));
  }
  const removed = await rowsLeavingScope(db, book, [...left], new Set(rows.map((row) => row.id)));
  if (removed.length > 0) await db.rows.bulkRemove(removed);
}

/**
 * Pulls from the kept checkpoint to the end of the feed, page after page, fetching the next page
 * while the last one is written. A request failing half-way keeps what the pages so far brought
 * (with their checkpoint) and the loop retries from there.
 */
export async function pullToEnd(context: ReplicationContext, loop: Loop): Promise<boolean> {
  const { book, client, status, gate, catchUp } = context;
  if (gate.signedOut) return true;
  const key = checkpointState(client);
  const batchSize = context.pullBatchSize ?? 200;
  const kept = await book.state(key);
  let since = typeof kept === 'string' ? kept : undefined;
  let sentIn = gate.epoch;
  let next = pullUntilFull(context, since, batchSize);
  for (;;) {
    const { response, rows, left, failure } = await next;
    if (loop.stopped) return true;
    if (response === undefined || (failure !== undefined && isReplicaHaltError(failure.error))) {
      try {
        gate.check(failure?.error, sentIn);
      } catch {
        // Noted in the status; the loop retries from the checkpoint kept.
      }
      return gate.signedOut !== undefined;
    }
    const end = failure === undefined && !response.more && rows.length < batchSize;
    const goOn = failure === undefined && !end;
    since = response.checkpoint;
    sentIn = gate.epoch;
    if (goOn) next = pullUntilFull(context, since, batchSize);
    await writePage(context, rows, left);
    if (loop.stopped) return true;
    await book.setState(key, since);
    if (failure !== undefined) catchUp.behind = true;
    else if (!response.more) catchUp.settle();
    notePull(context, response, rows.length, end && !catchUp.behind);
    if (failure !== undefined) {
      // What came so far is kept with its checkpoint; the pull goes on from there at once — never
      // from the start again, which a link failing every few requests would never get past.
      status.update({ lastError: failure.error instanceof Error ? failure.error.message : String(failure.error) });
      loop.kick();
      return true;
    }
    if (!goOn) return true;
  }
}

