import { compareText } from '../domain/compare';
import { fromBase64Url } from '../encoding/base64url';

/**
 * Builds a record's document from its change rows, the same way on the server and on every
 * replica. `apply` builds a fresh document from a list of Automerge changes (it throws when one
 * does not apply). All of them at once first — Automerge orders changes by their dependencies.
 * Should that throw (two changes under one actor's sequence number, written side by side through
 * two server instances; bytes that do not decode), the changes are taken one at a time in row-id
 * order and each that does not apply to those kept is left out: the record still loads, every
 * replica leaves out the same rows, and `skipped` names them. A change whose dependencies were
 * left out stays pending inside the document, as Automerge keeps it.
 */
export function applyChangeRows<D>(apply: (changes: readonly Uint8Array[]) => D, rows: readonly { readonly id: string; readonly bytes: string }[]): { readonly doc: D; readonly skipped: readonly string[] } {
  try {
    return { doc: apply(rows.map((row) => fromBase64Url(row.bytes))), skipped: [] };
  } catch {
    // Some row does not apply: find which, one at a time, below.
  }
  const kept: Uint8Array[] = [];
  const skipped: string[] = [];
  for (const row of [...rows].sort((a, b) => compareText(a.id, b.id))) {
    try {
      const bytes = fromBase64Url(row.bytes);
      apply([...kept, bytes]);
      kept.push(bytes);
    } catch {
      skipped.push(row.id);
    }
  }
  return { doc: apply(kept), skipped };
}
