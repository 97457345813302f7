import type { PullResponse, SyncRow, UnitId } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import { coveredBy, encodePullCheckpoint, planPull, type PullCheckpoint } from './pullCheckpoint';
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
}

/**
 * Reads the change feed after `since` and keeps the rows `keep` accepts, up to `limit` rows or
 * `maxScan` changes. The one place rows are read from the feed for a pull.
 */
async function scanFeed(rows: RowsRepo, since: string, limit: number, maxScan: number, keep: (entry: FeedEntry) => boolean): Promise<Scan> {
  const found: SyncRow[] = [];
  const pageSize = Math.min(Math.max(SCAN_PAGE, limit), maxScan);
  let cursor = since;
  let scanned = 0;
  for (;;) {
    const page = await rows.changesSince(cursor, pageSize);
    for (const entry of page.entries) {
      cursor = entry.seq;
      if (entry.row && keep(entry as FeedEntry)) found.push(entry.row);
      if (found.length === limit) return { found, cursor, end: false };
    }
    scanned += page.entries.length;
    if (page.entries.length < pageSize) return { found, cursor, end: true };
    if (scanned >= maxScan) return { found, cursor, end: false };
  }
}

export interface PullOptions {
  /** The asking replica's id: rows it pushed itself are left out of the main scan (it holds them). */
  readonly replica?: string | undefined;
  /** Most changes scanned per request (default {@link DEFAULT_MAX_SCAN}). */
  readonly maxScan?: number;
}

/**
 * Up to `limit` rows the user may hold, after the checkpoint `since` (opaque to the client). The
 * server reads the store's `_changes` itself and filters by scope here, in Node: the client names
 * only a checkpoint and a size, never a query, so it can never read outside its scope.
 *
 * The checkpoint records the scope it was taken under (`pullCheckpoint.ts`). Subtrees granted
 * since are back-filled first, from the start of the feed, on a cursor of their own (the
 * replica's own rows included: it may have dropped them when that scope left it before); the
 * answer names the units that left the scope (`left`); then the main scan continues. The
 * returned checkpoint is the last change SCANNED, so rows out of scope are never scanned again.
 */
export async function pullRows(user: UserDoc, tree: UnitTree, rows: RowsRepo, checkpoint: PullCheckpoint, limit: number, options: PullOptions = {}): Promise<PullResponse> {
  const roots = scopeRoots(user);
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const plan = planPull(checkpoint, roots, tree);
  const allowed = coveredBy(roots, tree);
  const isDelivered = coveredBy(plan.delivered, tree);
  const remaining = async (...cursors: string[]) => {
    const last = seqNumber(await rows.updateSeq());
    return cursors.reduce((sum, cursor) => sum + Math.max(0, last - seqNumber(cursor)), 0);
  };

  if (plan.fill) {
    const filling = coveredBy(plan.fill.units, tree);
    const scan = await scanFeed(rows, plan.fill.seq, limit, maxScan, ({ row }) => allowed(row.scopeUnitId) && filling(row.scopeUnitId) && !isDelivered(row.scopeUnitId));
    // Filled to the end of the feed: those subtrees join the delivered ones at the main position
    // (the main scan re-sends what the fill already sent past it: harmless, rows never change).
    const next: PullCheckpoint = scan.end
      ? { seq: checkpoint.seq, units: [...plan.delivered, ...plan.fill.units], fill: null }
      : { seq: checkpoint.seq, units: plan.delivered, fill: { seq: scan.cursor, units: plan.fill.units } };
    return { rows: scan.found, checkpoint: encodePullCheckpoint(next), left: plan.left, remaining: await remaining(scan.cursor, checkpoint.seq), more: true };
  }

  const { replica } = options;
  // A replica's own rows are not sent back to it: it holds them already.
  const scan = await scanFeed(rows, checkpoint.seq, limit, maxScan, ({ row, origin }) => (replica === undefined || origin !== replica) && allowed(row.scopeUnitId) && isDelivered(row.scopeUnitId));
  const next: PullCheckpoint = { seq: scan.cursor, units: plan.delivered, fill: null };
  return { rows: scan.found, checkpoint: encodePullCheckpoint(next), left: plan.left, remaining: scan.end ? 0 : await remaining(scan.cursor), more: !scan.end };
}
