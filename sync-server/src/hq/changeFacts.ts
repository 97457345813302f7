import * as Automerge from '@automerge/automerge';
import { fromBase64Url, type ChangeFacts, type ChangeRow } from '@seal/shared';

/**
 * What a change row's Automerge bytes say, for the timeline: whether it is the record's first
 * change (no dependencies: its creation, whose whole record it then carries), the top-level fields
 * it sets, and its time. Bytes that do not decode give an update with no detail (they passed the
 * push's validation, so this does not happen with rows this server accepted).
 */
export function changeFactsOf(row: ChangeRow): ChangeFacts {
  try {
    const bytes = fromBase64Url(row.bytes);
    const change = Automerge.decodeChange(bytes);
    const fields = [...new Set(change.ops.filter((op) => op.obj === '_root' && typeof op.key === 'string').map((op) => op.key))].sort();
    // Automerge stamps seconds; a change made with an explicit millisecond time is taken as it is.
    const time = change.time > 0 ? (change.time > 1e11 ? change.time : change.time * 1000) : undefined;
    if (change.deps.length > 0) return { first: false, fields, ...(time === undefined ? {} : { time }) };
    const [doc] = Automerge.applyChanges(Automerge.init<unknown>(), [bytes]);
    const record = Automerge.toJS(doc) as Record<string, unknown>;
    return { first: true, record, fields, ...(time === undefined ? {} : { time }) };
  } catch {
    return { first: false };
  }
}
