import { DAY_MS, hqDayOf, hqDayStart, type HqEventCounts, type TimelineEvent } from '@seal/shared';
import type { RowsRepo } from '../sync/rowsRepo';
import { eventsOfRows, type ResolvedSeal } from './derive';
import type { HqStore } from './hqStore';
import { ALL_PATH, devicePath, kindPath, personPath, sealPath, unitPath } from './postings';
import { countsOfDays } from './rollups';
import { newerThan, PathStream, positionOf, type EventRow, type Position } from './scan';

/** A merged-log query, its scope already resolved to unit ids. */
export interface EventFilter {
  /** The units whose events may show (the reader's scope ∩ the requested subtree). */
  readonly unitIds: ReadonlySet<string>;
  /** How many units the organisation has (to judge how much of it the scope covers). */
  readonly allUnits: number;
  readonly seal?: string | undefined;
  readonly device?: string | undefined;
  readonly person?: string | undefined;
  readonly kinds?: readonly string[] | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** Only these events (anomalies only): event ids. */
  readonly only?: ReadonlySet<string> | undefined;
}

/**
 * Scopes covering at least this share of the organisation read the whole-organisation order and
 * drop other units' events; smaller ones merge their units' own orders (one read per unit).
 */
const WIDE_SCOPE = 0.25;

/** Postings a stream costs beyond those it reads: one request at least (a posting document's worth). */
const STREAM_COST = 200;

/**
 * The access paths a filter reads, each newest first: their merge is the answer's order. Kinds
 * within a narrow scope go by whichever reads fewer postings — the kinds' paths (every unit's
 * events of those kinds) or the units' (every kind's events of those units) — as the days' counts
 * tell: rare kinds (alarms) by kind, a common kind in a few sites by unit.
 */
async function pathsOf(hq: HqStore, filter: EventFilter): Promise<string[]> {
  if (filter.person) return [personPath(filter.person)];
  if (filter.seal) return [sealPath(filter.seal)];
  if (filter.device) return [devicePath(filter.device)];
  const wide = filter.unitIds.size >= filter.allUnits * WIDE_SCOPE;
  const byKind = () => filter.kinds!.map(kindPath);
  const byUnit = () => [...filter.unitIds].sort().map(unitPath);
  if (!filter.kinds) return wide ? [ALL_PATH] : byUnit();
  if (wide || filter.kinds.length === 1) return byKind();
  let kindPostings = filter.kinds.length * STREAM_COST;
  let unitPostings = filter.unitIds.size * STREAM_COST;
  for (const day of await countsOfDays(hq, '0000-00-00', '9999-12-31')) {
    for (const [unitId, byKinds] of Object.entries(day.units)) {
      for (const [kind, n] of Object.entries(byKinds)) {
        if (filter.kinds.includes(kind)) kindPostings += n;
        if (filter.unitIds.has(unitId)) unitPostings += n;
      }
    }
  }
  return kindPostings <= unitPostings ? byKind() : byUnit();
}

/** Whether a posting passes the filter (everything but the person, which only its own path reads). */
function passes(filter: EventFilter, row: EventRow): boolean {
  const [, , id, kind, unitId, sealId, deviceId] = row;
  if (!filter.unitIds.has(unitId)) return false;
  if (filter.kinds && !filter.kinds.includes(kind)) return false;
  if (filter.seal && sealId !== filter.seal) return false;
  if (filter.device && deviceId !== filter.device) return false;
  if (filter.only && !filter.only.has(id)) return false;
  return true;
}

/** Reads the filter's events newest first, strictly after `before`, up to `limit`. */
export async function scanEvents(hq: HqStore, filter: EventFilter, before: Position | undefined, limit: number): Promise<EventRow[]> {
  const streams = (await pathsOf(hq, filter)).map((path) => new PathStream(hq, path, { from: filter.from, to: filter.to, before }));
  const found: EventRow[] = [];
  while (found.length < limit) {
    const heads = await Promise.all(streams.map((s) => s.head()));
    let best = -1;
    heads.forEach((head, i) => {
      if (head && (best < 0 || newerThan(positionOf(head), positionOf(heads[best]!)))) best = i;
    });
    if (best < 0) break;
    const row = streams[best]!.shift()!;
    if (passes(filter, row)) found.push(row);
  }
  return found;
}

/**
 * The events the postings found name, as the API shows them: their rows read again (by id: an
 * event's id is its row's) and derived with the seal the index resolved for them.
 */
export async function eventsOf(rowsRepo: RowsRepo, found: readonly EventRow[]): Promise<TimelineEvent[]> {
  const stored = await rowsRepo.getMany(found.map((p) => p[2]));
  const seals = new Map(found.flatMap((p): [string, ResolvedSeal][] => (p[5] ? [[p[2], { sealId: p[5] }]] : [])));
  const byId = new Map(eventsOfRows([...stored.values()], seals).map((event) => [event.id, event]));
  return found.flatMap((p) => {
    const event = byId.get(p[2]);
    if (!event) return [];
    const { type: _t, h: _h, n: _n, b: _b, ...shown } = event;
    return [shown];
  });
}

/** An opaque cursor: the position of the last event shown. */
export const encodeCursor = (p: Position): string => Buffer.from(JSON.stringify([p.at, p.h])).toString('base64url');

export function decodeCursor(cursor: string): Position | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, h] = value as unknown[];
    return Number.isSafeInteger(at) && (at as number) >= 0 && typeof h === 'string' && /^[0-9a-f]{1,64}$/.test(h) ? { at: at as number, h } : undefined;
  } catch {
    return undefined;
  }
}

function add(counts: HqEventCounts, kind: string, n: number): void {
  counts.total += n;
  counts.byKind[kind] = (counts.byKind[kind] ?? 0) + n;
}

async function countByScan(hq: HqStore, filter: EventFilter, counts: HqEventCounts): Promise<void> {
  for (const row of await scanEvents(hq, filter, undefined, Number.MAX_SAFE_INTEGER)) add(counts, row[3], 1);
}

/**
 * Counts of everything the filter matches. A seal's, a device's or a person's events are counted
 * by reading their path (no documents); a scope's whole days come from the days' counts (by unit and kind),
 * and only a partial first or last day is read event by event.
 */
export async function countEvents(hq: HqStore, filter: EventFilter): Promise<HqEventCounts> {
  const counts: HqEventCounts = { total: 0, byKind: {} };
  if (filter.person || filter.seal || filter.device || filter.only) {
    await countByScan(hq, filter, counts);
    return counts;
  }
  const from = filter.from ?? 0;
  const firstWhole = from === hqDayStart(hqDayOf(from)) ? from : hqDayStart(hqDayOf(from)) + DAY_MS;
  const to = filter.to;
  const lastWholeEnd = to === undefined ? undefined : hqDayStart(hqDayOf(to));
  if (lastWholeEnd !== undefined && lastWholeEnd <= firstWhole) {
    await countByScan(hq, filter, counts);
    return counts;
  }
  if (firstWhole > from) await countByScan(hq, { ...filter, from, to: firstWhole }, counts);
  if (to !== undefined && lastWholeEnd! < to) await countByScan(hq, { ...filter, from: lastWholeEnd, to }, counts);
  const lastDay = lastWholeEnd === undefined ? '9999-12-31' : hqDayOf(lastWholeEnd - 1);
  for (const day of await countsOfDays(hq, hqDayOf(firstWhole), lastDay)) {
    for (const [unitId, byKind] of Object.entries(day.units)) {
      if (!filter.unitIds.has(unitId)) continue;
      for (const [kind, n] of Object.entries(byKind)) if (!filter.kinds || filter.kinds.includes(kind)) add(counts, kind, n);
    }
  }
  return counts;
}

