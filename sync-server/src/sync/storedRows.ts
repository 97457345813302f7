import type { FactRow, SyncRow } from '@seal/shared';

/**
 * A row as stored: the row itself under `_id` = row id (no field of ours starts with `_`), and
 * `origin`, the replica that pushed it (kept out of that replica's pulls when its author is the
 * replica's user, and out of its live hints; never sent to clients).
 */
export type StoredRow = SyncRow & { readonly _id: string; readonly _rev?: string; readonly origin?: string };

/** The row of a stored document (the store's fields and `origin` left out). */
export const rowFromDoc = (doc: StoredRow): SyncRow => {
  const { _id: _i, _rev: _r, origin: _o, ...row } = doc;
  return row;
};

/** A store sequence as text (CouchDB 3 answers strings, the embedded store numbers). */
export const seqText = (seq: unknown): string => (typeof seq === 'string' ? seq : JSON.stringify(seq));

/** The number at the front of a sequence (`123` or `"123-g1AAA…"`), for estimates only. */
export function seqNumber(seq: string): number {
  const n = Number.parseInt(seq.replace(/^"/, ''), 10);
  return Number.isFinite(n) ? n : 0;
}

/** How many entries one read of the `device_log` view brings. */
const DEVICE_LOG_PAGE = 500;

/**
 * A device's stored entries from `fromSeq` to `toSeq`, in seq order, through the `device_log` view
 * a page at a time: what is stored, however wide the span (never one read per seq).
 */
export async function storedBetween(
  rows: { deviceEntries(deviceId: string, fromSeq: number, toSeq: number, limit: number): Promise<FactRow[]> }, deviceId: string, fromSeq: number, toSeq: number,
): Promise<FactRow[]> {
  const found: FactRow[] = [];
  for (let from = fromSeq; from <= toSeq;) {
    const page = await rows.deviceEntries(deviceId, from, toSeq, DEVICE_LOG_PAGE);
    found.push(...page);
    const lastSeq = (page.at(-1)?.body as { seq?: unknown } | undefined)?.seq;
    if (page.length < DEVICE_LOG_PAGE || typeof lastSeq !== 'number') break;
    from = lastSeq + 1;
  }
  return found;
}
