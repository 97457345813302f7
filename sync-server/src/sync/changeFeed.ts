import type { RowsRepo } from './rowsRepo';

/** How long one long-poll of the store's change feed waits before asking again. */
const LONGPOLL_MS = 10_000;
/** Changes within this window are announced once. */
const COALESCE_MS = 50;
/** After the store failed to answer, wait this long before asking again. */
const RETRY_MS = 1_000;

/**
 * One long-poll of the store's `_changes` per server process, shared by every live stream, run
 * only while someone listens. It says only "something changed": each client then pulls from its
 * own checkpoint through the scoped pull, so the hint itself can carry nothing out of scope.
 */
export class ChangeFeed {
  private readonly listeners = new Set<() => void>();
  private running = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly rows: RowsRepo, private readonly onError: (error: unknown) => void) {}

  /** Calls `listener` after changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.running && !this.closed) void this.run();
    return () => this.listeners.delete(listener);
  }

  /** Stops the loop (its current long-poll ends on its own) and forgets every listener. */
  close(): void {
    this.closed = true;
    this.listeners.clear();
    clearTimeout(this.timer);
  }

  private announce(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const listener of [...this.listeners]) listener();
    }, COALESCE_MS);
  }

  private async run(): Promise<void> {
    this.running = true;
    let since: string | undefined;
    while (!this.closed && this.listeners.size > 0) {
      try {
        since ??= await this.rows.updateSeq();
        const next = await this.rows.waitForChange(since, LONGPOLL_MS);
        if (next !== since) {
          since = next;
          this.announce();
        }
      } catch (error) {
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    this.running = false;
  }
}
