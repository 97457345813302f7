/**
 * A generated headquarters history for the browser tests of the HQ screens: events of several
 * kinds at two sites and HQ over four weeks, with the organisation's real unit, user and seal ids
 * (so the app shows their names). Which events are anomalies is decided here, by the generator.
 */
import { DAY_MS, hqDayOf, type TimelineEvent, type TimelineEventKind } from '@seal/shared';

export interface HqWorldIds {
  readonly hqId: string;
  readonly siteIds: readonly [string, string];
  readonly userIds: readonly string[];
  readonly seals: readonly { readonly id: string; readonly unitId: string; readonly kind: string; readonly deviceId: string }[];
}

export interface HqHistory {
  readonly events: readonly TimelineEvent[];
  /** Ids of the events an anomaly case names (the generator's choice). */
  readonly anomalies: ReadonlySet<string>;
  /** unit id → parent id (for subtree filters). */
  readonly parents: ReadonlyMap<string, string | null>;
  readonly ids: HqWorldIds;
}

/** Kinds with their weight in the mix (stamps dominate, as in real use). */
const MIX: readonly [TimelineEventKind, number][] = [
  ['stamp', 40], ['unlock', 12], ['lock', 12], ['decision', 8], ['grant', 6], ['request_created', 8],
  ['refusal', 4], ['tamper', 2], ['geofence_breach', 2], ['low_battery', 2], ['alarm', 2], ['seal_status_change', 2],
];
const DEVICE_KINDS = new Set<TimelineEventKind>(['stamp', 'unlock', 'lock', 'refusal', 'tamper', 'geofence_breach', 'low_battery']);

/** `count` events over the 28 days before `now`, reproducibly from `seed`. */
export function generateHqHistory(ids: HqWorldIds, now: number, count: number, seed = 13): HqHistory {
  // mulberry32: a small seeded generator, enough to make the same history on every run.
  let state = seed >>> 0;
  const int = (min: number, max: number): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    const unit = ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
    return min + Math.floor(unit * (max - min + 1));
  };
  const totalWeight = MIX.reduce((sum, [, w]) => sum + w, 0);
  const pickKind = (): TimelineEventKind => {
    let roll = int(1, totalWeight);
    for (const [kind, weight] of MIX) {
      roll -= weight;
      if (roll <= 0) return kind;
    }
    return 'stamp';
  };
  const events: TimelineEvent[] = [];
  const anomalies = new Set<string>();
  for (let i = 0; i < count; i++) {
    const kind = pickKind();
    const seal = ids.seals[int(0, ids.seals.length - 1)]!;
    const at = now - int(60_000, 28 * DAY_MS);
    const person = ids.userIds[int(0, ids.userIds.length - 1)]!;
    const id = `ev-${String(i).padStart(4, '0')}`;
    const onDevice = DEVICE_KINDS.has(kind);
    const event: TimelineEvent = {
      id,
      at,
      kind,
      unitId: kind === 'request_created' && int(0, 3) === 0 ? ids.hqId : seal.unitId,
      ...(kind === 'request_created' || kind === 'decision' || kind === 'grant' || onDevice ? { sealId: seal.id } : {}),
      ...(onDevice ? { deviceId: seal.deviceId } : {}),
      ...(kind === 'decision' || kind === 'grant' || kind === 'request_created' ? { requestId: `req-${int(1, 40)}` } : {}),
      personIds: kind === 'boot' || kind === 'low_battery' || kind === 'tamper' ? [] : [person],
      summary: summaryFor(kind, int, at),
      rowId: `row-${id}`,
    };
    events.push(event);
    if (kind === 'tamper' || kind === 'geofence_breach' || (kind === 'stamp' && int(0, 9) === 0)) anomalies.add(id);
  }
  const parents = new Map<string, string | null>([[ids.hqId, null], [ids.siteIds[0], ids.hqId], [ids.siteIds[1], ids.hqId]]);
  return { events, anomalies, parents, ids };
}

function summaryFor(kind: TimelineEventKind, int: (min: number, max: number) => number, at: number): TimelineEvent['summary'] {
  switch (kind) {
    case 'stamp': return { seq: int(1, 900), usesLeft: int(0, 5), photo: int(0, 9) > 0 };
    case 'refusal': return { reason: 'window_expired' };
    case 'low_battery': return { batteryPercent: int(5, 19) };
    case 'decision': return { verdict: int(0, 4) === 0 ? 'reject' : 'approve' };
    case 'grant': return { uses: int(1, 5), validUntil: at + DAY_MS };
    case 'request_created': return { purpose: '合同签署', uses: int(1, 5) };
    default: return {};
  }
}

/** The HQ day of each event, for the expected per-day counts. */
export const dayOf = (event: TimelineEvent): string => hqDayOf(event.at);
