import { canonicalJson } from '../../encoding/canonical';
import { deviceEventSchema, type DeviceEvent } from '../../domain/deviceEvent';
import { verifyDeviceLog, type DeviceLogProblem } from '../../domain/verifyDeviceLog';
import { ANOMALY_SEVERITY, type AnomalyKind } from './anomalyRules';
import { deviceEntryRowId, type Anomaly, type HistoryDevice } from './anomaly';

/** A distinct, well-formed, validly signed entry of a device's log, with its receipt time if known. */
export interface HeldEntry {
  readonly event: DeviceEvent;
  readonly receivedAt: number | undefined;
}

/** What checking a device's log found: its chain anomalies, and the entries the other rules may trust. */
export interface DeviceLogFindings {
  readonly anomalies: readonly Anomaly[];
  /** Distinct entries, in seq order (copies of one seq by canonical text), excluding seqs with a bad signature. */
  readonly entries: readonly HeldEntry[];
}

const byFirstSeq = (problems: readonly DeviceLogProblem[], kind: DeviceLogProblem['kind']) =>
  problems.filter((p) => p.kind === kind && p.seq !== null).map((p) => p.seq!).sort((a, b) => a - b);

/** Runs of consecutive seqs: a rollback forks every seq from k on, and that is one root cause. */
function runsOf(seqs: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const seq of [...new Set(seqs)]) {
    const run = runs.at(-1);
    if (run !== undefined && seq === run.at(-1)! + 1) run.push(seq);
    else runs.push([seq]);
  }
  return runs;
}

function distinctEntries(device: HistoryDevice): { entries: HeldEntry[]; texts: Map<string, number> } {
  const texts = new Map<string, number>();
  const entries: { entry: HeldEntry; text: string }[] = [];
  for (const held of device.entries) {
    const parsed = deviceEventSchema.safeParse(held.event);
    if (!parsed.success || parsed.data.deviceId !== device.id) continue;
    const text = canonicalJson(parsed.data);
    const seen = texts.get(text);
    if (seen !== undefined) {
      // The earliest receipt of identical copies is when the server first had it.
      const first = entries[seen]!;
      if (held.receivedAt !== undefined && (first.entry.receivedAt === undefined || held.receivedAt < first.entry.receivedAt)) {
        entries[seen] = { entry: { event: first.entry.event, receivedAt: held.receivedAt }, text };
      }
      continue;
    }
    texts.set(text, entries.length);
    entries.push({ entry: { event: parsed.data, receivedAt: held.receivedAt }, text });
  }
  entries.sort((a, b) => a.entry.event.seq - b.entry.event.seq || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return { entries: entries.map((e) => e.entry), texts };
}

/**
 * Checks one device's log with `verifyDeviceLog` and turns its problems into root causes: a gap
 * is one case per missing range (keyed by its first missing seq), a fork is one case per run of
 * consecutive forked seqs (keyed by the first: a rollback from seq k is one case), an entry that
 * is malformed, forged or altered after signing is one case per seq.
 */
export async function deviceLogAnomalies(device: HistoryDevice): Promise<DeviceLogFindings> {
  const { entries } = distinctEntries(device);
  let problems: readonly DeviceLogProblem[] = [];
  try {
    const verified = await verifyDeviceLog(device.entries.map((e) => e.event), device.publicKeyJwk, { deviceId: device.id });
    if (!verified.ok) problems = verified.error.problems;
  } catch {
    // Not a P-256 key: nothing of this log can be trusted.
    problems = entries.map((e) => ({ kind: 'bad_signature' as const, alarmKind: 'bad_signature' as const, seq: e.event.seq, message: 'device key unusable' }));
  }
  const heldSeqs = [...new Set(entries.map((e) => e.event.seq))];
  const make = (kind: AnomalyKind, seq: number, message: string, evidenceSeqs: readonly number[]): Anomaly => ({
    caseKey: `${kind}:${device.id}:${seq}`,
    kind,
    severity: ANOMALY_SEVERITY[kind],
    unitId: device.unitId,
    deviceId: device.id,
    sealId: device.sealId,
    requestId: null,
    at: entries.find((e) => e.event.seq >= seq)?.event.at ?? entries.at(-1)?.event.at ?? 0,
    message,
    evidence: [...new Set(evidenceSeqs.filter((s) => heldSeqs.includes(s)).map((s) => deviceEntryRowId(device.id, s)))].sort(),
  });
  const anomalies: Anomaly[] = [];
  for (const from of byFirstSeq(problems, 'gap')) {
    const next = heldSeqs.find((s) => s > from) ?? from;
    anomalies.push(make('log_gap', from, `device "${device.id}": entries ${from}–${next - 1} are missing`, [from - 1, next]));
  }
  for (const run of runsOf(byFirstSeq(problems, 'fork'))) {
    anomalies.push(make('log_fork', run[0]!, `device "${device.id}": its log forks from entry ${run[0]} (${run.length} entr${run.length === 1 ? 'y' : 'ies'} disagree)`, [run[0]! - 1, ...run]));
  }
  const untrusted = new Set<number>();
  for (const p of problems) {
    if ((p.kind === 'malformed' || p.kind === 'bad_signature' || p.kind === 'tampered') && p.seq !== null && !untrusted.has(p.seq)) {
      untrusted.add(p.seq);
      anomalies.push(make('log_tampered', p.seq, `device "${device.id}": ${p.message}`, [p.seq]));
    }
  }
  return { anomalies, entries: entries.filter((e) => !untrusted.has(e.event.seq)) };
}
