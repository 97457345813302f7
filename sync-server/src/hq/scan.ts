import { HQ_BY_VIEW } from './hqDesign';
import type { HqStore, ViewRow } from './hqStore';

/** By-view row value: `[kind, unitId, sealId, deviceId, n]`. */
export type EventValue = [string, string, string | null, string | null, number | null];
export type EventRow = ViewRow<unknown[], EventValue>;

/** A position in the newest-first order: an event's time and tie-break. */
export interface Position {
  readonly at: number;
  readonly h: string;
}

/** Newest first: `a` before `b`. */
export const newerThan = (a: Position, b: Position): boolean => a.at > b.at || (a.at === b.at && a.h > b.h);

/** The position a by-view row stands at, whatever its prefix. */
export function positionOf(row: EventRow): Position {
  const n = row.key.length;
  return { at: row.key[n - 2] as number, h: row.key[n - 1] as string };
}

/**
 * One access path of the by-view (`['u', unitId]`, `['t']`…), read newest first in growing chunks
 * between `from` (inclusive) and an upper bound: `before` (exclusive, a cursor's position) or `to`
 * (exclusive).
 */
export class ViewStream {
  private buffer: EventRow[] = [];
  private done = false;
  private start: unknown[];
  private exclude: Position | undefined;
  private chunk: number;
  private readonly from: number;

  constructor(private readonly hq: HqStore, private readonly prefix: readonly unknown[], bounds: { from?: number | undefined; to?: number | undefined; before?: Position | undefined }, chunk: number, private readonly maxChunk = 2000) {
    this.from = bounds.from ?? 0;
    this.chunk = Math.max(1, chunk);
    if (bounds.before && (bounds.to === undefined || bounds.before.at < bounds.to)) {
      this.start = [...prefix, bounds.before.at, bounds.before.h];
      this.exclude = bounds.before;
      // A cursor below the period: nothing is left (the store refuses a reversed range).
      if (bounds.before.at < this.from) this.done = true;
    } else {
      this.start = bounds.to === undefined ? [...prefix, {}] : [...prefix, bounds.to - 1, {}];
      if (bounds.to !== undefined && bounds.to <= this.from) this.done = true;
    }
  }

  async head(): Promise<EventRow | undefined> {
    while (this.buffer.length === 0 && !this.done) await this.fill();
    return this.buffer[0];
  }

  shift(): EventRow | undefined {
    return this.buffer.shift();
  }

  private async fill(): Promise<void> {
    const rows = await this.hq.view<unknown[], EventValue>(HQ_BY_VIEW, { startkey: this.start, endkey: [...this.prefix, this.from], descending: true, limit: this.chunk });
    if (rows.length < this.chunk) this.done = true;
    const exclude = this.exclude;
    // The start key is inclusive: the row at it was read already (or is the cursor's own event).
    this.buffer = exclude ? rows.filter((row) => { const p = positionOf(row); return p.at !== exclude.at || p.h !== exclude.h; }) : rows;
    const last = rows.at(-1);
    if (last) {
      this.start = last.key;
      this.exclude = positionOf(last);
    }
    this.chunk = Math.min(this.maxChunk, this.chunk * 2);
  }
}
