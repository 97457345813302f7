import { isInSubtree, type PullResponse, type SyncRow, type UnitId } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import { seqNumber, type RowsRepo } from './rowsRepo';

/** Changes read from the store per page while looking for rows in scope. */
const SCAN_PAGE = 500;
/** Most changes one request scans; past that it answers with what it found and `more`. */
const MAX_SCAN = 20_000;

/** The subtrees a user's replica holds: the units of all their role grants (none when deactivated). */
export function scopeRoots(user: UserDoc): UnitId[] {
  return user.active ? [...new Set(user.grants.map((g) => g.unitId))] : [];
}

/** Whether a row lies within the subtrees of `roots`. */
export const inScope = (row: SyncRow, roots: readonly UnitId[], tree: UnitTree): boolean =>
  roots.some((root) => isInSubtree(row.scopeUnitId, root, tree));

/**
 * Up to `limit` rows the user may hold, after the checkpoint `since` (the store's change
 * sequence, opaque to the client). The server reads the store's `_changes` itself and filters by
 * scope here, in Node: the client names only a checkpoint and a size, never a query, so it can
 * never read outside its scope. The returned checkpoint is the last change SCANNED, so rows out
 * of scope are never scanned again. Rows the asking replica pushed itself are left out.
 */
export async function pullRows(user: UserDoc, tree: UnitTree, rows: RowsRepo, since: string, limit: number, replica?: string): Promise<PullResponse> {
  const roots = scopeRoots(user);
  const found: SyncRow[] = [];
  const pageSize = Math.max(SCAN_PAGE, limit);
  let cursor = since;
  let scanned = 0;
  for (;;) {
    const page = await rows.changesSince(cursor, pageSize);
    for (const entry of page.entries) {
      cursor = entry.seq;
      // A replica's own rows are not sent back to it: it holds them already.
      if (entry.row && (replica === undefined || entry.origin !== replica) && inScope(entry.row, roots, tree)) found.push(entry.row);
      if (found.length === limit) return { rows: found, checkpoint: cursor, remaining: await remainingAfter(rows, cursor), more: true };
    }
    scanned += page.entries.length;
    if (page.entries.length < pageSize) return { rows: found, checkpoint: cursor, remaining: 0, more: false };
    if (scanned >= MAX_SCAN) return { rows: found, checkpoint: cursor, remaining: await remainingAfter(rows, cursor), more: true };
  }
}

async function remainingAfter(rows: RowsRepo, cursor: string): Promise<number> {
  return Math.max(0, seqNumber(await rows.updateSeq()) - seqNumber(cursor));
}
