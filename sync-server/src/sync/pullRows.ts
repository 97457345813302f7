import { isOwnRow } from './ownRows';
import { scopeRefOf, type PullResponse, type SyncRow, type UnitId } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import { coveredBy, encodePullCheckpoint, planPull, unitDigest, unitsUnder, type Fill, type PullCheckpoint, type PullPlan, type UnitSet } from './pullCheckpoint';
import type { FeedReadAhead } from './feedReadAhead';
import { scanFeed, type Feed } from './feedScan';
import { seqNumber, type RowsRepo } from './rowsRepo';

/** Most changes one request scans by default; past that it answers with what it found and `more`. */
const DEFAULT_MAX_SCAN = 20_000;
/**
 * A back-fill reads the scope index as it stands when it lags the store by at least
 * `staleIndexFrom` (default {@link DEFAULT_STALE_INDEX_FROM}) and at most this many changes: the
 * tail phase reads those from the feed, as it reads everything after the index's sequence. On the
 * embedded store, bringing the index up to date costs ~0.3 ms a row, several times reading the same
 * changes from the feed. Past this the index is brought up to date first, so that a back-fill
 * never reads more than this of the feed for its history; below `staleIndexFrom` too, so that the
 * progress of a back-fill counts exactly the rows owed (a lagging index's tail is counted "at
 * most", as changes).
 */
const STALE_INDEX_LIMIT = 50_000;
const DEFAULT_STALE_INDEX_FROM = 1_000;
/** How long a back-fill's first request waits at most for the scope index to take in a small lag. */
const FRESH_INDEX_WAIT_MS = 1_500;
/** A back-fill that read a lagging index brings it up to date in the background this long after. */
const WARM_INDEX_DELAY_MS = 30_000;

/** The subtrees a user's replica holds: the units of all their role grants (none when deactivated). */
function scopeRoots(user: UserDoc): UnitId[] {
  return user.active ? [...new Set(user.grants.map((g) => g.unitId))] : [];
}

/** Whether a row lies within the subtrees of `roots`. */
export const inScope = (row: SyncRow, roots: readonly UnitId[], tree: UnitTree): boolean => coveredBy(roots, tree)(row.scopeUnitId);

export interface PullOptions {
  /** The asking replica's id: rows it pushed itself are left out of the feed scan (it holds them). */
  readonly replica?: string | undefined;
  /** Most changes scanned per request (default {@link DEFAULT_MAX_SCAN}). */
  readonly maxScan?: number;
  /** A back-fill reads a scope index lagging by at least this many changes as it stands (see {@link STALE_INDEX_LIMIT}). */
  readonly staleIndexFrom?: number;
  /**
   * Whether the store's sequences are numbers that order its commits (the embedded store), so that
   * an index read as it stands can be checked to reflect at least a back-fill's `snap`. Otherwise
   * (a CouchDB cluster) every back-fill page brings the index up to date first.
   */
  readonly orderedSeqs?: boolean;
  /** The `scopeRef` the replica holds: the scope's units are named only if it changed. */
  readonly scopeRef?: string | undefined;
  /** Reads the feed's next page ahead for the replica's next request (see {@link FeedReadAhead}); none: every page is read when asked. */
  readonly readAhead?: FeedReadAhead;
}

/**
 * How a back-fill page reads the scope index: brought up to date first (`fresh`), or as it stands
 * — but then reflecting at least `atLeast` (the fill's `snap`), else read again, up to date.
 */
interface IndexRead {
  readonly fresh: boolean;
  readonly atLeast: string | null;
}

/** The units of `ids` (today's) whose digest `set` holds. */
const isIn = (set: UnitSet) => {
  if (set === 'all') return () => true;
  const digests = new Set(set);
  return (unitId: string) => digests.has(unitDigest(unitId));
};

/** Rows of `unitIds` after the index key `at`, in index order, up to `limit`: one index read per unit touched. */
async function readIndex(rows: RowsRepo, unitIds: readonly string[], at: Fill['at'], limit: number, how: IndexRead): Promise<{ found: SyncRow[]; read: number; at: Fill['at']; done: boolean; snap: string | null }> {
  const found: SyncRow[] = [];
  let cursor = at;
  let snap: string | null = null;
  let read = 0;
  for (const unitId of unitIds) {
    if (cursor && unitId < cursor[0]) continue;
    if (cursor && unitId === cursor[0] && cursor[1] === UNIT_DONE) continue;
    for (;;) {
      const after = cursor && cursor[0] === unitId ? cursor[1] : null;
      let page = await rows.unitRows(unitId, after, limit - read, how.fresh);
      // An index behind the fill's snapshot (rebuilt meanwhile, its design document replaced) would
      // lack rows the tail will not read: read it again, brought up to date.
      if (!how.fresh && how.atLeast !== null && (page.updateSeq === null || seqNumber(page.updateSeq) < seqNumber(how.atLeast))) {
        page = await rows.unitRows(unitId, after, limit - read, true);
      }
      snap ??= page.updateSeq;
      found.push(...page.rows);
      read += page.read;
      if (page.lastId !== null) cursor = [unitId, page.lastId];
      if (!page.more) break;
      if (read >= limit) return { found, read, at: cursor, done: false, snap };
    }
    cursor = [unitId, UNIT_DONE];
    if (read >= limit) return { found, read, at: cursor, done: false, snap };
  }
  return { found, read, at: cursor, done: true, snap };
}

/** The fill position's row id once every row of its unit was read. */
const UNIT_DONE = '\uffff';

/** Rows of `unitIds` after the index key `at`: what a back-fill owes when it begins (the index's counts). */
async function owedByIndex(rows: RowsRepo, unitIds: readonly string[], at: Fill['at'], fresh: boolean): Promise<number> {
  let owed = 0;
  for (const unitId of unitIds) {
    if (at && unitId < at[0]) continue;
    if (at && unitId === at[0]) owed += at[1] === UNIT_DONE ? 0 : await rows.unitCount(unitId, at[1], fresh);
    else owed += await rows.unitCount(unitId, null, fresh);
  }
  return owed;
}

/**
 * Up to `limit` rows the user may hold, after the checkpoint `since` (opaque to the client). The
 * client names only a checkpoint and a size, never a query: the server picks the units from
 * today's grants and reads the store's scope index (`by_scope`, keyed by unit and row id) and
 * change feed itself, so a replica can never read outside its scope (ADR 010).
 *
 * Units that joined the scope (and every unit of a fresh replica) are back-filled first from the
 * scope index — what it costs follows the rows in scope, not the store — then from the change
 * feed after the index's sequence, up to its end; the answer names the units that left the scope
 * (`left`); then the feed is read on from the checkpoint for the units delivered. `remaining`
 * counts rows owed to this replica: exact while back-filling (the index's counts), and while
 * reading the feed at most the changes left to read and at most the rows in scope.
 */
export async function pullRows(user: UserDoc, tree: UnitTree, rows: RowsRepo, checkpoint: PullCheckpoint, limit: number, options: PullOptions = {}): Promise<PullResponse> {
  const answer = await pullAnswer(user, tree, rows, checkpoint, limit, options);
  if (answer.more) return answer;
  // The answer that ends a pull names the scope, so that a replica whose checkpoint was rolled back
  // (it no longer covers units the replica holds rows of) still drops what left it.
  const roots = scopeRoots(user);
  const today = unitsUnder(roots, tree);
  if (everything(today, roots, tree)) return { ...answer, scope: 'all' };
  const scopeRef = await scopeRefOf(today);
  return { ...answer, scopeRef, ...(options.scopeRef === scopeRef ? {} : { scope: today }) };
}

async function pullAnswer(user: UserDoc, tree: UnitTree, rows: RowsRepo, checkpoint: PullCheckpoint, limit: number, options: PullOptions): Promise<PullResponse> {
  const roots = scopeRoots(user);
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const plan = planPull(checkpoint, roots, tree);
  const today = unitsUnder(roots, tree);
  const isDelivered = isIn(plan.delivered);
  const allowed = new Set(today);
  // Whoever holds the organisation's root holds every unit, also one created after this request
  // read the tree (a row of it may already be in the feed): its rows are never skipped past.
  const orgWide = everything(today, roots, tree);
  const unknownUnit = (unitId: string) => orgWide && !tree.has(unitId as UnitId);
  const delivering = (unitId: string) => (allowed.has(unitId) && isDelivered(unitId)) || unknownUnit(unitId);
  // While nothing is delivered there is no feed to follow: the position is wherever a back-fill ends.
  const nothingDelivered = plan.delivered !== 'all' && plan.delivered.length === 0;
  // The store's sequence for the estimates of what is owed: read from the request's start, beside
  // the reads it bounds rather than after them (one round trip to the store fewer, or three, on
  // the path of every page) — and read again when a read went as far or past it (rows written
  // while the request ran), so that a feed that goes on is never said to owe nothing.
  const storeSeq = rows.updateSeq();
  storeSeq.catch(() => undefined);
  const seqPast = async (cursor: string): Promise<string> => {
    const seq = await storeSeq;
    return seqNumber(seq) <= seqNumber(cursor) ? rows.updateSeq() : seq;
  };
  const feedOwed = async (cursor: string): Promise<number> => {
    if (nothingDelivered) return 0;
    const seq = await seqPast(cursor);
    const changes = Math.max(0, seqNumber(seq) - seqNumber(cursor));
    if (changes === 0 || plan.delivered === 'all') return changes;
    // The index as it stands (it may lag the feed: rows it has not taken in are counted as owed).
    const indexed = await rows.indexedCounts(today.filter(delivering));
    const unindexed = indexed.indexSeq === null ? changes : Math.max(0, seqNumber(seq) - seqNumber(indexed.indexSeq));
    return Math.min(changes, indexed.count + unindexed);
  };

  const feed: Feed = options.readAhead ?? { read: (since, size) => rows.changesSince(since, size) };
  if (plan.fill) {
    const reading = { feed, limit, maxScan, staleIndexFrom: options.staleIndexFrom ?? DEFAULT_STALE_INDEX_FROM, orderedSeqs: options.orderedSeqs ?? false };
    // The fill ends on `'all'` only when no unit of today's scope is left out of both: a unit
    // created during it (its rows written meanwhile) is back-filled next, never taken as delivered.
    const filling = new Set(plan.fill.unitIds);
    const whole = orgWide && today.every((unitId) => isDelivered(unitId) || filling.has(unitId));
    return backFill(rows, checkpoint, plan as PullPlan & { fill: NonNullable<PullPlan['fill']> }, { ...reading, unknownUnit }, { feedOwed, tailOwed: async (from) => tailOwed(await seqPast(from), from) }, whole);
  }

  const { replica } = options;
  if (nothingDelivered) return { rows: [], checkpoint: encodePullCheckpoint({ seq: checkpoint.seq, units: [], fill: null }), left: plan.left, remaining: 0, more: false };
  // A replica's own rows (its user pushed them from it: see ownRows) are not sent back to it: it holds them already.
  const scan = await scanFeed(feed, checkpoint.seq, limit, maxScan, ({ row, origin }) => !isOwnRow(row, origin, user.id, replica) && delivering(row.scopeUnitId));
  const next: PullCheckpoint = { seq: scan.cursor, units: plan.delivered, fill: null };
  return { rows: scan.found, checkpoint: encodePullCheckpoint(next), left: plan.left, remaining: scan.end ? 0 : await feedOwed(scan.cursor), more: !scan.end };
}

/** Whether `roots` cover the whole organisation (a root of the tree among them). */
const everything = (today: readonly string[], roots: readonly string[], tree: UnitTree): boolean =>
  today.length === tree.size && roots.some((root) => tree.get(root as UnitId)?.parentId === null);

/**
 * What a back-fill's tail may still owe: the changes after `from` (its snapshot, or where its feed
 * read got to) — at most that many rows; counting them by unit would mean reading them. Small
 * unless the index was read lagging (then at most `STALE_INDEX_LIMIT`) or the store is written
 * to while the fill runs.
 */
function tailOwed(storeSeq: string, from: string): number {
  return Math.max(0, seqNumber(storeSeq) - seqNumber(from));
}

/**
 * How this request of a back-fill reads the scope index (ADR 010). Its first page (no `snap` yet):
 * as it stands when the index lags the store by `staleIndexFrom`..{@link STALE_INDEX_LIMIT}
 * changes (its `snap` is then the sequence that index reflects, and the tail reads everything
 * after it); a smaller lag is first taken in (for {@link FRESH_INDEX_WAIT_MS} at most) and the
 * index read as it then stands; an index never built, or lagging past the limit, is brought up to
 * date however long that takes. Later pages: as it stands, reflecting at least `snap`
 * (the index only grows; one rebuilt meanwhile is read up to date) — so that rows pushed while a
 * back-fill runs are never indexed on its account. Only where sequences order commits (the
 * embedded store); on a cluster every page brings it up to date.
 */
async function indexReadFor(rows: RowsRepo, snap: string | null, staleIndexFrom: number, orderedSeqs: boolean): Promise<{ how: IndexRead; lag: number; indexSeq: string | null }> {
  if (!orderedSeqs) return { how: { fresh: true, atLeast: null }, lag: 0, indexSeq: null };
  if (snap !== null) return { how: { fresh: false, atLeast: snap }, lag: 0, indexSeq: null };
  const { indexSeq, lag } = await rows.indexLag();
  if (indexSeq === null || lag > STALE_INDEX_LIMIT) return { how: { fresh: true, atLeast: null }, lag, indexSeq };
  if (lag >= staleIndexFrom) {
    if (lag > 0) rows.warmIndex(WARM_INDEX_DELAY_MS);
    return { how: { fresh: false, atLeast: null }, lag, indexSeq };
  }
  // A small lag: the index is brought up to date first (so that progress counts exactly the rows
  // owed), then read as it stands. Only for so long: while rows stream in (someone's push of
  // thousands) bringing it up to date lasts until the stream stops — 17 s for a replica whose
  // first pull met 10,000 rows pushed (the browser bench). Past that it is read as it stands, and
  // the tail reads what it lacks from the feed.
  if (lag > 0) await rows.bringIndexUpToDate(FRESH_INDEX_WAIT_MS);
  const now = await rows.indexLag();
  return { how: { fresh: false, atLeast: null }, lag: now.lag, indexSeq: now.indexSeq ?? indexSeq };
}

/**
 * One request of a back-fill: first the scope index for the joining units, a unit at a time,
 * then the change feed from the index's sequence to its end. Once at the end, the joining units
 * join the delivered ones at the checkpoint's position (the feed scan re-sends what the fill sent
 * past it: harmless, rows never change) — or, when none were delivered, at the end of the feed.
 */
async function backFill(rows: RowsRepo, checkpoint: PullCheckpoint, plan: PullPlan & { fill: NonNullable<PullPlan['fill']> }, { feed, limit, maxScan, staleIndexFrom, orderedSeqs, unknownUnit }: { feed: Feed; limit: number; maxScan: number; staleIndexFrom: number; orderedSeqs: boolean; unknownUnit: (unitId: string) => boolean }, { feedOwed, tailOwed: tailOwedFrom }: { feedOwed: (cursor: string) => Promise<number>; tailOwed: (from: string) => Promise<number> }, whole: boolean): Promise<PullResponse> {
  const { fill } = plan;
  const answer = (found: SyncRow[], next: PullCheckpoint, owed: number): PullResponse =>
    ({ rows: found, checkpoint: encodePullCheckpoint(next), left: plan.left, remaining: owed, more: true });

  if (fill.seq === null) {
    const { how, indexSeq } = await indexReadFor(rows, fill.snap, staleIndexFrom, orderedSeqs);
    // The index's rows, counted once when the fill begins (then less those read).
    const owedBefore = fill.owed ?? (await owedByIndex(rows, fill.unitIds, fill.at, how.fresh));
    const read = await readIndex(rows, fill.unitIds, fill.at, limit, how);
    const snap = fill.snap ?? read.snap ?? (how.fresh || indexSeq === null ? await rows.updateSeq() : indexSeq);
    const owed = read.done ? 0 : Math.max(0, owedBefore - read.read);
    const nextFill: Fill = { units: fill.units, at: read.at, snap, seq: read.done ? snap : null, owed };
    // The replica asks for the tail from `snap` next, a page of this size: start reading it now
    // (a fresh replica whose index read found little waits on the store for nothing else).
    if (read.done) feed.ahead?.(snap, Math.min(limit, maxScan));
    return answer(read.found, { seq: checkpoint.seq, units: plan.delivered, fill: nextFill }, owed + (await tailOwedFrom(snap)) + (await feedOwed(checkpoint.seq)));
  }

  // The tail: rows of the joining units written since the index was read.
  const joining = new Set(fill.unitIds);
  const scan = await scanFeed(feed, fill.seq, limit, maxScan, ({ row }) => joining.has(row.scopeUnitId) || unknownUnit(row.scopeUnitId));
  if (!scan.end) return answer(scan.found, { seq: checkpoint.seq, units: plan.delivered, fill: { ...fill, seq: scan.cursor } }, (await tailOwedFrom(scan.cursor)) + (await feedOwed(checkpoint.seq)));
  const nothingDelivered = plan.delivered !== 'all' && plan.delivered.length === 0;
  const units: UnitSet = whole ? 'all' : [...(plan.delivered === 'all' ? [] : plan.delivered), ...fill.units];
  const next: PullCheckpoint = { seq: nothingDelivered ? scan.cursor : checkpoint.seq, units, fill: null };
  return answer(scan.found, next, nothingDelivered ? 0 : await feedOwed(checkpoint.seq));
}
