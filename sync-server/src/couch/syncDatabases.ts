import type { VersionedDesignDoc } from './designDocs';

/** The databases replication needs: every replicated row, and attachment bytes. */
export const SYNC_DATABASES = ['rows', 'blobs'] as const;

/** The `rows` view that orders each device's log entries: key `[deviceId, seq]`, no value. */
export const DEVICE_LOG_VIEW = 'device_log';

/**
 * The `rows` view that finds electronic impressions and their countersignatures (ADR 008): keys
 * `['code', verificationCode]`, `['signed', signedSha256]`, `['request', requestId]` for
 * impressions, `['countersigned', sha256]` and `['countersignature', impressionId]` for
 * countersignatures, and `['request', requestId]` for decisions and stamps too — what `/verify`
 * and the countersign route look up.
 */
export const DOCUMENTS_VIEW = 'documents';

/** The design document of the scope index (its own, so that changing it re-indexes nothing else). */
export const SCOPE_DESIGN = 'scope';
/**
 * The `rows` view that finds a unit's rows (ADR 010): key `[scopeUnitId, rowId]`, no value,
 * reduce `_count`. Scoped pulls read it a unit at a time, in row-id order, instead of scanning
 * the whole change feed; the counts are the rows a replica is still owed.
 */
export const SCOPE_VIEW = 'by_scope';

/** The design document of the attachments index (its own: adding it re-indexed nothing else). */
export const ATTACHMENTS_DESIGN = 'attachments';
/**
 * The `rows` view that finds the attachment facts filed about a record under a hash: key
 * `[about, sha256]` (`['device:dev-1', '9f…']`), no value. HQ looks up, for every stamp of a
 * scope at once, the facts about the stamping device that name its photo (`stampPhotosHeld`),
 * then their uploads' proofs by id — never a read per stamp.
 */
export const ATTACHMENTS_VIEW = 'by_subject';

/**
 * `rows` is append-only, enforced by the store itself: a row, once written, is never rewritten or
 * deleted, whatever a server instance does. A second write under an id comes back `forbidden`
 * (or `conflict`), and the push path compares the stored row with what was sent.
 *
 * `device_log` lets a server instance read a device's stored log around a seq without keeping
 * any state of its own (row ids hold the seq as text, so `_all_docs` would sort 10 before 9).
 */
export const SYNC_DESIGN_DOCS: Readonly<Record<string, readonly VersionedDesignDoc[]>> = {
  rows: [{
    _id: '_design/rows', version: 3, language: 'javascript',
    views: {
      [DEVICE_LOG_VIEW]: {
        map: [
          'function (doc) {',
          '  if (doc.type === "fact" && doc.kind === "device_event" && doc.body && typeof doc.body.deviceId === "string" && typeof doc.body.seq === "number")',
          '    emit([doc.body.deviceId, doc.body.seq], null);',
          '}',
        ].join('\n'),
      },
      [DOCUMENTS_VIEW]: {
        map: [
          'function (doc) {',
          '  if (doc.type !== "fact" || !doc.body) return;',
          '  if (doc.kind === "impression") {',
          '    emit(["code", doc.body.verificationCode], null);',
          '    emit(["signed", doc.body.signedSha256], null);',
          '    emit(["request", doc.body.requestId], null);',
          '  }',
          '  if (doc.kind === "decision" && doc.body.payload) emit(["request", doc.body.payload.requestId], null);',
          '  if (doc.kind === "device_event" && doc.body.type === "stamp" && doc.body.payload && doc.body.payload.requestId) emit(["request", doc.body.payload.requestId], null);',
          '  if (doc.kind === "countersignature") {',
          '    emit(["countersigned", doc.body.countersignedSha256], null);',
          '    emit(["countersignature", doc.body.impressionId], null);',
          '  }',
          '}',
        ].join('\n'),
      },
    },
    validate_doc_update: [
      'function (newDoc, oldDoc) {',
      '  if (newDoc._id.indexOf("_design/") === 0) return;',
      '  if (oldDoc) throw({ forbidden: "rows are append-only: " + newDoc._id + " exists" });',
      '  if (newDoc._deleted) throw({ forbidden: "rows are never deleted" });',
      '  if (newDoc.type !== "fact" && newDoc.type !== "change") throw({ forbidden: "a row is a fact or a change" });',
      '}',
    ].join('\n'),
  }, {
    // Version 2 carries the row as the value: a back-fill reads a unit's rows in one pass over the
    // index instead of a lookup per row (two reads each in the embedded store) — ADR 010.
    _id: `_design/${SCOPE_DESIGN}`, version: 2, language: 'javascript',
    views: {
      [SCOPE_VIEW]: {
        map: [
          'function (doc) {',
          '  if ((doc.type === "fact" || doc.type === "change") && typeof doc.scopeUnitId === "string" && doc.id === doc._id)',
          '    emit([doc.scopeUnitId, doc._id], doc);',
          '}',
        ].join('\n'),
        reduce: '_count',
      },
    },
  }, {
    _id: `_design/${ATTACHMENTS_DESIGN}`, version: 1, language: 'javascript',
    views: {
      [ATTACHMENTS_VIEW]: {
        map: [
          'function (doc) {',
          '  if (doc.type === "fact" && doc.kind === "attachment" && doc.body && typeof doc.body.about === "string" && typeof doc.body.sha256 === "string")',
          '    emit([doc.body.about, doc.body.sha256], null);',
          '}',
        ].join('\n'),
      },
    },
  }],
  // Held bytes are written once, enforced by the store itself: a checked chunk, the mark that a
  // blob is complete and an upload's proof are never rewritten or deleted, whatever a server
  // instance does. Staged parts (`part:`) are not held bytes: dropped on a failed hash check, and once their fact is proven.
  blobs: [{
    _id: '_design/blobs', version: 1, language: 'javascript',
    validate_doc_update: [
      'function (newDoc, oldDoc) {',
      '  var id = newDoc._id;',
      '  if (id.indexOf("chunk:") !== 0 && id.indexOf("blob:") !== 0 && id.indexOf("proof:") !== 0) return;',
      '  if (oldDoc) throw({ forbidden: "held bytes are written once: " + id + " exists" });',
      '  if (newDoc._deleted) throw({ forbidden: "held bytes are never deleted" });',
      '}',
    ].join('\n'),
  }],
};
