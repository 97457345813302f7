import type { RowChangesPage, RowsRepo } from './rowsRepo';

/** How long a page read ahead is kept for the request that asks for it. */
const DEFAULT_TTL_MS = 10_000;
/** Pages read ahead held at once (each at most one pull's page of the feed); the oldest goes first. */
const DEFAULT_MAX_PAGES = 16;
/** Pages read ahead of a replica's position: two keep the store reading while the server answers. */
const DEFAULT_DEPTH = 2;

interface Ahead {
  readonly page: Promise<RowChangesPage>;
  readonly at: number;
  /** Evicted (too old, or too many held) before anyone took it: nothing is read on from it. */
  dropped: boolean;
}

/**
 * Read-ahead of the store's change feed for pulls. A pull that stops with more to read starts
 * reading the next page of the feed at once (`ahead`), while its answer is still being sent and
 * the replica parses it; the replica's next request, asking from exactly there, takes that page
 * (`read`) instead of waiting for the store. A replica catching up thus never waits for the store
 * between its pages: the store reads the next page while the server and the replica handle this one.
 *
 * A page read ahead is the feed as the store had it a moment earlier. Rows are never changed or
 * deleted (the store's validation refuses both), only added after the feed's end, so a full page
 * is exactly what the next request would read itself; one that was short (the end of the feed
 * then) is read again. It holds the store's rows of every scope, as the
 * feed does; each request filters it by its own user's scope of that moment, exactly as a page
 * read then (the key is the feed's position and page size, never a user). A page is taken once;
 * pages are dropped after `ttlMs`, and at most `maxPages` are held. A read ahead that failed is
 * not reported: the request that wanted it reads the page itself.
 */
export class FeedReadAhead {
  private readonly pages = new Map<string, Ahead>();

  constructor(
    private readonly rows: Pick<RowsRepo, 'changesSince'>,
    private readonly options: { readonly ttlMs?: number; readonly maxPages?: number; readonly depth?: number; readonly now?: () => number; readonly guessNext?: (since: string, limit: number) => string | undefined } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The page of `limit` changes after `since`: the one read ahead for exactly this, if fresh, else read now. */
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
        if (page.entries.length === limit) return page;
      } catch {
        // The read ahead failed (the store was briefly away): read it now, and fail here if it still does.
      }
    }
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
      while (this.pages.size >= (this.options.maxPages ?? DEFAULT_MAX_PAGES)) this.drop(this.pages.keys().next().value!);
      entry = { page: this.rows.changesSince(since, limit), at: this.now(), dropped: false };
      this.pages.set(key, entry);
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

  private dropStale(): void {
    const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
    for (const [key, { at }] of this.pages) if (this.now() - at > ttl) this.drop(key);
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
