import { describe, expect, it } from 'vitest';
import type { SyncRow } from '@seal/shared';
import { denseSeqGuess, FeedReadAhead } from './feedReadAhead';
import type { RowChangesPage } from './rowsRepo';

/**
 * A change feed in memory (sequence numbers 1..n, one row each) that counts the store reads made
 * of it, answers them only when `release` is called (so that a test decides what is "in flight"),
 * and can be told to fail its next reads.
 */
class Feed {
  /** The feed: each row at its sequence number (ascending; gaps where a write left the feed). */
  readonly rows: { seq: number; id: string }[] = [];
  readonly reads: string[] = [];
  failNext = 0;
  private nextSeq = 1;
  private readonly waiting: (() => void)[] = [];

  append(count: number): void {
    for (let i = 0; i < count; i++) this.rows.push({ seq: this.nextSeq++, id: `row-${this.nextSeq - 1}` });
  }

  /** Sequences taken by writes that are not in the feed (a design document rewritten: its old change moves). */
  skip(count: number): void {
    this.nextSeq += count;
  }

  /** What the store holds after `since`, up to `limit`, now: the oracle. */
  expected(since: string, limit: number): string[] {
    return this.rows.filter((r) => r.seq > Number(since)).slice(0, limit).map((r) => r.id);
  }

  readonly changesSince = (since: string, limit: number): Promise<RowChangesPage> => {
    this.reads.push(`${since}+${limit}`);
    const fail = this.failNext > 0;
    if (fail) this.failNext--;
    return new Promise((resolve, reject) => {
      this.waiting.push(() => {
        if (fail) return reject(new Error('the store is away'));
        // Read when answered, as a store answers with what it holds then.
        const entries = this.rows.filter((r) => r.seq > Number(since)).slice(0, limit).map((r) => ({ seq: String(r.seq), row: { id: r.id } as SyncRow, origin: undefined }));
        resolve({ entries, lastSeq: entries.at(-1)?.seq ?? since });
      });
    });
  };

  /** Answers every read made so far (and those they lead to), until none waits. */
  async release(): Promise<void> {
    for (let turn = 0; turn < 20; turn++) {
      const now = this.waiting.splice(0);
      if (now.length === 0) {
        await new Promise((r) => setTimeout(r, 0));
        if (this.waiting.length === 0) return;
        continue;
      }
      for (const answer of now) answer();
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}

const ids = (page: RowChangesPage) => page.entries.map((e) => e.row!.id);

/** `read` with the feed answering whatever it must meanwhile. */
async function read(ahead: FeedReadAhead, feed: Feed, since: string, limit: number): Promise<RowChangesPage> {
  const page = ahead.read(since, limit);
  // Its failure is the caller's to see (after release): not an unhandled rejection meanwhile.
  page.catch(() => undefined);
  await feed.release();
  return page;
}

describe('reading the change feed ahead of a pull', () => {
  it('answers the next request from the page read ahead, exactly what the store holds there, without reading it again', async () => {
    const feed = new Feed();
    feed.append(25);
    const ahead = new FeedReadAhead(feed, { depth: 1 });
    expect(ids(await read(ahead, feed, '0', 10))).toEqual(feed.expected('0', 10));
    ahead.ahead('10', 10);
    await feed.release();
    const readsBefore = feed.reads.length;
    expect(ids(await read(ahead, feed, '10', 10))).toEqual(feed.expected('10', 10));
    expect(feed.reads.length, 'the page was read once, ahead').toBe(readsBefore);
    // Taken once: asking again reads the store.
    expect(ids(await read(ahead, feed, '10', 10))).toEqual(feed.expected('10', 10));
    expect(feed.reads.length).toBe(readsBefore + 1);
  });

  it('reads again a page that was short (the end of the feed then): rows written since are in the answer', async () => {
    const feed = new Feed();
    feed.append(14);
    const ahead = new FeedReadAhead(feed);
    ahead.ahead('10', 10);
    await feed.release();
    feed.append(8);
    const page = await read(ahead, feed, '10', 10);
    expect(ids(page)).toEqual(feed.expected('10', 10));
    expect(ids(page)).toHaveLength(10);
  });

  it('never serves a page read for another position or another page size', async () => {
    const feed = new Feed();
    feed.append(40);
    const ahead = new FeedReadAhead(feed, { depth: 1 });
    ahead.ahead('10', 10);
    await feed.release();
    expect(ids(await read(ahead, feed, '11', 10))).toEqual(feed.expected('11', 10));
    expect(ids(await read(ahead, feed, '10', 5))).toEqual(feed.expected('10', 5));
    expect(ids(await read(ahead, feed, '10', 20))).toEqual(feed.expected('10', 20));
  });

  it('reads the page itself when the read ahead failed, and fails only if its own read fails too', async () => {
    const feed = new Feed();
    feed.append(30);
    const ahead = new FeedReadAhead(feed, { depth: 1 });
    feed.failNext = 1;
    ahead.ahead('10', 10);
    await feed.release();
    expect(ids(await read(ahead, feed, '10', 10))).toEqual(feed.expected('10', 10));

    feed.failNext = 2;
    ahead.ahead('20', 10);
    await feed.release();
    await expect(read(ahead, feed, '20', 10)).rejects.toThrow('the store is away');
  });

  it('does not keep a page past its time: a request after that reads the store', async () => {
    const feed = new Feed();
    feed.append(30);
    let clock = 0;
    const ahead = new FeedReadAhead(feed, { depth: 1, ttlMs: 1_000, now: () => clock });
    ahead.ahead('10', 10);
    await feed.release();
    clock = 1_001;
    const readsBefore = feed.reads.length;
    await read(ahead, feed, '10', 10);
    expect(feed.reads.length).toBe(readsBefore + 1);
    expect(ahead.size).toBe(0);
  });

  it('holds at most `maxChanges` changes, dropping the oldest pages first, and reads on from none it dropped', async () => {
    const feed = new Feed();
    feed.append(1_000);
    const ahead = new FeedReadAhead(feed, { depth: 2, maxChanges: 30, maxInFlight: 100 });
    for (const since of ['0', '100', '200', '300', '400']) ahead.ahead(since, 10);
    expect(ahead.size).toBe(3);
    await feed.release();
    expect(ahead.size).toBeLessThanOrEqual(3);
    // The two dropped before they were in read nothing on: only the kept ones led to a second page.
    expect(feed.reads.filter((r) => r === '10+10' || r === '110+10')).toEqual([]);
    // A page larger than all it may hold is never read ahead.
    const before = feed.reads.length;
    ahead.ahead('500', 31);
    expect(feed.reads).toHaveLength(before);
  });

  it('starts no more than `maxInFlight` reads at once, however many are asked for, dropped or taken', async () => {
    const feed = new Feed();
    feed.append(10_000);
    const ahead = new FeedReadAhead(feed, { depth: 2, maxChanges: 20, maxInFlight: 3 });
    // Many positions at once (a client forging checkpoints): pages are dropped to stay under
    // `maxChanges`, and their reads, still running, count all the same.
    for (let i = 0; i < 200; i++) ahead.ahead(String(i * 10), 10);
    expect(feed.reads).toHaveLength(3);
    await feed.release();
    // Once in, reading ahead may go on.
    ahead.ahead('5000', 10);
    expect(feed.reads.length).toBeGreaterThan(3);
  });

  it('refuses options that would hold nothing or never stop', () => {
    for (const options of [{ maxChanges: 0 }, { maxInFlight: 0 }, { depth: 0 }, { ttlMs: -1 }, { maxChanges: 1.5 }, { maxChanges: Number.NaN }]) {
      expect(() => new FeedReadAhead(new Feed(), options), JSON.stringify(options)).toThrow(RangeError);
    }
  });

  it('drops what is past its time even when nobody pulls', async () => {
    const feed = new Feed();
    feed.append(30);
    const ahead = new FeedReadAhead(feed, { depth: 1, ttlMs: 50 });
    ahead.ahead('0', 10);
    await feed.release();
    expect(ahead.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ahead.size).toBe(0);
  });

  it('counts what it served from pages read ahead and what it read itself', async () => {
    const feed = new Feed();
    feed.append(30);
    const ahead = new FeedReadAhead(feed, { depth: 1 });
    ahead.ahead('10', 10);
    await feed.release();
    await read(ahead, feed, '10', 10);
    await read(ahead, feed, '0', 10);
    expect(ahead.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('keeps the store reading at most `depth` pages ahead of the position a replica has reached', async () => {
    const feed = new Feed();
    feed.append(1_000);
    const ahead = new FeedReadAhead(feed, { depth: 2 });
    ahead.ahead('0', 10);
    await feed.release();
    expect(feed.reads).toEqual(['0+10', '10+10']);
    // The replica takes the first page and asks for more from its end: one more page is read.
    await read(ahead, feed, '0', 10);
    ahead.ahead('10', 10);
    await feed.release();
    expect(feed.reads).toEqual(['0+10', '10+10', '20+10']);
    // Asking again for what is already read ahead reads nothing more.
    ahead.ahead('10', 10);
    await feed.release();
    expect(feed.reads).toHaveLength(3);
  });

  it('with dense sequences, reads the page after beside this one, from where this one will most likely end', async () => {
    const feed = new Feed();
    feed.append(100);
    const ahead = new FeedReadAhead(feed, { depth: 2, guessNext: denseSeqGuess });
    ahead.ahead('0', 10);
    // Both asked of the store before either answered.
    expect(feed.reads).toEqual(['0+10', '10+10']);
    await feed.release();
    expect(feed.reads).toEqual(['0+10', '10+10']);
    const readsBefore = feed.reads.length;
    expect(ids(await read(ahead, feed, '0', 10))).toEqual(feed.expected('0', 10));
    expect(ids(await read(ahead, feed, '10', 10))).toEqual(feed.expected('10', 10));
    expect(feed.reads).toHaveLength(readsBefore);
  });

  it('drops a guess that proved wrong and reads the page from where the feed really went on', async () => {
    const feed = new Feed();
    feed.append(5);
    feed.skip(2);
    feed.append(50);
    const ahead = new FeedReadAhead(feed, { depth: 2, guessNext: denseSeqGuess });
    ahead.ahead('0', 10);
    await feed.release();
    // The first page ends at 12, not 10: the page from 12 is read, the one from 10 dropped.
    expect(feed.reads).toEqual(['0+10', '10+10', '12+10']);
    expect(ahead.size).toBe(2);
    const readsBefore = feed.reads.length;
    expect(ids(await read(ahead, feed, '0', 10))).toEqual(feed.expected('0', 10));
    expect(ids(await read(ahead, feed, '12', 10))).toEqual(feed.expected('12', 10));
    expect(feed.reads).toHaveLength(readsBefore);
    // Asked from the wrong guess all the same, the answer is the feed after it.
    expect(ids(await read(ahead, feed, '10', 10))).toEqual(feed.expected('10', 10));
  });

  it('guesses only from a plain sequence number', () => {
    expect(denseSeqGuess('1002', 1000)).toBe('2002');
    expect(denseSeqGuess('0', 5)).toBe('5');
    for (const opaque of ['12-g1AAAAB', '"12"', '', '01', '1e3', '-1', ' 12', '9'.repeat(20)]) expect(denseSeqGuess(opaque, 10), opaque).toBeUndefined();
  });

  it('stops at the end of the feed', async () => {
    const feed = new Feed();
    feed.append(15);
    const ahead = new FeedReadAhead(feed, { depth: 5 });
    ahead.ahead('0', 10);
    await feed.release();
    expect(feed.reads).toEqual(['0+10', '10+10']);
  });
});
