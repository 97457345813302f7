import {
  CanonicalEncodingError, canonicalJson, hashRecordHex, parseRecord, sameIdentity, syncRowSchema,
  type DeviceEvent, type FactRow, type PushResult, type SyncRow,
} from '@seal/shared';
import { auditDeviceLogs } from './auditDeviceLogs';
import { covers, refuseRow, type PushContext, type RowVerdict } from './pushContext';
import { prefetchBatch } from './prefetchBatch';
import type { RowsRepo } from './rowsRepo';
import { deviceEntryRef, serverAlarmRow } from './serverAlarm';
import { validateChange } from './validateChange';
import { validateFact } from './validateFact';

/**
 * The answer for a row the server already holds: the same fact again, or a second body under its
 * id (`sameIdentity`). The server's copy goes back only to someone who may read it: a fact first
 * recorded in a unit the pusher does not cover (the same body, filed elsewhere) is a duplicate
 * whose copy — its unit, author and time — stays where it is.
 */
function compareWithStored(row: SyncRow, stored: SyncRow, ctx: PushContext): PushResult {
  if (!sameIdentity(row, stored)) {
    return { id: row.id, status: 'refused', code: 'fact_conflict', message: `"${row.id}" is already held with a different body: an id always carries the same bytes` };
  }
  if (canonicalJson(row) === canonicalJson(stored) || !covers(ctx.user, stored.scopeUnitId, ctx.tree).ok) return { id: row.id, status: 'duplicate' };
  return { id: row.id, status: 'duplicate', stored };
}

const isDeviceEntry = (row: SyncRow): row is FactRow => row.type === 'fact' && row.kind === 'device_event';

/**
 * The alarm raised for a second body under a fact's id. For a device log entry it is a fork: the
 * second body passed validation, so the device key signed two entries for one seq.
 */
async function conflictAlarm(stored: SyncRow, pushedBy: string, at: number): Promise<FactRow> {
  if (isDeviceEntry(stored)) {
    const { deviceId, seq } = stored.body as unknown as DeviceEvent;
    const message = `device "${deviceId}" signed two different entries for seq ${seq}: the one held, and the one user "${pushedBy}" pushed; the device's history diverged (e.g. its storage was rolled back)`;
    return serverAlarmRow({ kind: 'log_fork', ref: deviceEntryRef(deviceId, seq), message, scopeUnitId: stored.scopeUnitId, at });
  }
  const ref = stored.id.length <= 480 ? stored.id : await hashRecordHex(stored.id);
  return serverAlarmRow({ kind: 'fact_conflict', ref, message: `user "${pushedBy}" pushed a different body under "${stored.id}"`, scopeUnitId: stored.scopeUnitId, at });
}

/**
 * Device log entries refused in one push because their signature does not verify (altered after
 * signing, or never signed by the device), by device. Only someone the device's unit covers is
 * noted: validateFact checks scope before the signature, and so does this.
 */
class ForgedEntries {
  private readonly byDevice = new Map<string, { readonly row: FactRow; readonly seqs: number[] }>();

  note(row: SyncRow, verdict: RowVerdict, ctx: PushContext): void {
    if (!isDeviceEntry(row) || verdict.ok || verdict.error.code !== 'bad_signature' || !covers(ctx.user, row.scopeUnitId, ctx.tree).ok) return;
    const { deviceId, seq } = row.body as unknown as DeviceEvent;
    const noted = this.byDevice.get(deviceId) ?? { row, seqs: [] };
    noted.seqs.push(seq);
    this.byDevice.set(deviceId, noted);
  }

  /**
   * One `bad_signature` alarm per device, at its first forged seq, naming the others: a push of a
   * thousand forged entries is one alarm to look into, not a thousand that bury the rest.
   */
  alarms(pushedBy: string, at: number): FactRow[] {
    return [...this.byDevice].map(([deviceId, { row, seqs }]) => {
      const listed = seqs.slice(0, 10).join(', ') + (seqs.length > 10 ? ` and ${seqs.length - 10} more` : '');
      const message = `device "${deviceId}": ${seqs.length === 1 ? `entry ${listed}` : `entries ${listed}`}, pushed by user "${pushedBy}", ${seqs.length === 1 ? 'does' : 'do'} not verify with the device's key: altered after signing, or not signed by the device`;
      return serverAlarmRow({ kind: 'bad_signature', ref: deviceEntryRef(deviceId, seqs[0]!), message, scopeUnitId: row.scopeUnitId, at });
    });
  }
}

/**
 * Audits the device logs around the entries this push stored or found already stored: raises the
 * gaps and forks it finds, and resolves the gaps they fill. Throws when it cannot (the store
 * failed): the push then fails, the client pushes the batch again, its entries come back as
 * duplicates and are audited then — an entry is never acknowledged unaudited (DESIGN §6: never
 * silently accepted). Alarm and resolution ids are idempotent, so auditing an entry twice raises
 * nothing twice.
 */
async function auditPushedEntries(entries: readonly FactRow[], ctx: PushContext, rows: RowsRepo, at: number): Promise<void> {
  if (entries.length === 0) return;
  const publicKeyOf = async (deviceId: string) => (await ctx.records.get('device', deviceId)).json?.publicKeyJwk;
  await auditDeviceLogs(entries, { rows, publicKeyOf }, at);
}

const idOf = (raw: unknown): string => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 600) : '(no id)';
};

/**
 * Validates and stores one pushed batch, in order. Each row is answered: `accepted` once the
 * store has confirmed it, `duplicate` when it was already held (a retry, or another replica's
 * copy), `refused` with a reason. A second body under a held id is refused and raises a
 * `fact_conflict` alarm (`log_fork` for a device log entry); a device log entry whose signature
 * does not verify raises `bad_signature`. Throws when the store fails, so that nothing is
 * acknowledged unwritten and the client pushes the batch again. Before answering, the device
 * logs around newly stored entries are audited (gaps, forks, gaps these entries fill; see
 * `auditDeviceLogs`), so the alarms and resolutions are there by the pusher's next pull.
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
  const alarms = new Map<string, FactRow>();
  const forged = new ForgedEntries();
  // Every lookup the batch needs, at once (see prefetchBatch); the rows are then judged in order.
  await prefetchBatch(parsed, ctx);
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
      if (error instanceof TypeError || error instanceof CanonicalEncodingError) verdict = refuseRow('invalid_row', (error as Error).message);
      else throw error;
    }
    if (!verdict.ok) {
      results[index] = { id: row.id, status: 'refused', code: verdict.error.code, message: verdict.error.message };
      refused.push({ index, row });
      forged.note(row, verdict, ctx);
      continue;
    }
    pending.push({ index, row });
    inBatch.set(row.id, row);
    ctx.pushed.set(row.id, row);
  }
  const toWrite = pending.map((p) => p.row);
  const writeRows = async () => {
    const result = await rows.createMany(toWrite, replica);
    return { result, written: new Set(toWrite.filter((_, i) => result[i] === 'written').map((row) => row.id)) };
  };
  // What the store takes for the first time is audited (seal and device records, seal moves), in
  // the order pushed; a copy it held already was audited when it was first taken.
  const owed = toWrite.flatMap((row) => {
    const audit = ctx.audits?.get(row.id);
    return audit ? [{ rowId: row.id, audit }] : [];
  });
  const outcomes = owed.length > 0 && ctx.auditRows ? await ctx.auditRows(owed, writeRows) : (await writeRows()).result;
  const held = pending.filter((_, i) => outcomes[i] === 'exists');
  pending.forEach(({ index, row }, i) => {
    if (outcomes[i] === 'written') results[index] = { id: row.id, status: 'accepted' };
    if (outcomes[i] === 'foreign') results[index] = { id: row.id, status: 'refused', code: 'fact_conflict', message: `the store holds a document under "${row.id}" that this server did not write: refused (operators: the store was written to directly)` };
  });
  // Read back what the store already held, and refused rows that may be a retry of a held row.
  const stored = await rows.getMany([...held, ...refused].map((p) => p.row.id));
  for (const { index, row } of held) {
    const winner = stored.get(row.id);
    if (!winner) throw new Error(`the store said "${row.id}" exists but does not return it`);
    results[index] = compareWithStored(row, winner, ctx);
    if (results[index].status !== 'refused') continue;
    const alarm = await conflictAlarm(winner, ctx.user.id, now);
    alarms.set(alarm.id, alarm);
  }
  // A refused row that is exactly a held row is a copy of it coming back (a retry, or a replica
  // holding the server's copy of another replica's fact): a duplicate. Anything else stays
  // refused — a refused row never learns what the store holds, and never raises a conflict alarm.
  // A row refused only because the state moved on (`stale_transition`) passed every check of who
  // may write it; when the move it was judged against is the one held under its own id, the
  // truth is a second body under that id: a conflict, alarmed like any other.
  // Held means held before this push: a row refused and then accepted under the same id later in
  // the batch stays refused, as it would be pushed on its own.
  const writtenNow = new Set(pending.filter((_, i) => outcomes[i] === 'written').map((p) => p.row.id));
  for (const { index, row } of refused) {
    const winner = writtenNow.has(row.id) ? undefined : stored.get(row.id);
    if (!winner) continue;
    if (canonicalJson(row) === canonicalJson(winner)) results[index] = { id: row.id, status: 'duplicate' };
    else if (results[index]?.status === 'refused' && results[index].code === 'stale_transition' && row.type === 'fact') {
      results[index] = compareWithStored(row, winner, ctx);
      if (results[index].status !== 'refused') continue;
      const alarm = await conflictAlarm(winner, ctx.user.id, now);
      alarms.set(alarm.id, alarm);
    }
  }
  // The same id twice in one batch with two bodies is a conflict too: alarmed like one across
  // batches, once the second body passes validation itself (a device key signed both: a fork).
  for (const { index, row } of repeats) {
    const first = stored.get(row.id) ?? inBatch.get(row.id)!;
    results[index] = compareWithStored(row, first, ctx);
    if (results[index].status !== 'refused' || row.type !== 'fact') continue;
    const verdict = await validateFact(row, ctx).catch(() => refuseRow('invalid_row', 'does not validate'));
    if (!verdict.ok) {
      forged.note(row, verdict, ctx);
      continue;
    }
    const alarm = await conflictAlarm(first, ctx.user.id, now);
    alarms.set(alarm.id, alarm);
  }
  for (const alarm of forged.alarms(ctx.user.id, now)) alarms.set(alarm.id, alarm);
  if (alarms.size > 0) await rows.createMany([...alarms.values()]);
  // Stored now, or already held with the same body (a retry whose first answer was lost, or whose audit failed).
  const audited = pending.filter(({ index }, i) => outcomes[i] === 'written' || results[index]?.status === 'duplicate').map((p) => p.row).filter(isDeviceEntry);
  await auditPushedEntries(audited, ctx, rows, now);
  return results.map((result, i) => result ?? { id: idOf(rawRows[i]), status: 'refused', code: 'invalid_row', message: 'not processed' });
}
