import { canonicalJson } from '../encoding/canonical';
import type { SyncRow } from './rows';

/**
 * What a row is, whoever recorded it: a fact's kind and body, a change's kind and bytes. The
 * envelope (author, time, unit) may differ between two replicas that recorded the same fact; a
 * second identity under one id is a conflict (the server refuses it, `fact_conflict`, and raises
 * an alarm; a device log entry's is a fork). Decided here for the server's push and the app's pull.
 */
export const rowIdentity = (row: SyncRow): string =>
  row.type === 'fact' ? canonicalJson({ kind: row.kind, body: row.body }) : `${row.kind}:${row.bytes}`;

/** Whether two rows under one id are the same fact (or change), whatever their envelopes. */
export const sameIdentity = (a: SyncRow, b: SyncRow): boolean => rowIdentity(a) === rowIdentity(b);
