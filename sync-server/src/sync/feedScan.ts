import type { SyncRow } from '@seal/shared';
import type { RowChangesPage } from './rowsRepo';

/** Changes read from the store per page while looking for rows in scope. */
const SCAN_PAGE = 500;

type FeedEntry = RowChangesPage['entries'][number] & { readonly row: SyncRow };

/** How a pull reads the change feed: straight from the store, or through a `FeedReadAhead` (feedReadAhead.ts). */
export interface Feed {
  read(since: string, limit: number): Promise<RowChangesPage>;
  ahead?(since: string, limit: number): void;
}

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
 *
 * The first page asks for `limit` changes: where every change is a row in scope (a replica
 * catching up on its own site, headquarters), the scan ends exactly at its end, and the next
 * request begins where the next page does — which is then read ahead (see `FeedReadAhead`). Where
 * rows in scope are sparse, the pages after it are larger ({@link SCAN_PAGE}), and a scan that
 * stops inside a page reads nothing ahead (the next request begins there, not at a page).
 */
export async function scanFeed(feed: Feed, since: string, limit: number, maxScan: number, keep: (entry: FeedEntry) => boolean, count: (entry: FeedEntry) => boolean = keep): Promise<Scan> {
  const firstPage = Math.min(limit, maxScan);
  const pageSize = Math.min(Math.max(SCAN_PAGE, limit), maxScan);
  const scan = await scanPages(feed, firstPage, pageSize, since, limit, maxScan, keep, count);
  // The replica asks from here once it has this answer: start reading its first page now.
  if (!scan.end && scan.atPageEnd) feed.ahead?.(scan.cursor, firstPage);
  return scan;
}

async function scanPages(feed: Feed, firstPage: number, pageSize: number, since: string, limit: number, maxScan: number, keep: (entry: FeedEntry) => boolean, count: (entry: FeedEntry) => boolean): Promise<Scan & { atPageEnd: boolean }> {
  const found: SyncRow[] = [];
  let cursor = since;
  let scanned = 0;
  let counted = 0;
  // Later pages never take the scan past `maxScan`.
  for (let size = firstPage; ; size = Math.min(pageSize, maxScan - scanned)) {
    const page = await feed.read(cursor, size);
    for (const [i, entry] of page.entries.entries()) {
      cursor = entry.seq;
      if (entry.row && count(entry as FeedEntry)) counted++;
      if (entry.row && keep(entry as FeedEntry)) found.push(entry.row);
      if (found.length === limit) return { found, cursor, end: false, counted, atPageEnd: i === size - 1 };
    }
    scanned += page.entries.length;
    if (page.entries.length < size) return { found, cursor, end: true, counted, atPageEnd: false };
    if (scanned >= maxScan) return { found, cursor, end: false, counted, atPageEnd: true };
  }
}
