import { OUTBOX_STATE_PREFIX, type LocalDoc, type OutboxEntry } from './collections';

/** One row waiting to go up: its id, when it was noted, its place in the order, and whether its bytes are to be checked (`OutboxEntry.bytesKept`). */
export interface WaitingRow {
  readonly key: string;
  readonly at: number;
  readonly seq: number;
  readonly bytesKept: boolean;
}

/** An outbox entry as read: its key, time, order, rows and mark. */
export interface ReadEntry {
  readonly key: string;
  readonly at: number;
  readonly seq: number;
  readonly ids: readonly string[];
  readonly bytesKept: boolean;
}

/**
 * The rows waiting to go up, from the outbox's entries and those of older versions (one per row),
 * in the order they go up (an entry's `seq`, then the row's place in it), each once: a row noted
 * again (the same fact recorded again after a write that never ended) goes where, and counts
 * from when, it was noted last, as an older version's entry, written again, did. Its bytes are
 * checked if any of its entries says so.
 */
export function waitingRows(entries: readonly ReadEntry[], older: readonly LocalDoc<'outbox'>[]): WaitingRow[] {
  const noted: (WaitingRow & { place: number })[] = [];
  for (const doc of older) noted.push({ key: doc.key, at: doc.at, seq: doc.data?.seq ?? doc.at * 1000, place: 0, bytesKept: true });
  for (const entry of entries) entry.ids.forEach((key, place) => noted.push({ key, at: entry.at, seq: entry.seq, place, bytesKept: entry.bytesKept }));
  noted.sort((a, b) => a.seq - b.seq || a.place - b.place);
  const last = new Map(noted.map((row, i) => [row.key, i]));
  const checked = new Set(noted.filter((row) => row.bytesKept).map((row) => row.key));
  return noted.filter((row, i) => last.get(row.key) === i).map(({ key, at, seq }) => ({ key, at, seq, bytesKept: checked.has(key) }));
}

/** Whether a local entry is an outbox entry (see `OutboxEntry`). */
export const isOutboxEntry = (doc: Pick<LocalDoc, 'type' | 'key'> | undefined): boolean => doc?.type === 'state' && doc.key.startsWith(OUTBOX_STATE_PREFIX);

/** An outbox entry's key, time, order, rows and mark (ids that are not strings, written by no version of this app, are left out; no mark: written before marks, checked). */
export function asEntry(doc: Pick<LocalDoc, 'key' | 'at' | 'data'>): ReadEntry {
  const data = doc.data as Partial<OutboxEntry> | null;
  const ids = Array.isArray(data?.ids) ? data.ids.filter((id): id is string => typeof id === 'string') : [];
  return { key: doc.key, at: doc.at, seq: typeof data?.seq === 'number' ? data.seq : doc.at * 1000, ids, bytesKept: data?.bytesKept !== false };
}
