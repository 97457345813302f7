import type { DocumentScope } from 'nano';

/** What CouchDB adds to every stored document. */
export interface Stored {
  readonly _id: string;
  readonly _rev: string;
}

/** The HTTP status of a failed nano call, if it carries one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** True when CouchDB refused a write because the document changed (or exists) meanwhile. */
export const isConflict = (error: unknown): boolean => statusOf(error) === 409;

/**
 * Ids that name a CouchDB endpoint rather than a document (`_all_docs`, `_design/…`, `_changes`):
 * one of those reaching `GET /db/{id}` would answer with something that is not our document, or
 * (`_changes` with a filter) take the embedded stand-in down.
 */
export const isReservedId = (id: string): boolean => id === '' || id.startsWith('_');

/** Reads a document, or `undefined` when there is none (deleted or never written, or a reserved id). */
export async function getDoc<T>(db: DocumentScope<T>, id: string): Promise<(T & Stored) | undefined> {
  if (isReservedId(id)) return undefined;
  try {
    return await db.get(id);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Every document whose id starts with `prefix` (all when empty), design documents excluded.
 * Uses `_all_docs` key ranges only: nothing a client sends reaches the store's query API.
 */
export async function listDocs<T>(db: DocumentScope<T>, prefix = ''): Promise<(T & Stored)[]> {
  const range = prefix ? { startkey: prefix, endkey: `${prefix}\ufff0` } : {};
  const page = await db.list({ include_docs: true, ...range });
  return page.rows
    .filter((row) => !row.id.startsWith('_design/') && row.doc)
    .map((row) => row.doc as T & Stored);
}

/** The documents a view emits for one key, with `include_docs`. */
export async function docsByKey<T>(db: DocumentScope<T>, design: string, view: string, key: string): Promise<(T & Stored)[]> {
  const result = await db.view<unknown>(design, view, { key, include_docs: true });
  return result.rows.filter((row) => row.doc).map((row) => row.doc as T & Stored);
}

/** Ids (and revs) of documents a view emits with a numeric key below `bound`. */
export async function idsBelow<T>(db: DocumentScope<T>, design: string, view: string, bound: number, limit = 500): Promise<{ id: string; rev: string }[]> {
  const result = await db.view<string>(design, view, { startkey: 0, endkey: bound, inclusive_end: false, limit });
  return result.rows.map((row) => ({ id: row.id, rev: row.value }));
}

/** Deletes documents by id and rev in one `_bulk_docs`; losing a race to another server is fine. */
export async function deleteAll<T>(db: DocumentScope<T>, docs: readonly { id: string; rev: string }[]): Promise<number> {
  if (docs.length === 0) return 0;
  const results = await db.bulk({ docs: docs.map((d) => ({ _id: d.id, _rev: d.rev, _deleted: true })) });
  return results.filter((r) => !r.error).length;
}

/**
 * Read-modify-write with CouchDB's optimistic concurrency: `change` gets the current document and
 * returns the next one (or `undefined` to leave it); a conflicting write by another request or
 * server is retried on the fresh copy. Returns `{before, after}`, or `undefined` if there is no
 * such document.
 */
export async function updateDoc<T extends object>(
  db: DocumentScope<T>,
  id: string,
  change: (current: T) => T | undefined,
): Promise<{ before: T; after: T } | undefined> {
  for (let attempt = 0; ; attempt++) {
    const stored = await getDoc(db, id);
    if (!stored) return undefined;
    const { _id: _ignoredId, _rev, ...current } = stored;
    const next = change(current as unknown as T);
    if (next === undefined) return { before: current as unknown as T, after: current as unknown as T };
    try {
      await db.insert({ ...next, _id: id, _rev });
      return { before: current as unknown as T, after: next };
    } catch (error) {
      if (!isConflict(error) || attempt >= 8) throw error;
    }
  }
}

/**
 * True when a refused create lost the race for its id. Apache CouchDB answers 409 before it runs
 * any validation, but the embedded store runs `validate_doc_update` first, so a validator that
 * refuses to overwrite (the audit log's append-only rule) answers 403 `forbidden` instead. A 403
 * counts as taken only if the id now holds a document: any other refusal is a real one.
 */
async function lostRaceFor<T>(db: DocumentScope<T>, id: string, error: unknown): Promise<boolean> {
  if (isConflict(error)) return true;
  return statusOf(error) === 403 && (await getDoc(db, id)) !== undefined;
}

/** Creates a document under a new id; `false` if the id is taken (by an earlier or a concurrent write). */
export async function createDoc<T extends object>(db: DocumentScope<T>, id: string, doc: T): Promise<boolean> {
  if (isReservedId(id)) throw new Error(`refusing to write a document under the reserved id "${id}"`);
  try {
    await db.insert({ ...doc, _id: id });
    return true;
  } catch (error) {
    if (await lostRaceFor(db, id, error)) return false;
    throw error;
  }
}

/**
 * Creates documents under new ids in one `_bulk_docs` (each on its own: not all or nothing);
 * answers the positions of those whose id was taken (as `createDoc` judges it). Any other refusal throws.
 */
export async function createMany<T extends object>(db: DocumentScope<T>, docs: readonly (T & { _id: string })[]): Promise<number[]> {
  if (docs.length === 0) return [];
  for (const doc of docs) if (isReservedId(doc._id)) throw new Error(`refusing to write a document under the reserved id "${doc._id}"`);
  const results = await db.bulk({ docs: docs as T[] });
  // Matched by id, not position: the embedded store answers the documents its validation refused first.
  const byId = new Map(results.map((result) => [result.id, result]));
  const taken: number[] = [];
  for (const [position, { _id: id }] of docs.entries()) {
    const result = byId.get(id);
    if (result === undefined) throw new Error(`the store did not answer for "${id}"`);
    if (!result.error) continue;
    const failure = { statusCode: result.error === 'conflict' ? 409 : result.error === 'forbidden' ? 403 : 500, error: result.error, reason: result.reason };
    if (!(await lostRaceFor(db, id, failure))) {
      throw Object.assign(new Error(`writing "${id}" was refused: ${result.error} (${result.reason ?? 'no reason'})`), failure);
    }
    taken.push(position);
  }
  return taken;
}
