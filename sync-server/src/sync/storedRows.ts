import type { SyncRow } from '@seal/shared';

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
