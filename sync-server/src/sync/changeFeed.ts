import { pushedBy } from './ownRows';
import type { RowsRepo } from './rowsRepo';

/** How long one long-poll of the store's change feed waits before asking again. */
const LONGPOLL_MS = 10_000;
/** Changes within this window are announced once. */
const COALESCE_MS = 50;
/** After the store failed to answer, wait this long before asking again. */
const RETRY_MS = 1_000;
/** Changes read per page when finding out which units a change touched. */
const PAGE = 500;

/**
 * What a batch of changes touched: the scope unit of each changed row, with who pushed the rows
 * changed there, from which replica (`pushedBy`; `null` for a row no replica pushed: one the
 * server made, such as an alarm). Nothing else.
 */
export type ChangedUnits = ReadonlyMap<string, ReadonlySet<string | null>>;

/** Adds one changed row (its unit, the replica that pushed it) to `units`. */
function noteChange(units: Map<string, Set<string | null>>, unitId: string, origin: string | null): void {
  const origins = units.get(unitId);
  if (origins) origins.add(origin);
  else units.set(unitId, new Set([origin]));
}

/**
 * One long-poll of the store's `_changes` per server process, shared by every live stream, run
 * only while someone listens. It announces which units' rows changed (each row's `scopeUnitId`),
 * so that each stream hints only users whose scope covers one of them; the hint itself still
 * carries nothing, and each client pulls from its own checkpoint through the scoped pull.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(units: ChangedUnits) => void>();
  private running = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending = new Map<string, Set<string | null>>();

  constructor(private readonly rows: RowsRepo, private readonly onError: (error: unknown) => void) {}

  /** Calls `listener` with the units whose rows changed; returns the unsubscribe function. */
  subscribe(listener: (units: ChangedUnits) => void): () => void {
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

  private announce(units: ChangedUnits): void {
    for (const [unit, origins] of units) for (const origin of origins) noteChange(this.pending, unit, origin);
    if (this.timer !== undefined || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = this.pending;
      this.pending = new Map();
      for (const listener of [...this.listeners]) listener(batch);
    }, COALESCE_MS);
  }

  /** Reads the changes after `since` (with their rows) and returns the units they touched, by whom, and where they end. */
  private async unitsAfter(since: string): Promise<{ units: ChangedUnits; last: string }> {
    const units = new Map<string, Set<string | null>>();
    let cursor = since;
    for (;;) {
      const page = await this.rows.changesSince(cursor, PAGE);
      for (const entry of page.entries) if (entry.row) noteChange(units, entry.row.scopeUnitId, entry.origin === undefined ? null : pushedBy(entry.row.author, entry.origin));
      if (page.entries.length === 0) return { units, last: cursor };
      cursor = page.lastSeq;
      if (page.entries.length < PAGE) return { units, last: cursor };
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    let since: string | undefined;
    while (!this.closed && this.listeners.size > 0) {
      try {
        since ??= await this.rows.updateSeq();
        const next = await this.rows.waitForChange(since, LONGPOLL_MS);
        if (next !== since) {
          const { units, last } = await this.unitsAfter(since);
          since = last;
          this.announce(units);
        }
      } catch (error) {
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    this.running = false;
  }
}
