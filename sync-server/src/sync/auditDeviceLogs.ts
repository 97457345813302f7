import { setTimeout as sleep } from 'node:timers/promises';
import {
  factRowId, verifyDeviceLog,
  type DeviceEvent, type DeviceId, type DeviceLogProblem, type FactRow, type P256PublicJwk, type SyncRow, type UnitId,
} from '@seal/shared';
import { consecutiveRuns } from './consecutiveRuns';
import type { RowsRepo } from './rowsRepo';
import { deviceEntryRef, serverAlarmRow } from './serverAlarm';

/**
 * How long the audit waits for a missing predecessor before calling it a gap. A replica sends the
 * batches of a backlog in parallel (RxDB's upstream does), so the batch just below this one may
 * still be on its way: without the wait, a catch-up upload raises a false `log_gap` (the backlog
 * tests in tests/integration/catchUp.test.ts and deviceLog.test.ts did). Only a push that finds a
 * gap waits.
 */
export const PREDECESSOR_GRACE_MS = 1_500;
const POLL_MS = 100;

/** What the audit reads: the stored rows, and a device's public key as its record holds it. */
export interface DeviceLogAuditSource {
  readonly rows: RowsRepo;
  publicKeyOf(deviceId: string): Promise<unknown>;
}

/** New consecutive entries of one device, in seq order. */
interface Run {
  readonly deviceId: string;
  readonly entries: readonly FactRow[];
  readonly from: number;
  readonly to: number;
}

const entryOf = (row: FactRow): DeviceEvent => row.body as unknown as DeviceEvent;
/** The row id of entry `seq` (validateFact makes every stored entry's id match its body). */
const entryRowId = (deviceId: string, seq: number): string => factRowId('device_event', deviceEntryRef(deviceId, seq));

/** Re-reads the ids not in `found` until they are all there or the grace has passed; adds what arrives to `found`. */
async function awaitMissing(rows: RowsRepo, ids: readonly string[], found: Map<string, SyncRow>): Promise<void> {
  const deadline = performance.now() + PREDECESSOR_GRACE_MS;
  let missing = ids.filter((id) => !found.has(id));
  while (missing.length > 0 && performance.now() < deadline) {
    await sleep(POLL_MS);
    for (const [id, row] of await rows.getMany(missing)) found.set(id, row);
    missing = missing.filter((id) => !found.has(id));
  }
}

function runsOf(written: readonly FactRow[]): Run[] {
  const byDevice = new Map<string, Map<number, FactRow>>();
  for (const row of written) {
    const { deviceId, seq } = entryOf(row);
    byDevice.set(deviceId, (byDevice.get(deviceId) ?? new Map<number, FactRow>()).set(seq, row));
  }
  return [...byDevice].flatMap(([deviceId, bySeq]) => consecutiveRuns(bySeq.keys()).map(({ from, to }) => ({
    deviceId, from, to, entries: Array.from({ length: to - from + 1 }, (_, i) => bySeq.get(from + i)!),
  })));
}

/**
 * The alarm a problem of a device's stored log raises: `log_gap` keyed by the first missing seq
 * (filling the top of a gap later keeps its key, so it is raised once), `log_fork` keyed by the
 * entry that does not chain. Signature problems raise none here: every entry was verified when
 * pushed (a refused one raised `bad_signature` then), and a stored entry failing now would only
 * mean the device record's key changed since.
 */
export function deviceLogAlarm(deviceId: string, problem: DeviceLogProblem, scopeUnitId: UnitId, at: number): FactRow | undefined {
  if (problem.seq === null || (problem.kind !== 'gap' && problem.kind !== 'fork')) return undefined;
  const what = problem.kind === 'gap' ? 'never reached the server: lost, or removed from the log' : 'the device\'s history diverged (e.g. its storage was rolled back)';
  return serverAlarmRow({ kind: problem.alarmKind, ref: deviceEntryRef(deviceId, problem.seq), message: `device "${deviceId}": ${problem.message}; ${what}`, scopeUnitId, at });
}

/**
 * Checks the chain and continuity of device logs where a push just stored new entries (DESIGN §6:
 * a gap or a fork is an alarm, never silently accepted). The server keeps no state of its own, so
 * each run of new consecutive seqs is checked against what the store holds around it: a missing
 * seq between the nearest stored entry below and the run is a gap, a `prevHash` that does not
 * link the run to that entry — or the stored entry just after the run to the run — is a fork.
 *
 * The run itself is what this push wrote, so it is not read back; its neighbours are read by id.
 * A run whose predecessor is missing waits a little for it ({@link PREDECESSOR_GRACE_MS}), then
 * asks the `device_log` view where the stored log stops below it (a view read makes the store
 * index every row written since the last one, so it is kept off the common path).
 *
 * @param written `device_event` rows this push stored (outcome `written`), in any order
 * @returns the alarms to raise, one per problem (ids `kind:ref`, so raising one again is a no-op)
 */
export async function auditDeviceLogs(written: readonly FactRow[], source: DeviceLogAuditSource, at: number): Promise<FactRow[]> {
  const runs = runsOf(written);
  const predecessors = runs.flatMap((run) => (run.from > 0 ? [entryRowId(run.deviceId, run.from - 1)] : []));
  const near = await source.rows.getMany([...predecessors, ...runs.map((run) => entryRowId(run.deviceId, run.to + 1))]);
  await awaitMissing(source.rows, predecessors, near);
  const alarms = new Map<string, FactRow>();
  for (const run of runs) {
    const below = run.from === 0 ? undefined : ((near.get(entryRowId(run.deviceId, run.from - 1)) as FactRow | undefined) ?? (await source.rows.deviceEntryBelow(run.deviceId, run.from)));
    const after = near.get(entryRowId(run.deviceId, run.to + 1)) as FactRow | undefined;
    const entries = [...(below ? [below] : []), ...run.entries, ...(after ? [after] : [])].map((row) => row.body);
    // From the entry below (its own link was checked when it arrived), or from 0: a log starts there.
    const jwk = (await source.publicKeyOf(run.deviceId)) as P256PublicJwk;
    const verdict = await verifyDeviceLog(entries, jwk, { expectedFromSeq: below ? entryOf(below).seq : 0, deviceId: run.deviceId as DeviceId });
    for (const problem of verdict.ok ? [] : verdict.error.problems) {
      const alarm = deviceLogAlarm(run.deviceId, problem, run.entries[0]!.scopeUnitId, at);
      if (alarm) alarms.set(alarm.id, alarm);
    }
  }
  return [...alarms.values()];
}
