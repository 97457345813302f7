import {
  factRowId, isInSubtree,
  type Alarm, type AlarmResolution, type CaseView, type Decision, type DeviceEvent, type FactRow, type Grant, type UnitId,
} from '@seal/shared';
import type { Repositories } from '../../couch/repositories';
import { loadUnitTree, type UnitTree } from '../../auth/scope';
import { RecordStates } from '../../sync/recordStates';
import type { RowsRepo } from '../../sync/rowsRepo';
import { DEVICE_ALARMS } from '../notify/notifyEvents';
import type { AuditReportModel } from './reportModel';
import type { ReportRequest, ReportSource } from './reportSource';

const PAGE = 2000;
const DAY = 86_400_000;
const OPEN_CASES_SHOWN = 50;
/** Anomaly kinds the rows already count as alarms (a device's alarm entry, the server's log alarms): their cases are not counted again. */
const ROW_ALARM_KINDS: ReadonlySet<string> = new Set(['tamper', 'geofence_breach', 'log_gap', 'log_fork']);

/** Counts by key, sorted by count (largest first). */
class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  sorted(): { key: string; count: number }[] {
    return [...this.counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  }
}

/** The value at `q` (0–1) of sorted numbers, or `null` for none. */
const quantile = (sorted: readonly number[], q: number): number | null => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

/** What one pass over the rows collects. */
class Collected {
  readonly stamps: { row: FactRow; entry: DeviceEvent & { type: 'stamp' } }[] = [];
  readonly decisions: Decision[] = [];
  readonly anomalies = new Tally();
  readonly alarms: { row: FactRow; alarm: Alarm }[] = [];
  readonly resolved = new Set<string>();
  alarmsInPeriod = 0;
}

function collect(row: FactRow, request: ReportRequest, into: Collected): void {
  const inPeriod = (at: number) => at >= request.from && at < request.to;
  if (row.kind === 'device_event') {
    const entry = row.body as unknown as DeviceEvent;
    if (!inPeriod(entry.at)) return;
    if (entry.type === 'stamp') into.stamps.push({ row, entry });
    const alarmKind = DEVICE_ALARMS[entry.type];
    if (alarmKind) {
      into.anomalies.add(alarmKind);
      into.alarmsInPeriod++;
    }
  } else if (row.kind === 'decision') {
    const decision = row.body as unknown as Decision;
    if (inPeriod(decision.at)) into.decisions.push(decision);
  } else if (row.kind === 'alarm') {
    const alarm = row.body as unknown as Alarm;
    if (alarm.at < request.to) into.alarms.push({ row, alarm });
    if (inPeriod(alarm.at)) {
      into.anomalies.add(alarm.kind);
      into.alarmsInPeriod++;
    }
  } else if (row.kind === 'alarm_resolution') {
    const resolution = row.body as unknown as AlarmResolution;
    if (resolution.at < request.to) into.resolved.add(resolution.id);
  }
}

/** Every fact row in the unit's subtree, page by page along the store's change feed. */
async function scan(rows: RowsRepo, tree: UnitTree, unitId: string, each: (row: FactRow) => void): Promise<void> {
  for (let since = '0'; ;) {
    const page = await rows.changesSince(since, PAGE);
    for (const { row } of page.entries) {
      if (row?.type === 'fact' && tree.has(row.scopeUnitId) && isInSubtree(row.scopeUnitId, unitId as UnitId, tree)) each(row);
    }
    if (page.entries.length < PAGE || page.lastSeq === since) return;
    since = page.lastSeq;
  }
}

/** Per calendar day of the period at the request's offset, zeros included. */
function perDay(request: ReportRequest, stampTimes: readonly number[]): AuditReportModel['usesPerDay'] {
  const shift = request.utcOffsetMinutes * 60_000;
  const dayOf = (ms: number) => Math.floor((ms + shift) / DAY);
  const counts = new Tally();
  for (const at of stampTimes) counts.add(String(dayOf(at)));
  const days: { day: string; count: number }[] = [];
  for (let day = dayOf(request.from); day <= dayOf(request.to - 1); day++) {
    days.push({ day: new Date(day * DAY).toISOString().slice(0, 10), count: counts.get(String(day)) });
  }
  return days;
}

/**
 * The straightforward `ReportSource`: one pass over the rows of the store's change feed, keeping
 * the facts in scope, then the records they name (seals for their kind, requests for their
 * creation time). It reads everything the store holds, so its cost grows with the store: fine
 * for a report now and then, and to be replaced by the merged log's indexed aggregates.
 */
export function scanReportSource(rows: RowsRepo, repos: Pick<Repositories, 'units'>, cases: () => Promise<readonly CaseView[]> = () => Promise.resolve([])): ReportSource {
  return {
    async build(request) {
      const tree = await loadUnitTree(repos.units);
      const seen = new Collected();
      await scan(rows, tree, request.unitId, (row) => collect(row, request, seen));
      const records = new RecordStates(rows);
      const nameOf = (unitId: string) => (tree.get(unitId as UnitId) as { name?: string } | undefined)?.name ?? unitId;
      const field = async (kind: 'seal' | 'device' | 'request', id: string | null | undefined, name: string) => {
        const value = id ? (await records.get(kind, id)).json?.[name] : undefined;
        return typeof value === 'string' || typeof value === 'number' ? value : undefined;
      };
      const grants = await rows.getMany(seen.stamps.flatMap(({ entry }) => (entry.payload.grantId ? [factRowId('grant', entry.payload.grantId)] : [])));
      const byUnit = new Tally();
      const bySealKind = new Tally();
      for (const { row, entry } of seen.stamps) {
        byUnit.add(nameOf(row.scopeUnitId));
        const grant = entry.payload.grantId ? grants.get(factRowId('grant', entry.payload.grantId)) : undefined;
        const sealId = grant?.type === 'fact' ? (grant.body as unknown as Grant).sealId : await field('device', entry.deviceId, 'sealId');
        bySealKind.add(String((await field('seal', String(sealId ?? ''), 'kind')) ?? 'unknown'));
      }
      const latencies: number[] = [];
      for (const decision of seen.decisions) {
        const createdAt = await field('request', decision.payload.requestId, 'createdAt');
        if (decision.payload.verdict === 'approve' && typeof createdAt === 'number') latencies.push(Math.max(0, decision.at - createdAt) / 3_600_000);
      }
      latencies.sort((a, b) => a - b);
      // Open cases: the server's unresolved alarms and the exception queue's unresolved anomaly cases, in scope, opened before the period ends.
      const inScope = (unitId: string) => tree.has(unitId as UnitId) && isInSubtree(unitId as UnitId, request.unitId as UnitId, tree);
      const scopedCases = (await cases()).filter((c) => inScope(c.unitId));
      // Anomalies of the period: the rows' alarms, and the cases of the kinds no row raises (a refusal burst, over-use…).
      for (const c of scopedCases) if (!ROW_ALARM_KINDS.has(c.kind) && c.at >= request.from && c.at < request.to) seen.anomalies.add(c.kind);
      const open = [
        ...seen.alarms.filter(({ alarm }) => !seen.resolved.has(alarm.id)).map(({ row, alarm }) => ({ kind: alarm.kind, unit: nameOf(row.scopeUnitId), openedAt: alarm.at, summary: alarm.message.slice(0, 200) })),
        ...scopedCases.filter((c) => c.status !== 'resolved' && c.openedAt < request.to).map((c) => ({ kind: c.kind, unit: nameOf(c.unitId), openedAt: c.at, summary: c.message.slice(0, 200) })),
      ].sort((a, b) => a.openedAt - b.openedAt);
      return {
        scopeName: nameOf(request.unitId),
        period: { from: request.from, to: request.to },
        utcOffsetMinutes: request.utcOffsetMinutes,
        generatedAt: request.generatedAt,
        generatedBy: request.generatedBy,
        totals: {
          stamps: seen.stamps.length,
          stampsWithoutGrant: seen.stamps.filter(({ entry }) => entry.payload.grantId === null).length,
          decisions: seen.decisions.length,
          alarms: seen.alarmsInPeriod,
          openCases: open.length,
        },
        usesPerDay: perDay(request, seen.stamps.map(({ entry }) => entry.at)),
        byUnit: byUnit.sorted().map(({ key, count }) => ({ name: key, count })),
        bySealKind: bySealKind.sorted().map(({ key, count }) => ({ kind: key, count })),
        anomaliesByKind: seen.anomalies.sorted().map(({ key, count }) => ({ kind: key, count })),
        approvalLatency: { decided: latencies.length, medianHours: quantile(latencies, 0.5), p90Hours: quantile(latencies, 0.9), maxHours: latencies.at(-1) ?? null },
        openCases: open.slice(0, OPEN_CASES_SHOWN),
      };
    },
  };
}
