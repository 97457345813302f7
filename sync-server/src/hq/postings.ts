import type { EventDoc, PostingDoc } from './hqStore';

export type { PostingDoc } from './hqStore';

/**
 * One event on one access path: `[at, h, eventId, kind, unitId, sealId, deviceId, extra, boundSeq?]`
 * — enough to order, filter, count and roll up without reading the event's document. `extra` is a
 * low battery's percent, a seal creation's seal kind, a decision's request id, or `NO_GRANT` for a
 * stamp made without a grant; `boundSeq`, on a device entry whose seal came from its device's
 * binding, that binding's seq (the merge keeps the latest binding known).
 */
export type Posting = [number, string, string, string, string, string | null, string | null, string | number | null, number?];

/** A stamp posting's `extra` when the device stamped without a grant. */
export const NO_GRANT = 'no_grant';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Ids in a path are escaped so that no path is a prefix of another one's bucket ids (`:` and `%`). */
const escape = (value: string): string => value.replace(/%/g, '%25').replace(/:/g, '%3A');

/** The whole organisation. */
export const ALL_PATH = 't';
export const unitPath = (unitId: string): string => `u:${escape(unitId)}`;
export const kindPath = (kind: string): string => `k:${escape(kind)}`;
export const sealPath = (sealId: string): string => `s:${escape(sealId)}`;
export const devicePath = (deviceId: string): string => `d:${escape(deviceId)}`;
export const personPath = (personId: string): string => `p:${escape(personId)}`;

/**
 * How much time one posting document of a path covers: an hour for the dense paths (the whole
 * organisation, a kind), a day for the others (a unit, a seal, a device, a person): a few hundred
 * postings a document at a large group's rate either way.
 */
export const bucketWidth = (path: string): number => (path === ALL_PATH || path.startsWith('k:') ? HOUR_MS : DAY_MS);

/** The start of the bucket `at` falls in (buckets are aligned on whole hours: HQ days, at UTC+8, hold whole hourly buckets). */
export const bucketOf = (path: string, at: number): number => at - (at % bucketWidth(path));

const pad = (n: number): string => String(n).padStart(15, '0');
export const postingDocId = (path: string, bucket: number): string => `x:${path}:${pad(bucket)}`;
/** The id range of a path's buckets from `fromAt` to `toAt` (inclusive, by the instants they hold). */
export const postingRange = (path: string, fromAt: number, toAt: number): { low: string; high: string } =>
  ({ low: postingDocId(path, bucketOf(path, Math.max(0, fromAt))), high: postingDocId(path, bucketOf(path, toAt)) });

/** Every access path an event is on. */
export function pathsOfEvent(event: EventDoc): string[] {
  const paths = [ALL_PATH, unitPath(event.unitId), kindPath(event.kind)];
  if (event.sealId) paths.push(sealPath(event.sealId));
  if (event.deviceId) paths.push(devicePath(event.deviceId));
  for (const person of event.personIds) paths.push(personPath(person));
  return paths;
}

export function postingOf(event: EventDoc): Posting {
  const sealKind = event.kind === 'seal_created' && typeof event.summary.sealKind === 'string' ? event.summary.sealKind : undefined;
  const noGrant = event.kind === 'stamp' && event.summary.withoutGrant === true ? NO_GRANT : undefined;
  const extra = event.n ?? sealKind ?? (event.kind === 'decision' ? event.requestId : undefined) ?? noGrant ?? null;
  const posting: Posting = [event.at, event.h, event.id, event.kind, event.unitId, event.sealId ?? null, event.deviceId ?? null, extra];
  if (event.b !== undefined) posting.push(event.b);
  return posting;
}

/** Newest first; the tie-break `h`, then the id (distinct events never compare equal). */
export const comparePostings = (a: Posting, b: Posting): number =>
  b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : a[2] < b[2] ? 1 : a[2] > b[2] ? -1 : 0);

export const decodeEntries = (doc: Pick<PostingDoc, 'entries'>): Posting[] => JSON.parse(doc.entries) as Posting[];

/**
 * The union of two posting lists, newest first. One event is one posting: should two instances
 * have derived it differently (a binding one of them had read and the other not yet), the one that
 * knows the seal wins, then the one from the later binding (a binding stored late that covers the
 * entry), then the greater JSON text — on every instance alike, so merges in any order converge,
 * and never on "seal unknown" when some instance knew it.
 */
export function mergePostings(a: readonly Posting[], b: readonly Posting[]): Posting[] {
  const byId = new Map<string, Posting>();
  const better = (p: Posting, held: Posting): boolean =>
    (p[5] === null) !== (held[5] === null) ? held[5] === null
      : (p[8] ?? -1) !== (held[8] ?? -1) ? (p[8] ?? -1) > (held[8] ?? -1)
        : JSON.stringify(p) > JSON.stringify(held);
  for (const p of [...a, ...b]) {
    const held = byId.get(p[2]);
    if (!held || better(p, held)) byId.set(p[2], p);
  }
  return [...byId.values()].sort(comparePostings);
}

/** The posting documents a batch of events adds to, by document id. */
export function postingsOfEvents(events: readonly EventDoc[], into = new Map<string, { path: string; bucket: number; entries: Posting[] }>()): Map<string, { path: string; bucket: number; entries: Posting[] }> {
  for (const event of events) {
    const posting = postingOf(event);
    for (const path of pathsOfEvent(event)) {
      const bucket = bucketOf(path, event.at);
      const id = postingDocId(path, bucket);
      const doc = into.get(id);
      if (doc) doc.entries.push(posting);
      else into.set(id, { path, bucket, entries: [posting] });
    }
  }
  return into;
}
