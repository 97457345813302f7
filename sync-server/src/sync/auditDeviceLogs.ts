import {
  alarmId, factRowId, verifyDeviceLog,
  type DeviceEvent, type DeviceId, type DeviceLogProblem, type FactRow, type P256PublicJwk, type UnitId,
} from '@seal/shared';
import { consecutiveRuns, type SeqRun } from './consecutiveRuns';
import type { RowsRepo } from './rowsRepo';
import { nodeSha256Hex } from './nodeHash';
import { deviceEntryRef, serverAlarmResolutionRow, serverAlarmRow } from './serverAlarm';

/** What the audit reads and writes: the stored rows, and a device's public key as its record holds it. */
export interface DeviceLogAuditSource {
  readonly rows: RowsRepo;
  publicKeyOf(deviceId: string): Promise<unknown>;
}

/** New consecutive entries of one device, in seq order. */
interface Run extends SeqRun {
  readonly deviceId: string;
  readonly entries: readonly FactRow[];
}

const entryOf = (row: FactRow): DeviceEvent => row.body as unknown as DeviceEvent;
/** The row id of entry `seq` (validateFact makes every stored entry's id match its body). */
const entryRowId = (deviceId: string, seq: number): string => factRowId('device_event', deviceEntryRef(deviceId, seq));
/** The row id of the `log_gap` alarm about entry `seq` of a device, missing when it was raised. */
const gapAlarmRowId = (deviceId: string, seq: number): string => factRowId('alarm', alarmId('log_gap', deviceEntryRef(deviceId, seq)));
const seqsOf = ({ from, to }: SeqRun): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function runsOf(written: readonly FactRow[]): Run[] {
  const byDevice = new Map<string, Map<number, FactRow>>();
  for (const row of written) {
    const { deviceId, seq } = entryOf(row);
    byDevice.set(deviceId, (byDevice.get(deviceId) ?? new Map<number, FactRow>()).set(seq, row));
  }
  return [...byDevice].flatMap(([deviceId, bySeq]) => consecutiveRuns(bySeq.keys()).map(({ from, to }) => ({
    deviceId, from, to, entries: seqsOf({ from, to }).map((seq) => bySeq.get(seq)!),
  })));
}

/**
 * The `log_gap` alarm for entries missing just below a held one. It is keyed by the missing entry
 * right below the held one (`missing.to`), not by the first missing: that entry's arrival is what
 * resolves this alarm, and the push that brings it sees by itself whether anything below it is
 * still missing (and raises that, keyed the same way) — no audit has to look above what it stored.
 */
export function gapAlarm(deviceId: string, missing: SeqRun, scopeUnitId: UnitId, at: number): FactRow {
  const which = missing.from === missing.to ? `entry ${missing.to} is missing` : `entries ${missing.from}–${missing.to} are missing`;
  const message = `device "${deviceId}": ${which} below entry ${missing.to + 1}; never reached the server: lost, or removed from the log (resolved if it arrives)`;
  return serverAlarmRow({ kind: 'log_gap', ref: deviceEntryRef(deviceId, missing.to), message, scopeUnitId, at });
}

/**
 * The alarm a fork in a device's stored log raises: `log_fork`, keyed by the entry that does not
 * chain. Other problems raise none here: the audit checks runs with their adjacent neighbours
 * only (gaps are {@link gapAlarm}s), and every entry was verified when pushed (a refused one raised
 * `bad_signature` then; a stored entry failing now would only mean the device record's key changed).
 */
export function deviceLogAlarm(deviceId: string, problem: DeviceLogProblem, scopeUnitId: UnitId, at: number): FactRow | undefined {
  if (problem.seq === null || problem.kind !== 'fork') return undefined;
  const message = `device "${deviceId}": ${problem.message}; the device's history diverged (e.g. its storage was rolled back)`;
  return serverAlarmRow({ kind: problem.alarmKind, ref: deviceEntryRef(deviceId, problem.seq), message, scopeUnitId, at });
}

const filledMessage = (deviceId: string, seq: number): string =>
  `device "${deviceId}": entry ${seq} reached the server after all; anything still missing below it is its own log_gap alarm`;

/** The forks a run makes with its stored neighbours (`below`, `after`: the entries just before and after it, when held). */
async function forksAround(run: Run, below: FactRow | undefined, after: FactRow | undefined, source: DeviceLogAuditSource, at: number): Promise<FactRow[]> {
  const entries = [...(below ? [below] : []), ...run.entries, ...(after ? [after] : [])].map((row) => row.body);
  const jwk = (await source.publicKeyOf(run.deviceId)) as P256PublicJwk;
  // From the entry below (its own link was checked when it arrived), from 0 (a log starts at the
  // genesis hash), or from the run itself when the entry below is missing (nothing to link to).
  // Every entry here was judged on its way in (its signature verified): the run by this push,
  // its neighbours by the push that stored them. Only the chain is left to check.
  const verdict = await verifyDeviceLog(entries, jwk, { expectedFromSeq: below ? entryOf(below).seq : run.from, deviceId: run.deviceId as DeviceId, signaturesVerified: true, sha256Hex: nodeSha256Hex });
  return (verdict.ok ? [] : verdict.error.problems).flatMap((problem) => deviceLogAlarm(run.deviceId, problem, run.entries[0]!.scopeUnitId, at) ?? []);
}

/**
 * Audits device logs where a push just stored entries (DESIGN §6: a gap or a fork is an alarm,
 * never silently accepted), in whatever order and with whatever delay the entries arrive: the
 * verdict on a log depends only on the entries held, never on timing.
 *
 * The server keeps no state of its own, so each run of new consecutive seqs is judged against
 * its stored neighbours, read by id:
 * - the entry just below missing is a hole: a `log_gap` alarm keyed by that missing entry
 *   ({@link gapAlarm}; the `device_log` view says where the stored log stops below, for the
 *   message — a view read indexes every row written since the last one, so it stays off the
 *   common path);
 * - a `prevHash` that does not link the run to the entry below, or the entry after to the run, is a
 *   `log_fork`;
 * - a `log_gap` alarm about an entry of the run is resolved: an `alarm_resolution` fact beside it
 *   (rows never change, so the alarm stays, and HQ sees when it was closed).
 *
 * A hole and its filling may be audited at the same moment by two pushes (two requests of one
 * tablet, two tablets). Each writes before it reads, and this audit reads again the entry a new
 * gap alarm names once the alarm is written: the filler then sees the alarm, or the alarm's raiser
 * sees the entry — either way the alarm is resolved. Alarms and resolutions are keyed by what
 * they are about, so raising one twice is a no-op.
 *
 * @param stored `device_event` rows this push stored, or found already stored (a retry), in any order
 * @returns the alarm and resolution rows it wrote (the store keeps the first of each id)
 */
export async function auditDeviceLogs(stored: readonly FactRow[], source: DeviceLogAuditSource, at: number): Promise<FactRow[]> {
  const runs = runsOf(stored);
  const near = await source.rows.getMany(runs.flatMap((run) => [
    ...(run.from > 0 ? [entryRowId(run.deviceId, run.from - 1)] : []),
    entryRowId(run.deviceId, run.to + 1),
    ...seqsOf(run).map((seq) => gapAlarmRowId(run.deviceId, seq)),
  ]));
  const held = (id: string): FactRow | undefined => near.get(id) as FactRow | undefined;
  const written = new Map<string, FactRow>();
  const raisedGaps: { readonly alarm: FactRow; readonly deviceId: string; readonly missing: number }[] = [];
  for (const run of runs) {
    const below = run.from === 0 ? undefined : held(entryRowId(run.deviceId, run.from - 1));
    if (run.from > 0 && below === undefined) {
      const lower = await source.rows.deviceEntryBelow(run.deviceId, run.from);
      const alarm = gapAlarm(run.deviceId, { from: lower ? entryOf(lower).seq + 1 : 0, to: run.from - 1 }, run.entries[0]!.scopeUnitId, at);
      written.set(alarm.id, alarm);
      raisedGaps.push({ alarm, deviceId: run.deviceId, missing: run.from - 1 });
    }
    for (const fork of await forksAround(run, below, held(entryRowId(run.deviceId, run.to + 1)), source, at)) written.set(fork.id, fork);
    for (const seq of seqsOf(run)) {
      const gap = held(gapAlarmRowId(run.deviceId, seq));
      if (gap === undefined) continue;
      const resolution = serverAlarmResolutionRow(gap, filledMessage(run.deviceId, seq), at);
      written.set(resolution.id, resolution);
    }
  }
  if (written.size > 0) await source.rows.createMany([...written.values()]);
  // The gap alarms just written, read again: an entry they name that is held now was stored by a
  // push whose audit may have looked for the alarm before it was there.
  const filled = await source.rows.getMany(raisedGaps.map(({ deviceId, missing }) => entryRowId(deviceId, missing)));
  const late = raisedGaps
    .filter(({ deviceId, missing }) => filled.has(entryRowId(deviceId, missing)))
    .map(({ alarm, deviceId, missing }) => serverAlarmResolutionRow(alarm, filledMessage(deviceId, missing), at));
  if (late.length > 0) await source.rows.createMany(late);
  return [...written.values(), ...late];
}

