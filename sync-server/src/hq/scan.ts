import type { HqStore } from './hqStore';
import { bucketWidth, decodeEntries, postingDocId, type Posting, type PostingDoc } from './postings';

/** An event as a page reads it: its posting (see `Posting`). */
export type EventRow = Posting;

/** A position in the newest-first order: an event's time and tie-break. */
export interface Position {
  readonly at: number;
  readonly h: string;
}

/** Newest first: `a` before `b`. */
export const newerThan = (a: Position, b: Position): boolean => a.at > b.at || (a.at === b.at && a.h > b.h);

/** The position an event stands at, whatever the path it was read from. */
export const positionOf = (row: EventRow): Position => ({ at: row[0], h: row[1] });

/** Posting documents read at most in one request. */
const MAX_CHUNK = 64;

/**
 * One access path (`t`, `u:unitId`…: see `pathsOfEvent`) read newest first, bucket document by
 * bucket document (a descending `_all_docs` range, in growing chunks), between `from`
 * (inclusive) and `to` (exclusive), strictly after `before` (a cursor's position) when given.
 */
export class PathStream {
  private buffer: EventRow[] = [];
  private done = false;
  /** The highest bucket start still to read. */
  private high: number;
  private readonly low: number;
  private chunk = 1;

  constructor(private readonly hq: HqStore, private readonly path: string, private readonly bounds: { from?: number | undefined; to?: number | undefined; before?: Position | undefined }) {
    const width = bucketWidth(path);
    const top = Math.min(bounds.to === undefined ? Number.MAX_SAFE_INTEGER : bounds.to - 1, bounds.before?.at ?? Number.MAX_SAFE_INTEGER);
    const from = bounds.from ?? 0;
    this.high = Math.min(top - (top % width), 999_999_999_999_999);
    this.low = from - (from % width);
    // A cursor or `to` below the period: nothing is left (the store refuses a reversed range).
    if (top < from) this.done = true;
  }

  async head(): Promise<EventRow | undefined> {
    while (this.buffer.length === 0 && !this.done) await this.fill();
    return this.buffer[0];
  }

  shift(): EventRow | undefined {
    return this.buffer.shift();
  }

  private keeps(row: EventRow): boolean {
    const { from, to, before } = this.bounds;
    return (from === undefined || row[0] >= from) && (to === undefined || row[0] < to) && (!before || newerThan(before, positionOf(row)));
  }

  private async fill(): Promise<void> {
    const docs = await this.hq.range<PostingDoc>(postingDocId(this.path, this.high), postingDocId(this.path, this.low), { descending: true, limit: this.chunk });
    if (docs.length < this.chunk) this.done = true;
    for (const doc of docs) for (const row of decodeEntries(doc)) if (this.keeps(row)) this.buffer.push(row);
    const last = docs.at(-1);
    if (last) {
      this.high = last.bucket - 1;
      if (this.high < this.low) this.done = true;
    }
    // Sparse paths (a rare kind, a quiet site) hold few postings a document: read more at a time.
    this.chunk = Math.min(MAX_CHUNK, this.chunk * 4);
  }
}
