import type { VersionedDesignDoc } from '../couch/designDocs';

/** The logical database of the HQ index (derived from `rows`; dropping it only costs a rebuild). */
export const HQ_DATABASE = 'hq_events';
export const HQ_DESIGN = 'hq';

/**
 * The index has no views (ADR 006): every access path is a range of document ids, read through
 * `_all_docs` (the primary index, kept as documents are written: nothing to build at query time,
 * on the embedded store as on a CouchDB cluster). Version 2 replaces version 1's views (one view
 * of six emits per event, and request, binding and latency views) with an empty design document,
 * so a store indexed by an earlier server stops maintaining them.
 */
export const HQ_DESIGN_DOCS: Readonly<Record<string, readonly VersionedDesignDoc[]>> = {
  [HQ_DATABASE]: [{ _id: `_design/${HQ_DESIGN}`, version: 2, language: 'javascript', views: {} }],
};
