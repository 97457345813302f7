import { hqDayOf, subtreeIds, type CaseView, type TimelineEvent, type UnitId } from '@seal/shared';
import { loadUnitTree } from '../../auth/scope';
import type { DocRepo } from '../../couch/docRepo';
import type { UnitDoc } from '../../couch/model';
import { aggregatesOfDays, countsOfDays } from '../rollups';
import { dashboardScope } from '../scope';
import type { HqService } from '../service';
import type { AuditReportModel, OpenCase } from './reportModel';
import type { ReportRequest, ReportSource } from './reportSource';

const HOUR_MS = 3_600_000;
const OPEN_CASES_SHOWN = 50;
/** The device's own alarm entries, counted from the days' counts by kind. */
const DEVICE_ALARM_KINDS = ['tamper', 'geofence_breach', 'low_battery'] as const;
/** Anomaly kinds the index already counts as alarms (a device's alarm entry, the server's log alarms): their cases are not counted again. */
const ROW_ALARM_KINDS: ReadonlySet<string> = new Set(['tamper', 'geofence_breach', 'log_gap', 'log_fork']);

const hours = (ms: number | null): number | null => (ms === null ? null : ms / HOUR_MS);

/** Counts by key, largest first (ties by key). */
const sortedCounts = (counts: ReadonlyMap<string, number>): { kind: string; count: number }[] =>
  [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));

/** The server's alarms in scope raised before `to`, and which alarms were resolved by now (one query on the index's alarm paths: as many as there are alarms). */
async function alarmsUpTo(service: HqService, unitIds: ReadonlySet<string>, allUnits: number, to: number): Promise<{ alarms: TimelineEvent[]; resolved: Set<string> }> {
  const alarms: TimelineEvent[] = [];
  const resolved = new Set<string>();
  for await (const page of service.allEvents({ unitIds, allUnits, kinds: ['alarm', 'alarm_resolution'] })) {
    for (const event of page) {
      if (event.kind === 'alarm') {
        if (event.at < to) alarms.push(event);
      }
      else resolved.add(String(event.summary.alarmId));
    }
  }
  return { alarms, resolved };
}

/**
 * The report's figures from the HQ index, as the dashboard reads them: stamps per day, by child
 * unit, by seal kind and approval latency are the dashboard's own aggregates for the same scope
 * and whole HQ days (China days, `hqDayOf`); decisions, device alarms and stamps without a grant
 * come from the same days' documents; the server's alarms and open items from the index's alarm
 * paths and the exception queue's cases (open items: unresolved now, about anomalies before the
 * period's end — a case is often opened after the period it is about). Its cost follows the period's days and the alarms and
 * cases, never the number of events.
 */
export function indexReportSource(service: HqService, units: DocRepo<UnitDoc>, cases: () => Promise<readonly CaseView[]>): ReportSource {
  return {
    async build(request: ReportRequest): Promise<AuditReportModel> {
      const tree = await loadUnitTree(units);
      const unitIds = subtreeIds(request.unitId as UnitId, tree) as ReadonlySet<string>;
      const nameOf = (unitId: string) => (tree.get(unitId as UnitId) as { name?: string } | undefined)?.name ?? unitId;
      const dashboard = await service.dashboard(dashboardScope({ unitId: request.unitId, unitIds, allUnits: tree.size, tree }), request.from, request.to);
      const { from, to } = dashboard;
      const [counts, days, { alarms, resolved }, allCases] = await Promise.all([
        countsOfDays(service.hq, hqDayOf(from), hqDayOf(to - 1)),
        aggregatesOfDays(service.hq, hqDayOf(from), hqDayOf(to - 1)),
        alarmsUpTo(service, unitIds, tree.size, to),
        cases(),
      ]);
      let decisions = 0;
      const anomalies = new Map<string, number>();
      const addAnomaly = (kind: string, n = 1) => anomalies.set(kind, (anomalies.get(kind) ?? 0) + n);
      for (const day of counts) {
        for (const [unitId, byKind] of Object.entries(day.units)) {
          if (!unitIds.has(unitId)) continue;
          decisions += byKind.decision ?? 0;
          for (const kind of DEVICE_ALARM_KINDS) if (byKind[kind]) addAnomaly(kind, byKind[kind]);
        }
      }
      let stampsWithoutGrant = 0;
      for (const day of days) for (const [unitId, unit] of Object.entries(day.units)) if (unitIds.has(unitId)) stampsWithoutGrant += unit.stampsWithoutGrant ?? 0;
      for (const alarm of alarms) if (alarm.at >= from) addAnomaly(String(alarm.summary.alarmKind));
      const alarmCount = [...anomalies.values()].reduce((a, b) => a + b, 0);
      const scopedCases = allCases.filter((c) => unitIds.has(c.unitId));
      // Anomalies of the period: the alarms above, and the cases of the kinds no alarm raises (a refusal burst, over-use…).
      for (const c of scopedCases) if (!ROW_ALARM_KINDS.has(c.kind) && c.at >= from && c.at < to) addAnomaly(c.kind);
      const open: OpenCase[] = [
        ...alarms.filter((a) => !resolved.has(String(a.summary.alarmId))).map((a) => ({ kind: String(a.summary.alarmKind), unit: nameOf(a.unitId), openedAt: a.at, anomalyAt: a.at, summary: String(a.summary.message ?? '').slice(0, 200) })),
        ...scopedCases.filter((c) => c.status !== 'resolved' && c.at < to).map((c) => ({ kind: c.kind, unit: nameOf(c.unitId), openedAt: c.openedAt, anomalyAt: c.at, summary: c.message.slice(0, 200) })),
      ].sort((a, b) => a.openedAt - b.openedAt || a.anomalyAt - b.anomalyAt);
      const { approvalLatency: latency } = dashboard;
      return {
        scopeName: nameOf(request.unitId),
        period: { from, to },
        generatedAt: request.generatedAt,
        generatedBy: request.generatedBy,
        totals: {
          stamps: dashboard.usesPerDay.reduce((sum, d) => sum + d.stamps, 0),
          stampsWithoutGrant,
          decisions,
          alarms: alarmCount,
          openCases: open.length,
        },
        usesPerDay: dashboard.usesPerDay.map((d) => ({ day: d.day, count: d.stamps })),
        byUnit: dashboard.usesByUnit.map((u) => ({ unitId: u.unitId, name: u.name, count: u.stamps })),
        bySealKind: dashboard.usesBySealKind.map((k) => ({ kind: k.sealKind, count: k.stamps })),
        anomaliesByKind: sortedCounts(anomalies),
        approvalLatency: { decided: latency.count, p50Hours: hours(latency.p50Ms), p95Hours: hours(latency.p95Ms) },
        openCases: open.slice(0, OPEN_CASES_SHOWN),
      };
    },
  };
}
