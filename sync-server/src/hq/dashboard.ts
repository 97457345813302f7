import { DAY_MS, hqDayOf, hqDayStart, INK_BOX_LIFE_STAMPS, type HqDashboardResponse } from '@seal/shared';
import type { AnomalyHook } from './anomalyHook';
import { HQ_BY_VIEW } from './hqDesign';
import type { DeviceDay, EventDoc, HqStore, RollupDoc } from './hqStore';

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

/** The kind of every seal, from the seals' creation events. */
async function sealKinds(hq: HqStore): Promise<Map<string, string>> {
  const rows = await hq.view(HQ_BY_VIEW, { startkey: ['k', 'seal_created'], endkey: ['k', 'seal_created', {}], include_docs: true });
  const kinds = new Map<string, string>();
  for (const row of rows) {
    const doc = row.doc as EventDoc | undefined;
    if (doc?.sealId && typeof doc.summary.sealKind === 'string') kinds.set(doc.sealId, doc.summary.sealKind);
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
 * the (unit, day) rollups only — one range of small documents, whatever the number of events.
 * The fleet is over each device's whole history; the rest over the period.
 */
export async function dashboard(hq: HqStore, anomalies: AnomalyHook, scope: DashboardScope, from: number, to: number): Promise<HqDashboardResponse> {
  const fromDay = hqDayOf(from);
  const toDay = hqDayOf(Math.max(from, to - 1));
  const [all, kinds, anomalyCounts] = await Promise.all([
    hq.rollups('0000-00-00', '9999-12-31'),
    sealKinds(hq),
    anomalies.countsByKind({ unitIds: scope.unitIds, from: hqDayStart(fromDay), to: hqDayStart(toDay) + DAY_MS }),
  ]);
  const perDay = new Map<string, number>();
  for (let t = hqDayStart(fromDay); t <= hqDayStart(toDay); t += DAY_MS) perDay.set(hqDayOf(t), 0);
  const byUnit = new Map<string, { unitId: string; name: string; stamps: number }>();
  const bySealKind = new Map<string, number>();
  const latencies: number[] = [];
  const fleet = new Map<string, Fleet>();
  const scoped: RollupDoc[] = all.filter((r) => scope.unitIds.has(r.unitId));
  for (const rollup of scoped) {
    for (const [deviceId, d] of Object.entries(rollup.devices)) mergeDevice(fleet, deviceId, rollup.unitId, rollup.day, d);
    if (rollup.day < fromDay || rollup.day > toDay) continue;
    const stamps = rollup.byKind.stamp ?? 0;
    perDay.set(rollup.day, (perDay.get(rollup.day) ?? 0) + stamps);
    const bucket = scope.bucketOf(rollup.unitId);
    const unit = byUnit.get(bucket.id) ?? { unitId: bucket.id, name: bucket.name, stamps: 0 };
    unit.stamps += stamps;
    byUnit.set(bucket.id, unit);
    for (const [sealId, n] of Object.entries(rollup.stampsBySeal)) {
      const kind = kinds.get(sealId) ?? 'unknown';
      bySealKind.set(kind, (bySealKind.get(kind) ?? 0) + n);
    }
    latencies.push(...rollup.latencies);
  }
  latencies.sort((a, b) => a - b);
  return {
    unitId: scope.unitId,
    from: hqDayStart(fromDay),
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
