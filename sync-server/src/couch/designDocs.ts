import type { DocumentScope } from 'nano';
import type { Store } from './store';
import { isConflict, statusOf } from './docs';

/** A design document with the version that says whether a stored copy is current. */
export interface VersionedDesignDoc {
  readonly _id: `_design/${string}`;
  /** Bump on any change; migration rewrites only when the stored version differs. */
  readonly version: number;
  readonly views?: Record<string, { map: string; reduce?: string }>;
  readonly validate_doc_update?: string;
  readonly language?: 'javascript';
}

/**
 * Views and validation functions per logical database. Map functions are plain ES5 strings
 * because CouchDB (and its embedded stand-in) run them in their own JavaScript engine.
 */
export const DESIGN_DOCS: Readonly<Record<string, readonly VersionedDesignDoc[]>> = {
  sessions: [{
    _id: '_design/sessions', version: 1, language: 'javascript',
    views: {
      by_user: { map: 'function (doc) { if (doc.userId) emit(doc.userId, null); }' },
      by_credential: { map: 'function (doc) { if (doc.credentialId) emit(doc.credentialId, null); }' },
      // When a session stops being usable: revoked, idle too long, or past its absolute end.
      by_expiry: { map: 'function (doc) { if (doc.type === "session") emit(doc.revokedAt || Math.min(doc.expiresAt, doc.idleExpiresAt), doc._rev); }' },
    },
  }],
  challenges: [{
    _id: '_design/challenges', version: 1, language: 'javascript',
    views: { by_expiry: { map: 'function (doc) { if (typeof doc.expiresAt === "number") emit(doc.expiresAt, doc._rev); }' } },
  }],
  credentials: [{
    _id: '_design/credentials', version: 1, language: 'javascript',
    views: { by_user: { map: 'function (doc) { if (doc.userId) emit(doc.userId, null); }' } },
  }],
  audit: [{
    _id: '_design/audit', version: 1, language: 'javascript',
    // Append-only, enforced by the store itself: even a buggy or compromised server instance
    // cannot rewrite or delete a record through the ordinary API.
    validate_doc_update: [
      'function (newDoc, oldDoc) {',
      '  if (newDoc._id.indexOf("_design/") === 0) return;',
      '  if (oldDoc) throw({ forbidden: "audit records are append-only: " + newDoc._id + " exists" });',
      '  if (newDoc._deleted) throw({ forbidden: "audit records are never deleted" });',
      '  if (typeof newDoc.seq !== "number" || typeof newDoc.hash !== "string" || typeof newDoc.prevHash !== "string")',
      '    throw({ forbidden: "an audit record needs seq, hash and prevHash" });',
      '}',
    ].join('\n'),
  }],
};

/** The stored design document, or `undefined` (getDoc refuses `_`-ids on purpose: they are ours only here). */
async function storedDesignDoc(db: DocumentScope<VersionedDesignDoc>, id: string): Promise<(VersionedDesignDoc & { _rev: string }) | undefined> {
  try {
    return await db.get(id);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** What a design document does (its views and validation), whatever its revision. */
const behaviourOf = (doc: Partial<VersionedDesignDoc>): string =>
  JSON.stringify({ views: doc.views ?? null, validate_doc_update: doc.validate_doc_update ?? null, language: doc.language ?? null });

/**
 * Writes every design document whose stored copy differs from ours — its version, or what it does:
 * design documents carry no MAC, so one rewritten in the store under the same version (a view
 * made to emit other rows) is put back at every start. Idempotent (a re-run writes nothing) and
 * safe when several servers start together (a lost race is re-checked).
 * @returns the ids written, for logs and tests
 */
export async function migrateDesignDocs(store: Store, designDocs = DESIGN_DOCS): Promise<string[]> {
  const written: string[] = [];
  for (const [logical, docs] of Object.entries(designDocs)) {
    const db = store.couch.use<VersionedDesignDoc>(store.dbName(logical));
    for (const doc of docs) {
      for (let attempt = 0; ; attempt++) {
        const stored = await storedDesignDoc(db, doc._id);
        if (stored?.version === doc.version && behaviourOf(stored) === behaviourOf(doc)) break;
        try {
          await db.insert({ ...doc, ...(stored ? { _rev: stored._rev } : {}) });
          written.push(`${logical}/${doc._id}`);
          break;
        } catch (error) {
          if (!isConflict(error) || attempt >= 3) throw error;
        }
      }
    }
  }
  return written;
}
