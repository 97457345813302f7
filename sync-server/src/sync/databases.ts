import type { VersionedDesignDoc } from '../couch/designDocs';

/** The databases replication needs: every replicated row, and attachment bytes. */
export const SYNC_DATABASES = ['rows', 'blobs'] as const;

/**
 * `rows` is append-only, enforced by the store itself: a row, once written, is never rewritten or
 * deleted, whatever a server instance does. A second write under an id comes back `forbidden`
 * (or `conflict`), and the push path compares the stored row with what was sent.
 */
export const SYNC_DESIGN_DOCS: Readonly<Record<string, readonly VersionedDesignDoc[]>> = {
  rows: [{
    _id: '_design/rows', version: 1, language: 'javascript',
    validate_doc_update: [
      'function (newDoc, oldDoc) {',
      '  if (newDoc._id.indexOf("_design/") === 0) return;',
      '  if (oldDoc) throw({ forbidden: "rows are append-only: " + newDoc._id + " exists" });',
      '  if (newDoc._deleted) throw({ forbidden: "rows are never deleted" });',
      '  if (newDoc.type !== "fact" && newDoc.type !== "change") throw({ forbidden: "a row is a fact or a change" });',
      '}',
    ].join('\n'),
  }],
};
