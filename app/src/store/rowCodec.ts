import { canonicalJson, type SyncRow } from '@seal/shared';
import type { Refusal } from './collections';

/** A row without RxDB's own fields (`_deleted`, `_meta`, `_rev`, `_attachments`): exactly what replicates. */
export function asRow(data: unknown): SyncRow {
  const doc = data as SyncRow & Record<string, unknown>;
  const envelope = { id: doc.id, subject: doc.subject, scopeUnitId: doc.scopeUnitId, author: doc.author, createdAt: doc.createdAt, kind: doc.kind };
  return (doc.type === 'fact' ? { ...envelope, type: 'fact', body: doc.body } : { ...envelope, type: 'change', bytes: doc.bytes }) as SyncRow;
}

/** Whether a refusal concerns exactly this row (a pulled row under a refused id may be the server's, valid one). */
export const isRefusedRow = (row: SyncRow, refusal: Refusal | undefined): boolean =>
  refusal !== undefined && canonicalJson(asRow(row)) === canonicalJson(asRow(refusal.row));

/** Whether two copies are the same row (RxDB's own fields aside). */
export const sameRow = (a: SyncRow, b: SyncRow): boolean => canonicalJson(asRow(a)) === canonicalJson(asRow(b));
