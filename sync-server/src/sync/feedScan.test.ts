import { describe, expect, it } from 'vitest';
import type { SyncRow } from '@seal/shared';
import { scanFeed, type Feed } from './feedScan';
import type { RowChangesPage } from './rowsRepo';

/** A feed of `count` changes (sequences 1..count, rows `row-<seq>`) that records every read and read-ahead asked of it. */
function feedOf(count: number) {
  const reads: { since: number; limit: number; got: number }[] = [];
  const aheads: string[] = [];
  const feed: Feed = {
    read(since, limit): Promise<RowChangesPage> {
      const from = Number(since);
      const entries = Array.from({ length: Math.max(0, Math.min(limit, count - from)) }, (_, i) => ({ seq: String(from + i + 1), row: { id: `row-${from + i + 1}` } as SyncRow, origin: undefined }));
      reads.push({ since: from, limit, got: entries.length });
      return Promise.resolve({ entries, lastSeq: entries.at(-1)?.seq ?? since });
    },
    ahead(since, limit) {
      aheads.push(`${since}+${limit}`);
    },
  };
  return { feed, reads, aheads };
}

const seqOf = (row: SyncRow) => Number(row.id.slice(4));

describe('scanning the change feed', () => {
  it('never reads more than the scan cap, whatever the page sizes', async () => {
    for (const [limit, maxScan] of [[200, 1_000], [200, 1_100], [1, 60], [700, 1_000], [5_000, 1_000]] as const) {
      const { feed, reads } = feedOf(10_000);
      const scan = await scanFeed(feed, '0', limit, maxScan, () => false);
      const read = reads.reduce((sum, r) => sum + r.got, 0);
      expect(read, `limit ${limit}, cap ${maxScan}`).toBe(maxScan);
      expect(scan).toMatchObject({ found: [], cursor: String(maxScan), end: false });
    }
  });

  it('reads the next page ahead only when it stops at the end of a full page, with more to read', async () => {
    // Dense: every change is kept, a scan of 200 ends at its first page's end.
    const dense = feedOf(1_000);
    const scan = await scanFeed(dense.feed, '0', 200, 20_000, () => true);
    expect(scan.found.map(seqOf)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(dense.reads.map((r) => r.limit)).toEqual([200]);
    expect(dense.aheads).toEqual(['200+200']);

    // Sparse: it stops inside a page, and the next request begins there, not at a page.
    const sparse = feedOf(1_000);
    await scanFeed(sparse.feed, '0', 10, 20_000, ({ row }) => seqOf(row) % 7 === 0);
    expect(sparse.aheads).toEqual([]);

    // At the feed's end: nothing to read ahead.
    const end = feedOf(150);
    expect((await scanFeed(end.feed, '0', 200, 20_000, () => true)).end).toBe(true);
    expect(end.aheads).toEqual([]);
  });

  it('finds every kept row once, in feed order, across requests that go on from their cursor', async () => {
    const { feed } = feedOf(3_000);
    const keep = ({ row }: { row: SyncRow }) => seqOf(row) % 3 === 0 || seqOf(row) > 2_900;
    const found: number[] = [];
    let since = '0';
    for (let n = 0; n < 100; n++) {
      const scan = await scanFeed(feed, since, 50, 400, keep);
      found.push(...scan.found.map(seqOf));
      since = scan.cursor;
      if (scan.end) break;
    }
    const expected = Array.from({ length: 3_000 }, (_, i) => i + 1).filter((seq) => seq % 3 === 0 || seq > 2_900);
    expect(found).toEqual(expected);
  });
});
