import type { RowChangesPage, RowsRepo } from './rowsRepo';

/** How long a page read ahead is kept for the request that asks for it. */
const DEFAULT_TTL_MS = 10_000;
/** Changes held in pages read ahead, all pages together (the sum of their sizes); the oldest page goes first. */
const DEFAULT_MAX_CHANGES = 4_000;
/** Reads ahead in flight at once, all replicas together: past that, nothing more is read ahead until one is in. */
const DEFAULT_MAX_IN_FLIGHT = 4;
/** Pages read ahead of a replica's position: two keep the store reading while the server answers. */
const DEFAULT_DEPTH = 2;

export interface FeedReadAheadOptions {
  readonly ttlMs?: number;
  readonly maxChanges?: number;
  readonly maxInFlight?: number;
  readonly depth?: number;
  readonly now?: () => number;
  /** Where a page most likely ends (see {@link denseSeqGuess}); none: the page after is read once this one is in. */
  readonly guessNext?: (since: string, limit: number) => string | undefined;
}

interface Ahead {
  readonly page: Promise<RowChangesPage>;
  readonly at: number;
  readonly limit: number;
  /** Evicted (too old, or too much held) before anyone took it: nothing is read on from it. */
  dropped: boolean;
}

/**
 * Read-ahead of the store's change feed for pulls. A pull whose scan stops at the end of a full
 * page, with more to read, starts reading the next page of the feed at once (`ahead`), while its
 * answer is still being sent and the replica parses it; the replica's next request, asking from
 * exactly there for a page of the same size, takes that page (`read`) instead of waiting for the
 * store. A replica catching up thus does not wait for the store between its pages.
 *
 * A page read ahead is the feed as the store had it a moment earlier. Rows are never changed or
 * deleted (the store's validation refuses both), only added after the feed's end, so a full page
 * holds exactly the rows a read now would give from there. (A design document rewritten meanwhile
 * moves from its place in the feed to its end: the page read earlier lists its old change, which
 * carries no row, where a read now would list one more row change — which the next page then
 * brings. Nothing is skipped either way.) A page that was short (the feed's end then) is read
 * again. Pages hold the store's rows of every scope, as the feed does; each request filters the
 * page by its own user's scope of that moment, exactly as a page it read itself (the key is the
 * feed's position and the page's size, never a user).
 *
 * Bounded: a page is taken once; pages are dropped after `ttlMs` (swept by a timer), the oldest
 * first once they hold `maxChanges` changes together, and no more than `maxInFlight` reads ahead
 * run at once (more are simply not started). A read ahead that failed is not reported: the
 * request that wanted it reads the page itself.
 */
export class FeedReadAhead {
  private readonly pages = new Map<string, Ahead>();
  private sweep: ReturnType<typeof setTimeout> | undefined;
  /** Reads ahead not answered yet, whether their page is still held, taken or dropped. */
  private running = 0;
  /** Reads answered from a page read ahead, and those that went to the store (for tests and benches). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(private readonly rows: Pick<RowsRepo, 'changesSince'>, private readonly options: FeedReadAheadOptions = {}) {
    for (const key of ['ttlMs', 'maxChanges', 'maxInFlight', 'depth'] as const) {
      const value = options[key];
      if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new RangeError(`FeedReadAhead: ${key} must be a whole number of at least 1, got ${value}`);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The page of `limit` changes after `since`: the one read ahead for exactly this, if fresh and full, else read now. */
  async read(since: string, limit: number): Promise<RowChangesPage> {
    // One past its time is dropped, not served.
    this.dropStale();
    const key = keyOf(since, limit);
    const ahead = this.pages.get(key);
    // Taken, not dropped: the pages after it are still read ahead.
    this.pages.delete(key);
    if (ahead) {
      try {
        const page = await ahead.page;
        // Only a full page is the same now as when it was read: a short one reached the end of the
        // feed then, and rows written since belong in this answer.
        if (page.entries.length === limit) {
          this.stats.hits++;
          return page;
        }
      } catch {
        // The read ahead failed (the store was briefly away): read it now, and fail here if it still does.
      }
    }
    this.stats.misses++;
    return this.rows.changesSince(since, limit);
  }

  /**
   * Starts reading the page of `limit` changes after `since`, for the request that will ask for
   * it, and once that page is in and full, the `depth - 1` pages after it. Where the store's
   * sequences are dense numbers (`guessNext`), the page after is read at once from where this one
   * will most likely end, beside it, instead of after it: the store then reads the two together.
   * A guess is only ever a position: the page read from it is the feed after it, whoever asks; one
   * that proves wrong (this page ended elsewhere) is dropped and the right one read.
   */
  ahead(since: string, limit: number, depth = this.options.depth ?? DEFAULT_DEPTH): void {
    if (depth < 1) return;
    const key = keyOf(since, limit);
    let entry = this.pages.get(key);
    if (!entry) {
      this.dropStale();
      if (this.running >= (this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) return;
      const maxChanges = this.options.maxChanges ?? DEFAULT_MAX_CHANGES;
      if (limit > maxChanges) return;
      while (this.held() + limit > maxChanges) this.drop(this.pages.keys().next().value!);
      const created: Ahead = { page: this.rows.changesSince(since, limit), at: this.now(), limit, dropped: false };
      this.running++;
      const settled = () => {
        this.running--;
      };
      created.page.then(settled, settled);
      this.pages.set(key, created);
      this.sweepLater();
      entry = created;
    }
    const guess = depth > 1 ? this.options.guessNext?.(since, limit) : undefined;
    if (guess !== undefined) this.ahead(guess, limit, depth - 1);
    const held = entry;
    held.page.then(
      (read) => {
        const last = read.entries.at(-1);
        // A guess proved wrong is not wanted (a request that took it meanwhile got the feed after its position all the same).
        if (guess !== undefined && last?.seq !== guess) this.drop(keyOf(guess, limit));
        // Not dropped (waiting, or taken by the request that wanted it), and not the end of the feed: read on.
        if (!held.dropped && read.entries.length === limit && last) this.ahead(last.seq, limit, depth - 1);
      },
      () => {
        if (guess !== undefined) this.drop(keyOf(guess, limit));
      },
    );
  }

  /** Pages held now (for tests). */
  get size(): number {
    return this.pages.size;
  }

  private held(): number {
    let changes = 0;
    for (const entry of this.pages.values()) changes += entry.limit;
    return changes;
  }

  private dropStale(): void {
    const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
    for (const [key, { at }] of this.pages) if (this.now() - at > ttl) this.drop(key);
  }

  /** Drops what is past its time once it is, whether or not anyone pulls meanwhile. */
  private sweepLater(): void {
    if (this.sweep !== undefined) return;
    this.sweep = setTimeout(() => {
      this.sweep = undefined;
      this.dropStale();
      if (this.pages.size > 0) this.sweepLater();
    }, (this.options.ttlMs ?? DEFAULT_TTL_MS) + 1);
    this.sweep.unref?.();
  }

  private drop(key: string): void {
    const entry = this.pages.get(key);
    if (entry) entry.dropped = true;
    this.pages.delete(key);
  }
}

const keyOf = (since: string, limit: number): string => `${limit} ${since}`;

/**
 * Where a page of the embedded store's feed most likely ends: its sequences number its writes one
 * by one, and rows are written once, so `limit` changes after `since` end at `since + limit`
 * unless a design document was rewritten meanwhile. A CouchDB cluster's sequences are opaque: no
 * guess there.
 */
export const denseSeqGuess = (since: string, limit: number): string | undefined => (/^(0|[1-9]\d{0,14})$/.test(since) ? String(Number(since) + limit) : undefined);
