import { DAY_MS, hqDayOf, hqDayStart } from '@seal/shared';
import {
  bindingsDocId, countsDocId, dayDocId, requestDocId,
  type BindingsDoc, type CountsDoc, type DayDoc, type EventDoc, type HqDoc, type HqStore, type RequestDoc, type UnitDay,
} from './hqStore';
import { ALL_PATH, NO_GRANT, comparePostings, decodeEntries, mergePostings, postingRange, postingsOfEvents, type Posting, type PostingDoc } from './postings';

type NewRequest = { created: [number, string] | null; verdicts: Record<string, [number, 'a' | 'x']> };

/**
 * What the events indexed since the last checkpoint add to the index, kept until the next one:
 * postings by document, requests' creations and verdicts, devices' seal bindings, and the days
 * whose aggregates they change. Only work in progress: the checkpoint, written after all of it
 * is stored, is the truth; a crash before it re-derives the same.
 */
export class Pending {
  readonly postings = new Map<string, { path: string; bucket: number; entries: Posting[] }>();
  readonly requests = new Map<string, NewRequest>();
  readonly bindings = new Map<string, Record<string, string>>();
  /** The greatest seq of each device's entries indexed since the last checkpoint. */
  readonly indexedTo = new Map<string, number>();
  readonly days = new Set<string>();
  events = 0;

  note(events: readonly EventDoc[]): void {
    postingsOfEvents(events, this.postings);
    this.events += events.length;
    for (const event of events) {
      this.days.add(hqDayOf(event.at));
      if (event.requestId && (event.kind === 'request_created' || event.kind === 'decision')) {
        const request = this.requests.get(event.requestId) ?? { created: null, verdicts: {} };
        if (event.kind === 'request_created') request.created = earlier(request.created, [event.at, event.unitId]);
        else request.verdicts[event.id] = [event.at, event.summary.verdict === 'approve' ? 'a' : 'x'];
        this.requests.set(event.requestId, request);
      }
      const seq = deviceSeqOf(event.id);
      if (event.deviceId && seq !== undefined) this.indexedTo.set(event.deviceId, Math.max(this.indexedTo.get(event.deviceId) ?? -1, seq));
      if (event.kind === 'seal_bound' && event.deviceId && event.sealId && typeof event.summary.seq === 'number') {
        const bindings = this.bindings.get(event.deviceId) ?? {};
        bindings[String(event.summary.seq)] = event.sealId;
        this.bindings.set(event.deviceId, bindings);
      }
    }
  }
}

/** The seq of a device entry's event (its id is its row's: `fact:device_event:<device>:<seq>`), else `undefined`. */
function deviceSeqOf(eventId: string): number | undefined {
  const match = /^fact:device_event:[^:]+:(\d+)$/.exec(eventId);
  return match ? Number(match[1]) : undefined;
}

/** Of two creations of one request (never, in practice), the one every instance keeps. */
const earlier = (a: [number, string] | null, b: [number, string] | null): [number, string] | null =>
  !a ? b : !b ? a : a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? a : b;

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A request's approval latency: creation to its last approval; none if rejected, not approved or not created. */
export function latencyOf(request: Pick<RequestDoc, 'created' | 'verdicts'>): { day: string; unitId: string; ms: number } | undefined {
  const verdicts = Object.values(request.verdicts);
  if (!request.created || verdicts.length === 0 || verdicts.some(([, v]) => v === 'x')) return undefined;
  const approved = Math.max(...verdicts.map(([at]) => at));
  return { day: hqDayOf(approved), unitId: request.created[1], ms: Math.max(0, approved - request.created[0]) };
}

/** The kinds a device's own log writes: what counts as the device's contact. */
const DEVICE_LOG_KINDS: ReadonlySet<string> = new Set(['boot', 'time_set', 'roster_installed', 'seal_bound', 'grant_installed', 'unlock', 'stamp', 'lock', 'refusal', 'tamper', 'geofence_breach', 'low_battery', 'revocations_installed']);

/** Every posting of the whole organisation in one HQ day, newest first. */
export async function dayPostings(hq: HqStore, day: string): Promise<Posting[]> {
  const start = hqDayStart(day);
  const { low, high } = postingRange(ALL_PATH, start, start + DAY_MS - 1);
  const docs = await hq.range<PostingDoc>(low, high);
  return docs.flatMap((doc) => decodeEntries(doc)).filter(([at]) => at >= start && at < start + DAY_MS).sort(comparePostings);
}

/** A day's counts and aggregates, from its postings and the requests its decisions name. */
async function aggregatesOfDay(hq: HqStore, day: string): Promise<[CountsDoc | undefined, DayDoc | undefined]> {
  const postings = await dayPostings(hq, day);
  const requestIds = [...new Set(postings.flatMap((p) => (p[3] === 'decision' && typeof p[7] === 'string' ? [p[7]] : [])))];
  const requests = await hq.getMany<RequestDoc>(requestIds.map(requestDocId));
  const counts: Record<string, Record<string, number>> = {};
  const units: Record<string, UnitDay> = {};
  const unitDay = (unitId: string): UnitDay => (units[unitId] ??= { stampsBySeal: {}, stampsWithoutGrant: 0, devices: {}, latencies: [] });
  for (const [at, , , kind, unitId, sealId, deviceId, extra] of [...postings].reverse()) {
    const byKind = (counts[unitId] ??= {});
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const unit = unitDay(unitId);
    if (kind === 'stamp') unit.stampsBySeal[sealId ?? ''] = (unit.stampsBySeal[sealId ?? ''] ?? 0) + 1;
    if (kind === 'stamp' && extra === NO_GRANT) unit.stampsWithoutGrant++;
    if (!deviceId || !DEVICE_LOG_KINDS.has(kind)) continue;
    const device = (unit.devices[deviceId] ??= { stamps: 0, lastAt: at });
    if (kind === 'stamp') device.stamps++;
    if (at >= device.lastAt) {
      device.lastAt = at;
      if (sealId) device.sealId = sealId;
    }
    if (kind === 'low_battery' && typeof extra === 'number' && (!device.battery || at >= device.battery[0])) device.battery = [at, extra];
  }
  for (const request of requests.values()) {
    const latency = latencyOf(request);
    if (latency?.day === day) unitDay(latency.unitId).latencies.push(latency.ms);
  }
  for (const unit of Object.values(units)) unit.latencies.sort((a, b) => a - b);
  if (postings.length === 0) return [undefined, undefined];
  return [{ type: 'counts', day, units: counts }, { type: 'day', day, units }];
}

/** Runs `work` over `items`, `parallel` at a time. */
async function forEachParallel<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/**
 * Stores what `pending` holds: postings, requests and bindings merged into what is stored
 * (unions: any order of writers converges), then every touched day's counts and aggregates
 * recomputed from the stored postings (the days of the new events, and those a request's
 * latency lands on or leaves).
 */
export async function flushPending(hq: HqStore, pending: Pending): Promise<void> {
  await hq.mergeDocs<PostingDoc>([...pending.postings.keys()], (id, stored) => {
    const added = pending.postings.get(id)!;
    const entries = JSON.stringify(mergePostings(stored ? decodeEntries(stored) : [], added.entries));
    return stored?.entries === entries ? undefined : { type: 'postings', path: added.path, bucket: added.bucket, entries };
  });
  const days = new Set(pending.days);
  await hq.mergeDocs<RequestDoc>([...pending.requests.keys()].map(requestDocId), (id, stored) => {
    const requestId = id.slice(2);
    const added = pending.requests.get(requestId)!;
    const doc: RequestDoc = { type: 'request', requestId, created: earlier(stored?.created ?? null, added.created), verdicts: { ...stored?.verdicts, ...added.verdicts } };
    for (const [at, verdict] of Object.values(doc.verdicts)) if (verdict === 'a') days.add(hqDayOf(at));
    return stored && sameJson(stored, doc) ? undefined : doc;
  });
  await hq.mergeDocs<BindingsDoc>([...new Set([...pending.bindings.keys(), ...pending.indexedTo.keys()])].map(bindingsDocId), (id, stored) => {
    const deviceId = id.slice(2);
    const indexedTo = Math.max(stored?.indexedTo ?? -1, pending.indexedTo.get(deviceId) ?? -1);
    const doc: BindingsDoc = { type: 'bindings', deviceId, bindings: { ...stored?.bindings, ...pending.bindings.get(deviceId) }, ...(indexedTo >= 0 ? { indexedTo } : {}) };
    return stored && sameJson(stored, doc) ? undefined : doc;
  });
  await forEachParallel([...days].sort(), 2, async (day) => {
    await hq.replaceDocs([countsDocId(day), dayDocId(day)], async () => {
      const [counts, aggregates] = await aggregatesOfDay(hq, day);
      return new Map<string, HqDoc | undefined>([[countsDocId(day), counts], [dayDocId(day), aggregates]]);
    });
  });
}

/** Counts of days from `fromDay` to `toDay` (inclusive), every unit. */
export const countsOfDays = (hq: HqStore, fromDay: string, toDay: string): Promise<CountsDoc[]> => hq.range<CountsDoc>(countsDocId(fromDay), countsDocId(toDay));
/** Aggregates of days from `fromDay` to `toDay` (inclusive), every unit. */
export const aggregatesOfDays = (hq: HqStore, fromDay: string, toDay: string): Promise<DayDoc[]> => hq.range<DayDoc>(dayDocId(fromDay), dayDocId(toDay));
