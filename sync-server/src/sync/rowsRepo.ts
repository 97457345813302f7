import type { DocumentScope } from 'nano';
import { changeRowPrefix, factRowId, type FactKind, type FactRow, type RecordKind, type SyncRow } from '@seal/shared';
import { statusOf } from '../couch/docs';
import { PartlyWritten, type BulkGetter, type PartWriter } from '../couch/macScope';
import { ATTACHMENTS_DESIGN, ATTACHMENTS_VIEW, DEVICE_LOG_VIEW, DOCUMENTS_VIEW } from '../couch/syncDatabases';
import { scopeIndex, type ScopeIndex } from './scopeIndex';
import { rowFromDoc, seqText, type StoredRow } from './storedRows';

export { seqNumber } from './storedRows';

/**
 * What writing one new row came to: `foreign` when the id is taken by a document this server did
 * not write (its MAC fails: someone wrote into the store directly), which is never served.
 */
export type RowWriteOutcome = 'written' | 'exists' | 'foreign';

/** One page of the store's change feed, already reduced to rows. */
export interface RowChangesPage {
  readonly entries: readonly { readonly seq: string; readonly row: SyncRow | undefined; readonly origin: string | undefined }[];
  readonly lastSeq: string;
}

/**
 * The replicated rows in CouchDB: append-only, keyed by row id. `db` is a MAC-checked database
 * (`Store.couch.use`): each row written carries the server's MAC, and a row read without a valid
 * one — written into the store by anyone but this server — is absent from every read here (pulls,
 * validation lookups, the change feed's documents).
 */
export interface RowsRepo extends ScopeIndex {
  /** The stored rows among `ids` (missing ids are absent from the map). */
  getMany(ids: readonly string[]): Promise<Map<string, SyncRow>>;
  /**
   * Writes new rows (distinct ids), in the order given: a large batch in two `_bulk_docs` on a
   * MAC-checked database (`writeInParts`), else in one. Resolves only once the store has answered
   * for each; a write that fails after its first part was stored throws {@link RowsPartlyWritten}.
   */
  createMany(rows: readonly SyncRow[], origin?: string): Promise<RowWriteOutcome[]>;
  /** Every change row of one record (an `_all_docs` key range: nothing a client sends reaches a query). */
  changesOf(kind: RecordKind, recordId: string): Promise<SyncRow[]>;
  /** Every change row of every record of one kind (an `_all_docs` key range; for administrative scans). */
  changesOfKind(kind: RecordKind): Promise<SyncRow[]>;
  /** Every stored fact of one kind whose id starts with `idsFrom` (an `_all_docs` key range over `fact:kind:idsFrom`). */
  factsOfKind(kind: FactKind, idsFrom?: string): Promise<FactRow[]>;
  /** Every stored lifecycle change of one seal (an `_all_docs` key range over `fact:seal_status_change:sealId:`). */
  lifecycleOf(sealId: string): Promise<FactRow[]>;
  /**
   * The device's stored log entry (`device_event` fact) with the highest seq below `seq`, or
   * `undefined` when none is. A view query: the store first indexes the rows written since the
   * last one, so read entries whose seq is known by id (`getMany`) instead.
   */
  deviceEntryBelow(deviceId: string, seq: number): Promise<FactRow | undefined>;
  /**
   * The device's stored entries with `fromSeq ≤ seq ≤ toSeq`, in seq order, `limit` at most (the
   * same view): what is stored, never a read per seq (a pushed seq of 10^14 costs nothing).
   */
  deviceEntries(deviceId: string, fromSeq: number, toSeq: number, limit: number): Promise<FactRow[]>;
  /** Impression and countersignature rows under a `documents` view key (e.g. `['code', code]`; see `DOCUMENTS_VIEW`). */
  documentRows(key: readonly [string, string]): Promise<FactRow[]>;
  /** Every impression row (the `documents` view's `['code', …]` keys), in code order. */
  impressionRows(): Promise<FactRow[]>;
  /**
   * The attachment facts filed about `about` under `sha256`, for every pair in `keys` (the
   * `attachments` view, up to `VIEW_KEYS` pairs a request), each read MAC-checked.
   */
  attachmentsAbout(keys: readonly (readonly [about: string, sha256: string])[]): Promise<FactRow[]>;
  /** The change feed after `since`, with documents. */
  changesSince(since: string, limit: number): Promise<RowChangesPage>;
  /** The store's current update sequence (for progress estimates and the live feed). */
  updateSeq(): Promise<string>;
  /** Waits (up to `timeoutMs`) for a change after `since`; resolves with the new last sequence. */
  waitForChange(since: string, timeoutMs: number): Promise<string>;
}

/**
 * A write of rows that failed after some of them were stored: those rows, for whoever tells of
 * rows stored (`reportingAcceptedRows`), which would otherwise never hear of them (a push that
 * failed is sent again, and they come back as duplicates then).
 */
export class RowsPartlyWritten extends PartlyWritten {
  override readonly name = 'RowsPartlyWritten';
  constructor(readonly written: readonly SyncRow[], failed: PartlyWritten) {
    super(failed.answered, failed.cause);
  }
}

/** The most keys one multi-key view request carries. */
const VIEW_KEYS = 1_000;

/**
 * `RowsRepo.attachmentsAbout`: the ids from the `attachments` view (many keys a request), then the
 * rows by id, MAC-checked (`getMany`: on the embedded store a view's `include_docs` reads each
 * document on its own, and took twice as long).
 */
async function attachmentsAbout(db: DocumentScope<SyncRow>, getMany: RowsRepo['getMany'], keys: readonly (readonly [string, string])[]): Promise<FactRow[]> {
  const ids = new Set<string>();
  for (let i = 0; i < keys.length; i += VIEW_KEYS) {
    for (const r of (await db.view(ATTACHMENTS_DESIGN, ATTACHMENTS_VIEW, { keys: keys.slice(i, i + VIEW_KEYS).map((key) => [...key]) })).rows) ids.add(r.id);
  }
  const wanted = [...ids];
  const found: FactRow[] = [];
  for (let i = 0; i < wanted.length; i += VIEW_KEYS) for (const row of (await getMany(wanted.slice(i, i + VIEW_KEYS))).values()) if (row.type === 'fact') found.push(row);
  return found;
}

export function rowsRepo(db: DocumentScope<SyncRow>): RowsRepo {
  // A MAC-checked database (`Store.couch.use`) reads by id through `_bulk_get`; another, by `_all_docs` keys.
  const { bulkGet, writeInParts } = db as Partial<BulkGetter<StoredRow> & PartWriter>;
  const getMany = async (ids: readonly string[]): Promise<Map<string, SyncRow>> => {
    const found = new Map<string, SyncRow>();
    if (ids.length === 0) return found;
    if (bulkGet) {
      for (const [id, doc] of await bulkGet(ids)) found.set(id, rowFromDoc(doc));
      return found;
    }
    const result = await db.fetch({ keys: [...new Set(ids)] });
    for (const entry of result.rows) {
      if ('doc' in entry && entry.doc) found.set(entry.id, rowFromDoc(entry.doc));
    }
    return found;
  };
  return {
    getMany,
    async createMany(rows, origin) {
      if (rows.length === 0) return [];
      const docs = rows.map((row) => ({ ...row, _id: row.id, ...(origin ? { origin } : {}) }));
      let results: { id?: string; error?: string; reason?: string }[];
      try {
        // A MAC-checked database writes a large batch in parts (`writeInParts`); another, in one `_bulk_docs`.
        results = writeInParts ? await writeInParts(docs) : await db.bulk({ docs });
      } catch (error) {
        if (!(error instanceof PartlyWritten)) throw error;
        const stored = new Set(error.answered.filter((answer) => !answer.error).map((answer) => answer.id));
        throw new RowsPartlyWritten(rows.filter((row) => stored.has(row.id)), error);
      }
      // Matched by id, not position: the embedded stand-in lists refused documents first (the
      // property test caught a row reported written that the store had refused).
      const byId = new Map(results.map((result) => [result.id, result]));
      const outcomes = rows.map((row): RowWriteOutcome => {
        const result = byId.get(row.id);
        if (!result) throw new Error(`the store did not answer for row "${row.id}"`);
        if (!result.error) return 'written';
        // The append-only validation answers `forbidden` for an existing id; CouchDB may answer `conflict`.
        if (result.error === 'conflict' || result.error === 'forbidden') return 'exists';
        throw new Error(`the store refused row "${row.id}": ${result.error} ${result.reason ?? ''}`);
      });
      // An id held by a document that fails its MAC is not a row the server holds.
      const taken = rows.filter((_, i) => outcomes[i] === 'exists').map((row) => row.id);
      if (taken.length === 0) return outcomes;
      const held = await getMany(taken);
      return outcomes.map((outcome, i) => (outcome === 'exists' && !held.has(rows[i]!.id) ? 'foreign' : outcome));
    },
    async changesOf(kind, recordId) {
      const prefix = changeRowPrefix(kind, recordId);
      const page = await db.list({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0` });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc as unknown as StoredRow));
    },
    async changesOfKind(kind) {
      const prefix = `change:${kind}:`;
      const page = await db.list({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0` });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc as unknown as StoredRow));
    },
    async factsOfKind(kind, idsFrom = '') {
      const prefix = factRowId(kind, idsFrom);
      const page = await db.list({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0` });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc as unknown as StoredRow) as FactRow);
    },
    async lifecycleOf(sealId) {
      // A seal id has no ':' (see `subjectSchema`), so this prefix names one seal's changes only.
      const prefix = `${factRowId('seal_status_change', sealId)}:`;
      const page = await db.list({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0` });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc as unknown as StoredRow) as FactRow);
    },
    async deviceEntryBelow(deviceId, seq) {
      if (seq <= 0) return undefined;
      // Descending from [deviceId, seq − 1] down to [deviceId] (a shorter array sorts first): the nearest one below.
      const page = await db.view('rows', DEVICE_LOG_VIEW, { startkey: [deviceId, seq - 1], endkey: [deviceId], descending: true, limit: 1, include_docs: true });
      const doc = page.rows[0]?.doc;
      return doc ? (rowFromDoc(doc) as FactRow) : undefined;
    },
    async deviceEntries(deviceId, fromSeq, toSeq, limit) {
      if (toSeq < fromSeq) return [];
      const page = await db.view('rows', DEVICE_LOG_VIEW, { startkey: [deviceId, fromSeq], endkey: [deviceId, toSeq], limit, include_docs: true });
      return page.rows.flatMap((r) => (r.doc ? [rowFromDoc(r.doc) as FactRow] : []));
    },
    async documentRows(key) {
      const page = await db.view('rows', DOCUMENTS_VIEW, { key: [...key], include_docs: true });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc!) as FactRow);
    },
    async impressionRows() {
      const page = await db.view('rows', DOCUMENTS_VIEW, { startkey: ['code'], endkey: ['code', {}], include_docs: true });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc!) as FactRow);
    },
    attachmentsAbout: (keys) => attachmentsAbout(db, getMany, keys),
    ...scopeIndex(db),
    async changesSince(since, limit) {
      const page = await db.changes({ since, limit, include_docs: true } as never);
      return {
        entries: page.results.map((change) => {
          const doc = (change as { doc?: unknown }).doc as StoredRow | undefined;
          const usable = doc && !change.deleted && !change.id.startsWith('_design/');
          return { seq: seqText(change.seq), row: usable ? rowFromDoc(doc) : undefined, origin: usable ? doc.origin : undefined };
        }),
        lastSeq: seqText(page.last_seq),
      };
    },
    async updateSeq() {
      return seqText((await db.info()).update_seq);
    },
    async waitForChange(since, timeoutMs) {
      try {
        const page = await db.changes({ feed: 'longpoll', since, timeout: timeoutMs } as never);
        return seqText(page.last_seq);
      } catch (error) {
        if (statusOf(error) === undefined) throw error;
        return since;
      }
    },
  };
}

