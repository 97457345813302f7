import {
  alarmId, ALARM_SEVERITY, canonicalJson, factRowId, hashRecordHex, parseRecord, SERVER_AUTHOR, subjectOf, syncRowSchema,
  type Alarm, type FactRow, type PushResult, type SyncRow, type UserId,
} from '@seal/shared';
import { refuseRow, type PushContext, type RowVerdict } from './pushContext';
import type { RowsRepo } from './rowsRepo';
import { validateChange } from './validateChange';
import { validateFact } from './validateFact';

/** What a row's identity is: a fact's body, a change's bytes (the envelope may differ between replicas). */
const identity = (row: SyncRow): string => (row.type === 'fact' ? canonicalJson({ kind: row.kind, body: row.body }) : `${row.kind}:${row.bytes}`);

/** The answer for a row the server already holds: the same fact again, or a second body under its id. */
function compareWithStored(row: SyncRow, stored: SyncRow): PushResult {
  if (identity(row) !== identity(stored)) {
    return { id: row.id, status: 'refused', code: 'fact_conflict', message: `"${row.id}" is already held with a different body: an id always carries the same bytes` };
  }
  return canonicalJson(row) === canonicalJson(stored) ? { id: row.id, status: 'duplicate' } : { id: row.id, status: 'duplicate', stored };
}

/** The alarm raised for a second body under a fact's id, as a server-authored fact row. */
async function conflictAlarm(stored: SyncRow, pushedBy: string, now: number): Promise<FactRow> {
  const ref = stored.id.length <= 480 ? stored.id : await hashRecordHex(stored.id);
  const alarm: Alarm = {
    id: alarmId('fact_conflict', ref), kind: 'fact_conflict', severity: ALARM_SEVERITY.fact_conflict,
    source: { kind: 'server', id: SERVER_AUTHOR }, ref,
    message: `user "${pushedBy}" pushed a different body under "${stored.id}"`, at: now,
  };
  return {
    id: factRowId('alarm', alarm.id), type: 'fact', kind: 'alarm', subject: subjectOf('alarm', alarm.kind),
    scopeUnitId: stored.scopeUnitId, author: SERVER_AUTHOR as UserId, createdAt: now, body: alarm as unknown as Record<string, unknown>,
  };
}

const idOf = (raw: unknown): string => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 600) : '(no id)';
};

/**
 * Validates and stores one pushed batch, in order. Each row is answered: `accepted` once the
 * store has confirmed it, `duplicate` when it was already held (a retry, or another replica's
 * copy), `refused` with a reason. A second body under a held id is refused and raises a
 * `fact_conflict` alarm. Throws when the store fails, so that nothing is acknowledged unwritten
 * and the client pushes the batch again.
 *
 * New rows are the common case, so the store is not asked first which ids it holds: rows are
 * validated and written, and only the ids the store reports as existing (and refused rows, in
 * case they are exact copies of a held row) are read back and compared.
 */
export async function pushRows(rawRows: readonly unknown[], ctx: PushContext, rows: RowsRepo, now: number, replica?: string): Promise<PushResult[]> {
  const results = new Array<PushResult | undefined>(rawRows.length);
  const parsed: (SyncRow | undefined)[] = rawRows.map((raw, i) => {
    const row = parseRecord(syncRowSchema, raw, 'a sync row');
    if (!row.ok) results[i] = { id: idOf(raw), status: 'refused', code: 'invalid_row', message: row.error.message };
    return row.ok ? row.value : undefined;
  });
  const pending: { index: number; row: SyncRow }[] = [];
  const repeats: { index: number; row: SyncRow }[] = [];
  const refused: { index: number; row: SyncRow }[] = [];
  const inBatch = new Map<string, SyncRow>();
  for (const [index, row] of parsed.entries()) {
    if (!row) continue;
    if (row.author !== ctx.user.id) {
      results[index] = { id: row.id, status: 'refused', code: 'forged_author', message: `expected rows authored by the signed-in user "${ctx.user.id}", got "${row.author}"` };
      refused.push({ index, row });
      continue;
    }
    const earlier = inBatch.get(row.id);
    if (earlier) {
      repeats.push({ index, row });
      continue;
    }
    let verdict: RowVerdict;
    try {
      verdict = row.type === 'fact' ? await validateFact(row, ctx) : await validateChange(row, ctx);
    } catch (error) {
      // A CanonicalEncodingError or a malformed key inside a body is the row's fault, not the server's.
      if (error instanceof TypeError || (error as Error).name === 'CanonicalEncodingError') verdict = refuseRow('invalid_row', (error as Error).message);
      else throw error;
    }
    if (!verdict.ok) {
      results[index] = { id: row.id, status: 'refused', code: verdict.error.code, message: verdict.error.message };
      refused.push({ index, row });
      continue;
    }
    pending.push({ index, row });
    inBatch.set(row.id, row);
  }
  const outcomes = await rows.createMany(pending.map((p) => p.row), replica);
  const held = pending.filter((_, i) => outcomes[i] === 'exists');
  pending.forEach(({ index, row }, i) => {
    if (outcomes[i] === 'written') results[index] = { id: row.id, status: 'accepted' };
  });
  // Read back what the store already held, and refused rows that may be a retry of a held row.
  const stored = await rows.getMany([...held, ...refused].map((p) => p.row.id));
  const alarms: FactRow[] = [];
  for (const { index, row } of held) {
    const winner = stored.get(row.id);
    if (!winner) throw new Error(`the store said "${row.id}" exists but does not return it`);
    results[index] = compareWithStored(row, winner);
    if (results[index].status === 'refused') alarms.push(await conflictAlarm(winner, ctx.user.id, now));
  }
  // A refused row that is exactly a held row is a copy of it coming back (a retry, or a replica
  // holding the server's copy of another replica's fact): a duplicate. Anything else stays
  // refused — a refused row never learns what the store holds, and never raises an alarm.
  for (const { index, row } of refused) {
    const winner = stored.get(row.id);
    if (winner && canonicalJson(row) === canonicalJson(winner)) results[index] = { id: row.id, status: 'duplicate' };
  }
  for (const { index, row } of repeats) results[index] = compareWithStored(row, stored.get(row.id) ?? inBatch.get(row.id)!);
  if (alarms.length > 0) await rows.createMany(alarms);
  return results.map((result, i) => result ?? { id: idOf(rawRows[i]), status: 'refused', code: 'invalid_row', message: 'not processed' });
}
