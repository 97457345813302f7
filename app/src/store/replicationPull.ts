import { retry, sameIdentity, scopeRefOf, type PullResponse, type SyncRow } from '@seal/shared';
import type { RowDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import type { PassContext } from './replicationContext';
import { asRow, isRefusedRow, sameRow } from './rowCodec';
import { exclusive } from './exclusive';
import type { HeldUnits } from './heldUnits';
import { holdBackServerCopies, sweepServerCopies, takeServerCopies } from './serverCopies';
import { ApiError, isReplicaHaltError } from '../api/ApiError';

/** How often a request in the middle of a multi-request pull is tried before the pass gives up (its progress is kept). */
const MIDWAY_ATTEMPTS = 3;

/**
 * The rows this replica holds in units that left its scope. Kept: the user's own rows still
 * waiting to go up (they go up and the server judges them under today's grants: accepted, or
 * refused and kept with the reason), rows refused already (the user's record of what was not
 * accepted), and rows this very answer brought.
 */
async function rowsLeavingScope(db: SealDatabase, book: LocalBook, units: readonly string[], pulled: ReadonlySet<string>): Promise<{ gone: string[]; waitingIn: Set<string> }> {
  if (units.length === 0) return { gone: [], waitingIn: new Set() };
  const held = (await db.rows.find({ selector: { scopeUnitId: { $in: [...units] } } }).exec()).map((doc) => asRow(doc.toJSON()));
  const waiting = new Set(await book.waitingAmong(held.map((row) => row.id)));
  const refusals = await book.refusalsOf(held.map((row) => row.id));
  return {
    gone: held.filter((row) => !pulled.has(row.id) && !waiting.has(row.id) && !isRefusedRow(row, refusals.get(row.id))).map((row) => row.id),
    waitingIn: new Set(held.filter((row) => waiting.has(row.id)).map((row) => row.scopeUnitId)),
  };
}

/**
 * Writes pulled rows: rows are immutable, so new ones are inserted in one write; an id held
 * already keeps its copy when it is the same row, and takes the server's otherwise (another
 * replica recorded the same fact first: the server's copy is the row everywhere) — but a row
 * still waiting to go up with another identity goes up first (see serverCopies). Answers the ids
 * kept aside so.
 */
async function storePulled(db: SealDatabase, book: LocalBook, held: HeldUnits, rows: readonly SyncRow[]): Promise<ReadonlySet<string>> {
  if (rows.length === 0) return new Set();
  const { error } = await db.rows.bulkInsert(rows.map((row) => asRow(row)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const replace: SyncRow[] = [];
  const conflicting: SyncRow[] = [];
  for (const failure of error) {
    const row = byId.get(failure.documentId);
    if (failure.status !== 409 || row === undefined) throw new Error(`could not keep the pulled row "${failure.documentId}" (${failure.status})`);
    const local = failure.documentInDb as unknown as (RowDoc & { _deleted?: boolean }) | undefined;
    if (local === undefined || local._deleted === true) replace.push(asRow(row));
    else if (!sameIdentity(asRow(local), row)) conflicting.push(asRow(row));
    else if (!sameRow(local, row)) replace.push(asRow(row));
  }
  const waiting = new Set(await book.waitingAmong(conflicting.map((row) => row.id)));
  replace.push(...conflicting.filter((row) => !waiting.has(row.id)));
  if (replace.length > 0) await db.rows.bulkUpsert(replace);
  if (waiting.size === 0) return new Set();
  await holdBackServerCopies(book, conflicting.filter((row) => waiting.has(row.id)));
  // A push answered meanwhile (between the look and the write) took them out of the outbox before
  // the copies were there for it to take: they are taken here.
  const stillWaiting = new Set(await book.waitingAmong([...waiting]));
  await takeServerCopies(db, book, held, [...waiting].filter((id) => !stillWaiting.has(id)));
  return stillWaiting;
}

/**
 * The pull pass: from the checkpoint kept in the book (under `checkpointName`), answer after answer
 * until the server says the feed ends; each answer's rows are written in one write and the
 * checkpoint kept after them (a restart resumes there, never from the start); the next request is
 * on its way while an answer is written. Units that left the scope (`left`) lose their rows here;
 * once the pull ends, so do the noted units outside the scope it names (`scope`; `HeldUnits`).
 */
export function pullPass({ db, book, client, status, gate, now, retryMs, stopped, ready, onAnswer, held, batchSize: pullBatch }: PassContext, checkpointName: string, stopSignal?: AbortSignal): () => Promise<void> {
  const scopeName = `${checkpointName}:scope`;
  /** The scope last named in full, as kept in the book (read at the start of each pass). */
  let knownScope: { readonly ref: string; readonly units: readonly string[] } | undefined;
  async function readKnownScope(): Promise<void> {
    const kept = (await book.state(scopeName)) as { ref?: unknown; units?: unknown } | undefined;
    const units: unknown = kept?.units;
    knownScope = typeof kept?.ref === 'string' && Array.isArray(units) && units.every((unit): unit is string => typeof unit === 'string') ? { ref: kept.ref, units } : undefined;
  }
  /** The units of the scope an answer that ends a pull names: in full, or by the reference of the one kept (`undefined`: every unit, or not known). */
  async function scopeOf(response: PullResponse): Promise<readonly string[] | undefined> {
    if (response.scope !== undefined && response.scope !== 'all') {
      const units: readonly string[] = response.scope;
      // Kept only under the reference that is its own hash: a reference kept is sent with every
      // pull, and a later answer naming only it drops rows by this list.
      if (response.scopeRef !== undefined && response.scopeRef !== knownScope?.ref && response.scopeRef === (await scopeRefOf(units))) {
        knownScope = { ref: response.scopeRef, units };
        await book.setState(scopeName, knownScope);
      }
      return units;
    }
    return response.scopeRef !== undefined && response.scopeRef === knownScope?.ref ? knownScope.units : undefined;
  }

  /** Forgets the kept scope (a server that refuses its reference in the query: an older one). */
  async function forgetKnownScope(): Promise<void> {
    knownScope = undefined;
    await book.removeStates([scopeName]);
  }

  async function request(since: string | undefined, first: boolean): Promise<PullResponse> {
    gate.refuseWhileSignedOut();
    const sentIn = gate.epoch;
    const pause = Math.min(retryMs, 1000);
    try {
      return await retry(() => client.pull(since, pullBatch, knownScope?.ref), { initialDelayMs: pause, maxDelayMs: pause, factor: 1, attempts: first ? 1 : MIDWAY_ATTEMPTS, retryIf: (error: unknown) => !isReplicaHaltError(error) });
    } catch (error) {
      if (knownScope !== undefined && error instanceof ApiError && error.code === 'invalid_query') await forgetKnownScope().catch(() => undefined);
      return gate.check(error, sentIn);
    } finally {
      onAnswer?.();
    }
  }

  /** Drops the rows of noted units outside `scope` (named by the answer that ends a pull) but those of `pulled`, the user's own waiting to go up, and refusals. */
  function dropOutside(scope: readonly string[], pulled: ReadonlySet<string>): Promise<void> {
    return held.settle(scope, (outside) => dropRowsOf(outside, pulled));
  }

  /** Removes the rows of `units` that may go (see `rowsLeavingScope`); answers the units whose rows wait to go up. */
  async function dropRowsOf(units: readonly string[], pulled: ReadonlySet<string>): Promise<ReadonlySet<string>> {
    const { gone, waitingIn } = await rowsLeavingScope(db, book, units, pulled);
    if (gone.length > 0) await db.rows.bulkRemove(gone);
    return waitingIn;
  }

  // One pass at a time across the tabs of this database: they share the checkpoint and the note
  // of units held, and a tab whose answer was given before a grant must not settle after another
  // tab back-filled the granted unit (it would drop rows the other tab's checkpoint covers).
  // A pass waiting for the lock is given up when syncing stops (it never runs after `cancel`).
  const lockName = `sealctl-pull:${db.name}:${checkpointName}`;
  return () => exclusive(lockName, () => (stopped() ? Promise.resolve() : pass()), stopSignal);

  async function pass(): Promise<void> {
    await ready;
    await readKnownScope();
    await sweepServerCopies(db, book, held);
    const kept = await book.state(checkpointName);
    let since = typeof kept === 'string' ? kept : undefined;
    // Progress carries on across passes of one catch-up (a pass cut short by a failure).
    let pulled = status.get().catchUp?.pulled ?? 0;
    let next = request(since, true);
    for (;;) {
      const response = await next;
      // The next answer is asked for while this one is written (its checkpoint is all it needs).
      if (response.more && !stopped()) {
        next = request(response.checkpoint, false);
        next.catch(() => undefined);
      }
      const left = response.left ?? [];
      const ids = new Set(response.rows.map((row) => row.id));
      await held.note(response.rows.map((row) => row.scopeUnitId));
      const keptAside = await storePulled(db, book, held, response.rows);
      // A row the server sent is on the server: if this replica still waits to push a row of that
      // id (it recorded the same fact, and the server's copy came down first), it waits for nothing
      // — unless its body is another, which goes up to be judged (see serverCopies).
      if (ids.size > 0 && status.get().pending > 0) await book.removeFromOutbox((await book.waitingAmong([...ids])).filter((id) => !keptAside.has(id)));
      since = response.checkpoint;
      await book.setState(checkpointName, since);
      // Only once the checkpoint that no longer covers them is kept: dropped before it, and the
      // write cut short (the tab closed, storage full), the old checkpoint would still count them
      // delivered — granted again meanwhile, they would never come back. Kept past a cut here,
      // they are still noted held, and go when the pull ends (`dropOutside`).
      if (left.length > 0) await dropRowsOf(left, ids);
      pulled += response.rows.length;
      const caughtUp = !response.more;
      const scope = caughtUp ? await scopeOf(response) : undefined;
      // Only while the checkpoint is still the one this answer left (another tab of an older build,
      // or one without Web Locks, may have moved it past a grant this answer predates).
      if (scope && (await book.state(checkpointName)) === since) await dropOutside(scope, ids);
      status.update({
        connection: 'online',
        lastError: null,
        catchUp: caughtUp ? null : { pulled, remaining: response.remaining },
        ...(caughtUp ? { lastSyncAt: now() } : {}),
      });
      if (caughtUp) {
        await book.setState('lastSyncAt', now());
        return;
      }
      if (stopped()) return;
    }
  }
}
