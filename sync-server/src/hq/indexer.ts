import type { RowsRepo } from '../sync/rowsRepo';
import { BindingCache, deriveEvents } from './derive';
import type { HqStore } from './hqStore';
import { flushPending, Pending } from './rollups';

export interface IndexerOptions {
  /** Rows read per page of the store's change feed. */
  readonly page?: number;
  /** Events indexed between two checkpoints (postings and aggregates are stored at each). */
  readonly flushEvery?: number;
  /** Told of each step of a run (`page`: events written; `flush`: postings and aggregates stored, with how many events). */
  readonly onProgress?: (step: 'page' | 'flush', count: number) => void;
}

/**
 * Follows the `rows` database's change feed into the HQ index: it derives each row's timeline
 * event, and every `flushEvery` events stores their postings (one document per access path
 * and time bucket), requests and bindings merged in, the touched days' counts and aggregates
 * recomputed, and the checkpoint (a document in the index, never process memory). Every write is
 * idempotent — event ids are row ids, merges are unions, aggregates are recomputed from the
 * stored postings — so two instances indexing the same rows, or one resuming after a crash from an
 * older checkpoint, end in the same index (ADR 006).
 */
export class HqIndexer {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly page: number;
  private readonly flushEvery: number;
  private readonly progress: NonNullable<IndexerOptions['onProgress']>;

  constructor(private readonly rows: RowsRepo, private readonly hq: HqStore, options: IndexerOptions = {}) {
    this.page = options.page ?? 1000;
    this.flushEvery = options.flushEvery ?? 50_000;
    this.progress = options.onProgress ?? (() => undefined);
  }

  /**
   * Brings the index up to every row stored before the call (read-your-writes): a run already
   * going may have read the feed before the caller's write, so one more run follows it.
   */
  catchUp(): Promise<void> {
    if (!this.running) {
      this.running = this.run().finally(() => { this.running = undefined; });
      return this.running;
    }
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.catchUp();
    });
    return this.queued;
  }

  private async run(): Promise<void> {
    const start = (await this.hq.checkpoint()).seq;
    let since = start;
    let pending = new Pending();
    const bindings = new BindingCache();
    for (;;) {
      const page = await this.rows.changesSince(since, this.page);
      if (page.entries.length === 0) break;
      const rows = page.entries.flatMap((entry) => (entry.row ? [entry.row] : []));
      const events = await deriveEvents(rows, this.hq, this.rows, bindings);
      pending.note(events);
      this.progress('page', events.length);
      since = page.lastSeq;
      if (pending.events >= this.flushEvery) {
        this.progress('flush', pending.events);
        await flushPending(this.hq, pending);
        await this.hq.saveCheckpoint(since);
        pending = new Pending();
      }
      if (page.entries.length < this.page) break;
    }
    if (pending.events > 0) {
      this.progress('flush', pending.events);
      await flushPending(this.hq, pending);
    }
    if (since !== start) await this.hq.saveCheckpoint(since);
  }
}
