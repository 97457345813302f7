import { DAY_MS, hqDayOf, hqDayStart } from '@seal/shared';
import { HQ_BY_VIEW, HQ_LATENCY_VIEW, HQ_REQUEST_VIEW } from './hqDesign';
import { latencyDocId, rollupDocId, type HqDoc, type HqStore, type LatencyDoc, type RollupDoc } from './hqStore';

/** What a batch of new events touched: the (unit, day) rollups and the requests' latencies to recompute. */
export class Dirty {
  readonly unitDays = new Set<string>();
  readonly requests = new Set<string>();
  note(events: readonly { unitId: string; at: number; kind: string; requestId?: string }[]): void {
    for (const event of events) {
      this.unitDays.add(`${hqDayOf(event.at)}\u0000${event.unitId}`);
      if (event.requestId && (event.kind === 'request_created' || event.kind === 'decision')) this.requests.add(event.requestId);
    }
  }
  get size(): number {
    return this.unitDays.size + this.requests.size;
  }
  clear(): void {
    this.unitDays.clear();
    this.requests.clear();
  }
}

/** The kinds a device's own log writes: what counts as the device's contact. */
const DEVICE_LOG_KINDS: ReadonlySet<string> = new Set(['boot', 'time_set', 'roster_installed', 'seal_bound', 'grant_installed', 'unlock', 'stamp', 'lock', 'refusal', 'tamper', 'geofence_breach', 'low_battery']);

/** By-view row value: `[kind, unitId, sealId, deviceId, n]`. */
type EventValue = [string, string, string | null, string | null, number | null];

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** Runs `work` over `items`, `parallel` at a time. */
async function forEachParallel<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/**
 * Writes computed documents, recomputing those another instance wrote meanwhile (a lost race)
 * until they stick: each is a function of the events only, so the last writer agrees with the first.
 */
async function writeDerived(hq: HqStore, ids: readonly string[], compute: (ids: readonly string[]) => Promise<Map<string, HqDoc | undefined>>): Promise<void> {
  let pending = [...ids];
  for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
    const [docs, stored] = await Promise.all([compute(pending), hq.getMany(pending)]);
    const changed = new Map([...docs].filter(([id, doc]) => !sameDoc(doc, stored.get(id))));
    pending = await hq.putDerived(changed, stored);
  }
}

function sameDoc(doc: HqDoc | undefined, stored: (HqDoc & { _rev: string }) | undefined): boolean {
  if (!doc || !stored) return doc === stored;
  const { _id: _i, _rev: _r, ...rest } = stored as HqDoc & { _rev: string; _id?: string };
  return JSON.stringify(rest) === JSON.stringify(doc);
}

/** The latency of each request: creation to its last approving decision; none if rejected, not approved or not created. */
async function latencies(hq: HqStore, requestIds: readonly string[]): Promise<Map<string, LatencyDoc | undefined>> {
  const keys = requestIds.flatMap((id) => [[id, 'c'], [id, 'a'], [id, 'x']]);
  const rows = await hq.view<[string, string], [number, string]>(HQ_REQUEST_VIEW, { keys });
  const seen = new Map<string, { created?: [number, string]; approved?: number; rejected: boolean }>();
  for (const row of rows) {
    const [requestId, what] = row.key;
    const entry = seen.get(requestId) ?? { rejected: false };
    if (what === 'c') entry.created = row.value;
    if (what === 'a') entry.approved = Math.max(entry.approved ?? 0, row.value[0]);
    if (what === 'x') entry.rejected = true;
    seen.set(requestId, entry);
  }
  return new Map(requestIds.map((requestId) => {
    const entry = seen.get(requestId);
    if (!entry?.created || entry.approved === undefined || entry.rejected) return [latencyDocId(requestId), undefined];
    const [createdAt, unitId] = entry.created;
    const doc: LatencyDoc = { type: 'latency', requestId, unitId, day: hqDayOf(entry.approved), ms: Math.max(0, entry.approved - createdAt) };
    return [latencyDocId(requestId), doc];
  }));
}

/** Every unit's rollup of one day, from the day's events (one read of the whole-organisation path, values only) and its latencies. */
async function rollupsOfDay(hq: HqStore, day: string, unitIds: ReadonlySet<string>): Promise<RollupDoc[]> {
  const start = hqDayStart(day);
  const [rows, lat] = await Promise.all([
    hq.view<unknown[], EventValue>(HQ_BY_VIEW, { startkey: ['t', start], endkey: ['t', start + DAY_MS - 1, {}] }),
    hq.view<[string, string], number>(HQ_LATENCY_VIEW, { startkey: [day], endkey: [day, {}] }),
  ]);
  const rollups = new Map<string, RollupDoc>();
  const rollupOf = (unitId: string): RollupDoc | undefined => {
    if (!unitIds.has(unitId)) return undefined;
    let rollup = rollups.get(unitId);
    if (!rollup) rollups.set(unitId, rollup = { type: 'rollup', unitId, day, byKind: {}, stampsBySeal: {}, devices: {}, latencies: [] });
    return rollup;
  };
  for (const unitId of unitIds) rollupOf(unitId);
  for (const row of rows) {
    const [kind, unitId, sealId, deviceId, n] = row.value;
    const rollup = rollupOf(unitId);
    if (!rollup) continue;
    const at = row.key[1] as number;
    rollup.byKind[kind] = (rollup.byKind[kind] ?? 0) + 1;
    if (kind === 'stamp') rollup.stampsBySeal[sealId ?? ''] = (rollup.stampsBySeal[sealId ?? ''] ?? 0) + 1;
    if (!deviceId || !DEVICE_LOG_KINDS.has(kind)) continue;
    const device = (rollup.devices[deviceId] ??= { stamps: 0, lastAt: at });
    if (kind === 'stamp') device.stamps++;
    if (at >= device.lastAt) {
      device.lastAt = at;
      if (sealId) device.sealId = sealId;
    }
    if (kind === 'low_battery' && n !== null && (!device.battery || at >= device.battery[0])) device.battery = [at, n];
  }
  for (const row of lat) rollupOf(row.key[1])?.latencies.push(row.value);
  for (const rollup of rollups.values()) rollup.latencies.sort((a, b) => a - b);
  return [...rollups.values()];
}

/**
 * Recomputes what `dirty` names, deterministically from the events: first the requests'
 * latencies (which mark the days they land on, and left), then every touched (unit, day) rollup.
 */
export async function flushDirty(hq: HqStore, dirty: Dirty): Promise<void> {
  for (const batch of chunks([...dirty.requests], 300)) {
    const before = await hq.getMany<LatencyDoc>(batch.map(latencyDocId));
    for (const doc of before.values()) dirty.unitDays.add(`${doc.day}\u0000${doc.unitId}`);
    const computed = await latencies(hq, batch);
    for (const doc of computed.values()) if (doc) dirty.unitDays.add(`${doc.day}\u0000${doc.unitId}`);
    let first: Map<string, LatencyDoc | undefined> | undefined = computed;
    await writeDerived(hq, batch.map(latencyDocId), async (ids) => {
      const docs = first ?? (await latencies(hq, ids.map((id) => id.slice(2))));
      first = undefined;
      return docs;
    });
  }
  const days = new Map<string, Set<string>>();
  for (const key of dirty.unitDays) {
    const [day, unitId] = key.split('\u0000') as [string, string];
    days.set(day, (days.get(day) ?? new Set()).add(unitId));
  }
  await forEachParallel([...days].sort(), 2, async ([day, unitIds]) => {
    for (const batch of chunks([...unitIds].sort(), 200)) {
      await writeDerived(hq, batch.map((unitId) => rollupDocId(day, unitId)), async (ids) => {
        const docs = await rollupsOfDay(hq, day, new Set(batch.filter((unitId) => ids.includes(rollupDocId(day, unitId)))));
        return new Map(docs.map((doc) => [rollupDocId(doc.day, doc.unitId), doc]));
      });
    }
  });
  dirty.clear();
}
