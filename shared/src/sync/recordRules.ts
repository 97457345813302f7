import { canonicalJson } from '../encoding/canonical';
import { refuse, ok, type Refusal, type Result } from '../result';
import { parseRecord } from '../validation/parseRecord';
import { plainJsonProblem } from '../validation/plainJsonProblem';
import type { RecordKind } from './kinds';
import { recordSchemas, type RecordOf } from './recordSchemas';

/**
 * Fields a record keeps from its creation on, by kind. Each is part of what the record IS:
 * - every record keeps its `id` and its `unitId` (its scope: moving a record is making a new one);
 * - a seal keeps its `kind` and `form`: they decide its approval route and whether a device holds
 *   it, so a seal that changed them would carry old bindings and approvals over to other terms;
 * - a device keeps its `publicKeyJwk`: its whole log is checked with it, so a new key would
 *   unverify the past entries and let another key's entries in (a new key is a new device);
 * - a request keeps its `requesterId`: the requester is the only holder its grants name;
 * - seals and requests keep `createdAt`, devices `provisionedAt`: history, not state.
 */
export const FIXED_RECORD_FIELDS: Readonly<Record<RecordKind, readonly string[]>> = {
  seal: ['id', 'unitId', 'kind', 'form', 'createdAt'],
  device: ['id', 'unitId', 'publicKeyJwk', 'provisionedAt'],
  request: ['id', 'unitId', 'requesterId', 'createdAt'],
  profile: ['id', 'unitId'],
};

/** Why an edit of a record is refused. */
export type RecordEditRefusalCode = 'record_exists' | 'unknown_record' | 'invalid_record';

/** One edit of a mutable record: the document before (`null` when none is held) and after it. */
export interface RecordEdit<K extends RecordKind> {
  readonly kind: K;
  readonly recordId: string;
  /** Whether the edit creates the record (an Automerge change that depends on nothing). */
  readonly creation: boolean;
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: unknown;
}

const shown = (value: unknown): string => (value === undefined ? 'nothing' : canonicalJson(value));

/**
 * Judges an edit of a record, the same in the app's record editor and on the server
 * (`validateChange`): a creation only of a record not held yet (a second creation would merge
 * into the first as a concurrent edit, overwriting its fields), an edit only of a held one; the
 * result plain JSON (no `__proto__` smuggled through a decoded document), satisfying its kind's
 * strict schema (unknown fields refused), under its own id, with the fields it keeps from its
 * creation unchanged (`FIXED_RECORD_FIELDS`). Ok with the typed record. Who may make the edit is
 * policy's (`RECORD_ACTIONS`, `can`), not this.
 */
export function judgeRecordEdit<K extends RecordKind>(edit: RecordEdit<K>): Result<RecordOf<K>, Refusal<RecordEditRefusalCode>> {
  const { kind, recordId, before, after } = edit;
  if (edit.creation && before !== null) return refuse('record_exists', `expected a new ${kind}, got a second creation of ${kind} "${recordId}", which exists: a record is created once, then edited`);
  if (!edit.creation && before === null) return refuse('unknown_record', `expected an edit of a held ${kind}, got one of ${kind} "${recordId}", which does not exist`);
  const problem = plainJsonProblem(after);
  if (problem !== undefined) return refuse('invalid_record', `expected a ${kind} record of plain JSON data: ${problem}`);
  const parsed = parseRecord(recordSchemas[kind], after, `a ${kind} record`);
  if (!parsed.ok) return parsed;
  const record = parsed.value as RecordOf<K> & { readonly id: string };
  if (record.id !== recordId) return refuse('invalid_record', `expected ${kind} "${recordId}" to keep its id, got "${record.id}"`);
  if (before !== null) {
    for (const field of FIXED_RECORD_FIELDS[kind]) {
      const was = before[field];
      const now = (record as unknown as Record<string, unknown>)[field];
      if (shown(was) !== shown(now)) {
        return refuse('invalid_record', `expected ${kind} "${recordId}" to keep its ${field} ${shown(was)}, got ${shown(now)}: it is fixed at creation (a ${kind} with another ${field} is a new ${kind}, under a new id)`);
      }
    }
  }
  return ok(record);
}
