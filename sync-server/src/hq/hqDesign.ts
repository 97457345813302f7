import type { VersionedDesignDoc } from '../couch/designDocs';

/** The logical database of the HQ index (derived from `rows`; dropping it only costs a rebuild). */
export const HQ_DATABASE = 'hq_events';
export const HQ_DESIGN = 'hq';
/** Events by access path, each `[...prefix, at, eventId]` (see the map function). */
export const HQ_BY_VIEW = 'by';
/** Requests' creation and verdicts: `[requestId, "c" | "a" | "x"]` → `[at, unitId]` (for approval latency). */
export const HQ_REQUEST_VIEW = 'request';
/** Devices' seal bindings: `[deviceId, seq]` → sealId. */
export const HQ_BIND_VIEW = 'bind';
/** Approval latencies: `[day, unitId]` → ms. */
export const HQ_LATENCY_VIEW = 'latency';

/**
 * One view holds every access path of the merged log, newest first when read descending:
 * `['t', at, h]` (h: the event's tie-break, see `tieOf`) (the whole organisation), `['u', unitId, at, id]`, `['s', sealId, …]`,
 * `['d', deviceId, …]`, `['p', personId, …]`, `['k', kind, …]`. One view, not six: CouchDB and
 * PouchDB build an index per view, each a full pass over the documents; one pass emitting five or
 * six keys per event costs less than six. Each value is `[kind, unitId, sealId, deviceId, n]`
 * (n: a low battery's percent), enough to filter and count without reading documents.
 */
const BY_MAP = `function (doc) {
  if (doc.type !== "event") return;
  var v = [doc.kind, doc.unitId, doc.sealId || null, doc.deviceId || null, typeof doc.n === "number" ? doc.n : null];
  emit(["t", doc.at, doc.h], v);
  emit(["u", doc.unitId, doc.at, doc.h], v);
  emit(["k", doc.kind, doc.at, doc.h], v);
  if (doc.sealId) emit(["s", doc.sealId, doc.at, doc.h], v);
  if (doc.deviceId) emit(["d", doc.deviceId, doc.at, doc.h], v);
  for (var i = 0; i < doc.personIds.length; i++) emit(["p", doc.personIds[i], doc.at, doc.h], v);
}`;

const REQUEST_MAP = `function (doc) {
  if (doc.type !== "event" || !doc.requestId) return;
  if (doc.kind === "request_created") emit([doc.requestId, "c"], [doc.at, doc.unitId]);
  if (doc.kind === "decision") emit([doc.requestId, doc.summary.verdict === "approve" ? "a" : "x"], [doc.at, doc.unitId]);
}`;

const BIND_MAP = `function (doc) {
  if (doc.type === "event" && doc.kind === "seal_bound" && doc.deviceId && doc.sealId) emit([doc.deviceId, doc.summary.seq], doc.sealId);
}`;

const LATENCY_MAP = `function (doc) {
  if (doc.type === "latency" && typeof doc.ms === "number") emit([doc.day, doc.unitId], doc.ms);
}`;

export const HQ_DESIGN_DOCS: Readonly<Record<string, readonly VersionedDesignDoc[]>> = {
  [HQ_DATABASE]: [{
    _id: `_design/${HQ_DESIGN}`, version: 1, language: 'javascript',
    views: {
      [HQ_BY_VIEW]: { map: BY_MAP },
      [HQ_REQUEST_VIEW]: { map: REQUEST_MAP },
      [HQ_BIND_VIEW]: { map: BIND_MAP },
      [HQ_LATENCY_VIEW]: { map: LATENCY_MAP },
    },
  }],
};
