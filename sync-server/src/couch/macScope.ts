import type { DocumentScope } from 'nano';
import { jsonBytes } from './jsonBytes';
import { retryingConnection } from './retryReads';
import type { StoreMac } from './storeMac';

/** A document the server did not write, read as absent: nano's 404, so every caller's "not found" path applies. */
export class UnverifiedDocumentError extends Error {
  override readonly name = 'UnverifiedDocumentError';
  readonly statusCode = 404;
  readonly error = 'not_found';
  constructor(readonly database: string, readonly id: string) {
    super(`"${id}" in "${database}" does not carry this server's MAC: read as absent`);
  }
}

type Doc = Record<string, unknown> & { _id?: unknown; _deleted?: unknown };

/**
 * A MAC-checked database's read of documents by id through the store's `_bulk_get` (CouchDB 2+,
 * and the embedded store): on the embedded store it reads each document directly, where
 * `_all_docs` with `keys` (nano's `fetch`) runs a key-range scan per id — 3× slower for 1,000 ids.
 */
export interface BulkGetter<T> {
  /** The documents among `ids` that exist, are not deleted and carry this server's MAC, by id (without the MAC). */
  bulkGet(ids: readonly string[]): Promise<Map<string, T>>;
}

/**
 * A MAC-checked database's write of many documents in parts (see `writeParts`): each part is a
 * `_bulk_docs` sent once the one before is answered, so the store takes them in the order given;
 * the answers, one per document, in that order. A part that fails fails the write; the parts
 * before it stay written (as a `_bulk_docs` cut short may leave some of its documents written),
 * and the error says which ({@link PartlyWritten}).
 */
export interface PartWriter {
  writeInParts(docs: readonly (Record<string, unknown> & { _id: string })[]): Promise<BulkAnswer>;
}

/** A write in parts that failed after a part was written: the answers of the parts written, and why the next failed. */
export class PartlyWritten extends Error {
  override readonly name: string = 'PartlyWritten';
  constructor(readonly answered: readonly { readonly id?: string; readonly error?: string }[], cause: unknown) {
    super(`a write in parts failed after ${answered.length} documents were answered: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** What `_bulk_get` answers (without `rev`s asked: the winning revision of each id). */
interface BulkGetAnswer {
  results: { id: string; docs: ({ ok: Doc } | { error: unknown })[] }[];
}

/** What `_bulk_docs` answers: one result per document. */
type BulkAnswer = { id?: string; rev?: string; error?: string; reason?: string }[];

/**
 * A batch to write, as parts: whole below 200 documents; above, a fifth first, then the rest. The
 * first part is written while the rest is marked and encoded (~15 µs a row on the server's thread,
 * against ~90 µs a row of the store's write): the store starts sooner, and that work is no longer
 * on the write's path.
 */
function writeParts<D>(docs: readonly D[]): (readonly D[])[] {
  if (docs.length < 200) return [docs];
  const first = Math.ceil(docs.length / 5);
  return [docs.slice(0, first), docs.slice(first)];
}

/** `PartWriter.writeInParts`, over a database's `mark` and `_bulk_docs` (`post`). */
async function writeInParts(docs: readonly Doc[], database: string, mark: (doc: Doc) => Doc, post: (bytes: Buffer) => Promise<BulkAnswer>): Promise<BulkAnswer> {
  // Refused before anything goes (what else marking or encoding refuses is met once the first
  // part went: the write then fails as partly written, below).
  for (const doc of docs) {
    if (isMachinery(doc._id)) throw new Error(`writeInParts takes documents, not design or local documents, in "${database}"`);
    if (typeof doc._id !== 'string') throw new Error(`a document written to "${database}" must carry its _id (the MAC covers it)`);
  }
  const encode = (part: readonly Doc[]) => jsonBytes({ docs: part.map(mark) });
  const [first, rest] = writeParts(docs);
  const firstAnswer = post(encode(first!));
  if (rest === undefined) return firstAnswer;
  // Its failure is met at the await below; a turn first lets the request start.
  firstAnswer.catch(() => undefined);
  await new Promise(setImmediate);
  let restBytes: Buffer | undefined;
  let unencoded: unknown;
  try {
    restBytes = encode(rest);
  } catch (error) {
    unencoded = error;
  }
  const answered = await firstAnswer;
  if (restBytes === undefined) throw new PartlyWritten(answered, unencoded);
  try {
    return [...answered, ...(await post(restBytes))];
  } catch (error) {
    throw new PartlyWritten(answered, error);
  }
}

/** Design and local documents are the store's machinery, not data: they carry no MAC. */
const isMachinery = (id: unknown): boolean => typeof id === 'string' && (id.startsWith('_design/') || id.startsWith('_local/'));

/**
 * `db` with a MAC on every document written and a check on every document read, so that every
 * repository over it (and any code added later) gets both: `insert`, `bulk` and `writeInParts` (ours) mark; `get` answers
 * 404 for a document whose MAC fails; `list`, `view` and `fetch` with documents leave such rows
 * out (`fetch` answers `not_found` for them); `bulkGet` (ours, not nano's) leaves them out of its
 * map; `changes` keeps the change (its sequence moves on) without the document. Documents come
 * back without the MAC field.
 *
 * @param database - the logical database name the MACs are bound to (`rows`, not `sealctl_rows`)
 */
export function macScope<T>(db: DocumentScope<T>, database: string, mac: StoreMac): DocumentScope<T> & BulkGetter<T> & PartWriter {
  const mark = (doc: Doc): Doc => {
    if (doc._deleted === true || isMachinery(doc._id)) return doc;
    if (typeof doc._id !== 'string') throw new Error(`a document written to "${database}" must carry its _id (the MAC covers it)`);
    return mac.mark(database, doc._id, doc);
  };
  const verified = (doc: unknown): Doc | undefined => {
    if (!doc || typeof doc !== 'object') return undefined;
    const { _id: id } = doc as Doc;
    if (isMachinery(id)) return doc as Doc;
    return typeof id === 'string' ? mac.verify(database, id, doc as Doc) : undefined;
  };
  /** Rows with `doc`: those whose document fails are left out, the others get the document without MAC. */
  const keepVerified = <R extends { doc?: unknown }>(rows: R[]): R[] =>
    rows.flatMap((row) => {
      if (row.doc === undefined || row.doc === null) return [row];
      const doc = verified(row.doc);
      return doc ? [{ ...row, doc }] : [];
    });

  /** A `_bulk_docs` of bytes already encoded (marked documents). */
  const post = (bytes: Buffer, params?: Record<string, unknown>) => db.server.relax({ db: db.config.db, path: '_bulk_docs', method: 'POST', body: bytes, ...(params ? { qs: params } : {}) }) as Promise<BulkAnswer>;

  const overrides: Record<string, (...args: never[]) => Promise<unknown>> = {
    insert: async (doc: Doc, params?: unknown) => db.insert(mark(doc) as never, params as never),
    // Sent as bytes, not through nano's `bulk`: that stringifies with a replacer (to write
    // functions out as text), which keeps V8 off its fast path, and hands undici a string it then
    // measures and encodes again (~1 ms of a 500-row push); a chunk's text goes into the bytes as
    // it is (`jsonBytes`). Marked documents carry no functions; a batch with machinery (design
    // documents may) goes nano's way.
    bulk: async (body: { docs: Doc[] } & Record<string, unknown>, params?: Record<string, unknown>) => {
      const marked = { ...body, docs: body.docs.map(mark) };
      if (body.docs.some((doc) => isMachinery(doc._id))) return db.bulk(marked, params as never);
      return post(jsonBytes(marked), params);
    },
    writeInParts: async (docs: readonly Doc[]) => writeInParts(docs, database, mark, post),
    get: async (id: string, params?: unknown) => {
      const ok = verified(await db.get(id, params as never));
      if (!ok) throw new UnverifiedDocumentError(database, id);
      return ok;
    },
    list: async (params?: Record<string, unknown>) => {
      const page = await db.list(params as never);
      return { ...page, rows: keepVerified(page.rows as { doc?: unknown }[]) };
    },
    view: async (design: string, view: string, params?: Record<string, unknown>) => {
      const page = await db.view(design, view, params as never);
      // A view that emits its documents as values: each value is checked like a document — one
      // that fails comes back as `null` (the row stays, so that a page's length still tells the
      // reader where it is in the index); the others come without the MAC.
      const rows = keepVerified(page.rows as { id?: unknown; value?: unknown; doc?: unknown }[]).map((row) => {
        const value = row.value as Doc | null | undefined;
        if (!value || typeof value !== 'object' || Array.isArray(value) || !('_id' in value)) return row;
        const ok = value._id === row.id ? verified(value) : undefined;
        return { ...row, value: ok ?? null };
      });
      return { ...page, rows };
    },
    fetch: async (body: { keys: string[] }, params?: Record<string, unknown>) => {
      const page = await db.fetch(body, params as never);
      const rows = page.rows.map((row) => {
        if (!('doc' in row) || !row.doc) return row;
        const doc = verified(row.doc);
        return doc ? { ...row, doc } : { key: row.key, error: 'not_found' };
      });
      return { ...page, rows };
    },
    bulkGet: async (ids: readonly string[]) => {
      const found = new Map<string, T>();
      if (ids.length === 0) return found;
      // A read: safe to send again when the connection fails before an answer.
      const answer = await retryingConnection(async () => (await db.server.relax({
        db: db.config.db, path: '_bulk_get', method: 'POST', body: { docs: [...new Set(ids)].map((id) => ({ id })) },
      })) as BulkGetAnswer);
      for (const result of answer.results) {
        for (const entry of result.docs) {
          const doc = 'ok' in entry ? entry.ok : undefined;
          if (!doc || doc._deleted === true || doc._id !== result.id) continue;
          const ok = verified(doc);
          if (ok) found.set(result.id, ok as T);
        }
      }
      return found;
    },
    changes: async (params?: Record<string, unknown>) => {
      const page = await db.changes(params as never);
      const results = page.results.map((change) => {
        const { doc } = change as { doc?: unknown };
        if (doc === undefined || doc === null || (change as { deleted?: boolean }).deleted) return change;
        const ok = verified(doc);
        if (ok) return { ...change, doc: ok };
        const { doc: _forged, ...rest } = change as typeof change & { doc?: unknown };
        return rest;
      });
      return { ...page, results };
    },
  };
  return new Proxy(db as DocumentScope<T> & BulkGetter<T> & PartWriter, {
    get(target, property, receiver) {
      if (typeof property === 'string' && Object.hasOwn(overrides, property)) return overrides[property];
      // Methods that would read or write documents in ways not covered above are refused, not passed by.
      if (typeof property === 'string' && UNCOVERED.has(property)) {
        return () => Promise.reject(new Error(`${property} is not available on a MAC-checked database ("${database}")`));
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** nano methods that read or write documents bypassing the checks above. */
const UNCOVERED = new Set(['atomic', 'find', 'findAsStream', 'search', 'head', 'listAsStream', 'fetchRevs', 'viewAsStream', 'partitionedList', 'partitionedFind', 'partitionedView', 'partitionedSearch', 'viewWithList', 'show', 'updateWithHandler', 'changesAsStream', 'copy', 'multipart', 'attachment', 'follow', 'changesReader']);
