import { DAY_MS, hqDayOf, hqDayStart, INK_BOX_LIFE_STAMPS, type HqDashboardResponse } from '@seal/shared';
import type { AnomalyHook } from './anomalyHook';
import type { DeviceDay, HqStore } from './hqStore';
import { kindPath } from './postings';
import { aggregatesOfDays } from './rollups';
import { PathStream } from './scan';

/** The scope of a dashboard: its unit, the units below it, and which child of the scope each one counts under. */
export interface DashboardScope {
  readonly unitId: string;
  readonly unitIds: ReadonlySet<string>;
  /** The child of the scope unit a unit lies under (the scope unit itself for its own events), with its name. */
  bucketOf(unitId: string): { readonly id: string; readonly name: string };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The kind of every seal, from the seals' creation events (their postings carry it). */
async function sealKinds(hq: HqStore): Promise<Map<string, string>> {
  const stream = new PathStream(hq, kindPath('seal_created'), {});
  const kinds = new Map<string, string>();
  for (let row = await stream.head(); row; stream.shift(), row = await stream.head()) {
    const [, , , , , sealId, , sealKind] = row;
    if (sealId && typeof sealKind === 'string' && !kinds.has(sealId)) kinds.set(sealId, sealKind);
  }
  return kinds;
}

interface Fleet { unitId: string; day: string; stamps: number; lastAt: number; battery?: [number, number]; sealId?: string }

function mergeDevice(fleet: Map<string, Fleet>, deviceId: string, unitId: string, day: string, d: DeviceDay): void {
  const f = fleet.get(deviceId) ?? { unitId, day, stamps: 0, lastAt: 0 };
  f.stamps += d.stamps;
  if (d.lastAt >= f.lastAt) {
    f.lastAt = d.lastAt;
    f.unitId = unitId;
    if (d.sealId) f.sealId = d.sealId;
  }
  if (d.battery && (!f.battery || d.battery[0] >= f.battery[0])) f.battery = d.battery;
  fleet.set(deviceId, f);
}

/**
 * The dashboard of a scope over whole days (China Standard Time) from `from` to `to`: read from
 * the days' aggregates only — one range of small documents (one a day), whatever the number of
 * events. The fleet is over each device's whole history; the rest over the period.
 */
export async function dashboard(hq: HqStore, anomalies: AnomalyHook, scope: DashboardScope, from: number, to: number): Promise<HqDashboardResponse> {
  const fromDay = hqDayOf(from);
  const toDay = hqDayOf(Math.max(from, to - 1));
  const [all, kinds, anomalyCounts] = await Promise.all([
    aggregatesOfDays(hq, '0000-00-00', '9999-12-31'),
    sealKinds(hq),
    anomalies.countsByKind({ unitIds: scope.unitIds, from: hqDayStart(fromDay), to: hqDayStart(toDay) + DAY_MS }),
  ]);
  const perDay = new Map<string, number>();
  for (let t = hqDayStart(fromDay); t <= hqDayStart(toDay); t += DAY_MS) perDay.set(hqDayOf(t), 0);
  const byUnit = new Map<string, { unitId: string; name: string; stamps: number }>();
  const bySealKind = new Map<string, number>();
  const latencies: number[] = [];
  const fleet = new Map<string, Fleet>();
  for (const { day, units } of all) {
    const inPeriod = day >= fromDay && day <= toDay;
    for (const unitId of Object.keys(units).sort()) {
      if (!scope.unitIds.has(unitId)) continue;
      const unitDay = units[unitId]!;
      for (const [deviceId, d] of Object.entries(unitDay.devices)) mergeDevice(fleet, deviceId, unitId, day, d);
      if (!inPeriod) continue;
      let stamps = 0;
      for (const [sealId, n] of Object.entries(unitDay.stampsBySeal)) {
        const kind = kinds.get(sealId) ?? 'unknown';
        bySealKind.set(kind, (bySealKind.get(kind) ?? 0) + n);
        stamps += n;
      }
      perDay.set(day, (perDay.get(day) ?? 0) + stamps);
      const bucket = scope.bucketOf(unitId);
      const unit = byUnit.get(bucket.id) ?? { unitId: bucket.id, name: bucket.name, stamps: 0 };
      unit.stamps += stamps;
      byUnit.set(bucket.id, unit);
      latencies.push(...unitDay.latencies);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    unitId: scope.unitId,
    // The first China-time day of 1970 began 8 h before the epoch: no time before 0 is answered.
    from: Math.max(0, hqDayStart(fromDay)),
    to: hqDayStart(toDay) + DAY_MS,
    usesPerDay: [...perDay].map(([day, stamps]) => ({ day, stamps })),
    usesByUnit: [...byUnit.values()].sort((a, b) => b.stamps - a.stamps || a.unitId.localeCompare(b.unitId)),
    usesBySealKind: [...bySealKind].map(([sealKind, stamps]) => ({ sealKind, stamps })).sort((a, b) => b.stamps - a.stamps),
    anomaliesByKind: Object.entries(anomalyCounts).map(([kind, count]) => ({ kind, count })),
    approvalLatency: { count: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95) },
    fleet: {
      inkBoxLifeStamps: INK_BOX_LIFE_STAMPS,
      devices: [...fleet].sort(([a], [b]) => a.localeCompare(b)).map(([deviceId, f]) => ({
        deviceId,
        unitId: f.unitId,
        sealId: f.sealId ?? null,
        batteryPercent: f.battery?.[1] ?? null,
        batteryAt: f.battery?.[0] ?? null,
        lastContactAt: f.lastAt || null,
        stampCount: f.stamps,
        inkBoxUsed: f.stamps / INK_BOX_LIFE_STAMPS,
      })),
    },
  };
}
