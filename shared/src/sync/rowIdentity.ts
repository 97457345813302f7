import { canonicalJson } from '../encoding/canonical';
import { lowSForm } from '../crypto/signatureTwin';
import type { FactRow, SyncRow } from './rows';

/**
 * What a row is, whoever recorded it: a fact's kind and body, a change's kind and bytes. The
 * envelope (author, time, unit) may differ between two replicas that recorded the same fact; a
 * second identity under one id is a conflict (the server refuses it, `fact_conflict`, and raises
 * an alarm; a device log entry's is a fork). Decided here for the server's push and the app's pull.
 */
export const rowIdentity = (row: SyncRow): string =>
  row.type === 'fact' ? canonicalJson({ kind: row.kind, body: factIdentityBody(row) }) : `${row.kind}:${row.bytes}`;

/**
 * A fact's body as its identity: as it is, but a device log entry's signature in its low-`s`
 * form (`lowSForm`). Anyone can turn an ECDSA signature into its twin without the key; the two
 * copies are one entry the device signed once, not a fork.
 */
function factIdentityBody(row: FactRow): Record<string, unknown> {
  const signature = row.body.signature;
  return row.kind === 'device_event' && typeof signature === 'string' ? { ...row.body, signature: lowSForm(signature) } : row.body;
}

/** Whether two rows under one id are the same fact (or change), whatever their envelopes. */
export const sameIdentity = (a: SyncRow, b: SyncRow): boolean => rowIdentity(a) === rowIdentity(b);
