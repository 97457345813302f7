import type { PullResponse, SyncRow, UnitId } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import { coveredBy, encodePullCheckpoint, planPull, unitDigest, unitsUnder, type Fill, type PullCheckpoint, type PullPlan, type UnitSet } from './pullCheckpoint';
import { seqNumber, type RowChangesPage, type RowsRepo } from './rowsRepo';

/** Changes read from the store per page while looking for rows in scope. */
const SCAN_PAGE = 500;
/** Most changes one request scans by default; past that it answers with what it found and `more`. */
const DEFAULT_MAX_SCAN = 20_000;

/** The subtrees a user's replica holds: the units of all their role grants (none when deactivated). */
function scopeRoots(user: UserDoc): UnitId[] {
  return user.active ? [...new Set(user.grants.map((g) => g.unitId))] : [];
}

/** Whether a row lies within the subtrees of `roots`. */
export const inScope = (row: SyncRow, roots: readonly UnitId[], tree: UnitTree): boolean => coveredBy(roots, tree)(row.scopeUnitId);

type FeedEntry = RowChangesPage['entries'][number] & { readonly row: SyncRow };

interface Scan {
  readonly found: SyncRow[];
  /** The last change read. */
  readonly cursor: string;
  /** True when the scan read to the end of the feed. */
  readonly end: boolean;
  /** Changes read that `count` accepted (rows owed, sent or the replica's own). */
  readonly counted: number;
}

/**
 * Reads the change feed after `since` and keeps the rows `keep` accepts, up to `limit` rows or
 * `maxScan` changes. Only the tail of the feed is read this way (ADR 010): what was written since
 * the replica's last pull, or since a back-fill's index read.
 */
async function scanFeed(rows: RowsRepo, since: string, limit: number, maxScan: number, keep: (entry: FeedEntry) => boolean, count: (entry: FeedEntry) => boolean = keep): Promise<Scan> {
  const found: SyncRow[] = [];
  const pageSize = Math.min(Math.max(SCAN_PAGE, limit), maxScan);
  let cursor = since;
  let scanned = 0;
  let counted = 0;
  for (;;) {
    const page = await rows.changesSince(cursor, pageSize);
    for (const entry of page.entries) {
      cursor = entry.seq;
      if (entry.row && count(entry as FeedEntry)) counted++;
      if (entry.row && keep(entry as FeedEntry)) found.push(entry.row);
      if (found.length === limit) return { found, cursor, end: false, counted };
    }
    scanned += page.entries.length;
    if (page.entries.length < pageSize) return { found, cursor, end: true, counted };
    if (scanned >= maxScan) return { found, cursor, end: false, counted };
  }
}

export interface PullOptions {
  /** The asking replica's id: rows it pushed itself are left out of the feed scan (it holds them). */
  readonly replica?: string | undefined;
  /** Most changes scanned per request (default {@link DEFAULT_MAX_SCAN}). */
  readonly maxScan?: number;
}

/** The units of `ids` (today's) whose digest `set` holds. */
const isIn = (set: UnitSet) => {
  if (set === 'all') return () => true;
  const digests = new Set(set);
  return (unitId: string) => digests.has(unitDigest(unitId));
};

/** Rows of `unitIds` after the index key `at`, in index order, up to `limit`: one index read per unit touched. */
async function readIndex(rows: RowsRepo, unitIds: readonly string[], at: Fill['at'], limit: number): Promise<{ found: SyncRow[]; read: number; at: Fill['at']; done: boolean; snap: string | null }> {
  const found: SyncRow[] = [];
  let cursor = at;
  let snap: string | null = null;
  let read = 0;
  for (const unitId of unitIds) {
    if (cursor && unitId < cursor[0]) continue;
    if (cursor && unitId === cursor[0] && cursor[1] === UNIT_DONE) continue;
    for (;;) {
      const after = cursor && cursor[0] === unitId ? cursor[1] : null;
      const page = await rows.unitRows(unitId, after, limit - read);
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
async function owedByIndex(rows: RowsRepo, unitIds: readonly string[], at: Fill['at']): Promise<number> {
  let owed = 0;
  for (const unitId of unitIds) {
    if (at && unitId < at[0]) continue;
    if (at && unitId === at[0]) owed += at[1] === UNIT_DONE ? 0 : await rows.unitCount(unitId, at[1]);
    else owed += await rows.unitCount(unitId, null);
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
  const roots = scopeRoots(user);
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const plan = planPull(checkpoint, roots, tree);
  const today = unitsUnder(roots, tree);
  const isDelivered = isIn(plan.delivered);
  const allowed = new Set(today);
  const delivering = (unitId: string) => allowed.has(unitId) && isDelivered(unitId);
  // While nothing is delivered there is no feed to follow: the position is wherever a back-fill ends.
  const nothingDelivered = plan.delivered !== 'all' && plan.delivered.length === 0;
  const feedOwed = async (cursor: string): Promise<number> => {
    if (nothingDelivered) return 0;
    const changes = Math.max(0, seqNumber(await rows.updateSeq()) - seqNumber(cursor));
    if (changes === 0 || plan.delivered === 'all') return changes;
    // The index as it stands (it may lag the feed: rows it has not taken in are counted as owed).
    const indexed = await rows.indexedCounts(today.filter(delivering));
    const unindexed = indexed.indexSeq === null ? changes : Math.max(0, seqNumber(await rows.updateSeq()) - seqNumber(indexed.indexSeq));
    return Math.min(changes, indexed.count + unindexed);
  };

  if (plan.fill) return backFill(rows, checkpoint, plan as PullPlan & { fill: NonNullable<PullPlan['fill']> }, limit, maxScan, feedOwed, everything(today, roots, tree));

  const { replica } = options;
  if (nothingDelivered) return { rows: [], checkpoint: encodePullCheckpoint({ seq: checkpoint.seq, units: [], fill: null }), left: plan.left, remaining: 0, more: false };
  // A replica's own rows are not sent back to it: it holds them already.
  const scan = await scanFeed(rows, checkpoint.seq, limit, maxScan, ({ row, origin }) => (replica === undefined || origin !== replica) && delivering(row.scopeUnitId));
  const next: PullCheckpoint = { seq: scan.cursor, units: plan.delivered, fill: null };
  return { rows: scan.found, checkpoint: encodePullCheckpoint(next), left: plan.left, remaining: scan.end ? 0 : await feedOwed(scan.cursor), more: !scan.end };
}

/** Whether `roots` cover the whole organisation (a root of the tree among them). */
const everything = (today: readonly string[], roots: readonly string[], tree: UnitTree): boolean =>
  today.length === tree.size && roots.some((root) => tree.get(root as UnitId)?.parentId === null);

/**
 * One request of a back-fill: first the scope index for the joining units, a unit at a time,
 * then the change feed from the index's sequence to its end. Once at the end, the joining units
 * join the delivered ones at the checkpoint's position (the feed scan re-sends what the fill sent
 * past it: harmless, rows never change) — or, when none were delivered, at the end of the feed.
 */
async function backFill(rows: RowsRepo, checkpoint: PullCheckpoint, plan: PullPlan & { fill: NonNullable<PullPlan['fill']> }, limit: number, maxScan: number, feedOwed: (cursor: string) => Promise<number>, whole: boolean): Promise<PullResponse> {
  const { fill } = plan;
  const answer = (found: SyncRow[], next: PullCheckpoint, owed: number): PullResponse =>
    ({ rows: found, checkpoint: encodePullCheckpoint(next), left: plan.left, remaining: owed, more: true });

  if (fill.seq === null) {
    const owedBefore = fill.owed ?? (await owedByIndex(rows, fill.unitIds, fill.at));
    const read = await readIndex(rows, fill.unitIds, fill.at, limit);
    const snap = fill.snap ?? read.snap ?? (await rows.updateSeq());
    const owed = read.done ? 0 : Math.max(0, owedBefore - read.read);
    const nextFill: Fill = { units: fill.units, at: read.at, snap, seq: read.done ? snap : null, owed };
    return answer(read.found, { seq: checkpoint.seq, units: plan.delivered, fill: nextFill }, owed + (await feedOwed(checkpoint.seq)));
  }

  // The tail: rows of the joining units written since the index was read.
  const joining = new Set(fill.unitIds);
  const scan = await scanFeed(rows, fill.seq, limit, maxScan, ({ row }) => joining.has(row.scopeUnitId));
  if (!scan.end) return answer(scan.found, { seq: checkpoint.seq, units: plan.delivered, fill: { ...fill, seq: scan.cursor } }, await feedOwed(checkpoint.seq));
  const nothingDelivered = plan.delivered !== 'all' && plan.delivered.length === 0;
  const units: UnitSet = whole ? 'all' : [...(plan.delivered === 'all' ? [] : plan.delivered), ...fill.units];
  const next: PullCheckpoint = { seq: nothingDelivered ? scan.cursor : checkpoint.seq, units, fill: null };
  return answer(scan.found, next, nothingDelivered ? 0 : await feedOwed(checkpoint.seq));
}
