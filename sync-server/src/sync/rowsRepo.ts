import type { DocumentScope } from 'nano';
import { changeRowPrefix, factRowId, type FactKind, type FactRow, type RecordKind, type SyncRow } from '@seal/shared';
import { statusOf } from '../couch/docs';
import type { BulkGetter } from '../couch/macScope';
import { DEVICE_LOG_VIEW, DOCUMENTS_VIEW, SCOPE_DESIGN, SCOPE_VIEW } from '../couch/syncDatabases';

/**
 * A row as stored: the row itself under `_id` = row id (no field of ours starts with `_`), and
 * `origin`, the replica that pushed it (kept out of that replica's pulls when its author is the
 * replica's user, and out of its live hints; never sent to clients).
 */
type StoredRow = SyncRow & { readonly _id: string; readonly _rev?: string; readonly origin?: string };

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
export interface RowsRepo {
  /** The stored rows among `ids` (missing ids are absent from the map). */
  getMany(ids: readonly string[]): Promise<Map<string, SyncRow>>;
  /** Writes new rows (distinct ids) in one `_bulk_docs`; resolves only once the store has answered for each. */
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
  /** Impression and countersignature rows under a `documents` view key (e.g. `['code', code]`; see `DOCUMENTS_VIEW`). */
  documentRows(key: readonly [string, string]): Promise<FactRow[]>;
  /** Every impression row (the `documents` view's `['code', …]` keys), in code order. */
  impressionRows(): Promise<FactRow[]>;
  /**
   * Rows of one unit after the row id `after` (`null`: from its first), in row-id order, from the
   * scope index (ADR 010): up to `limit` index entries (`read`), the rows among them that pass
   * the MAC, the last id read, whether more follow, and the store's sequence the index reflects.
   */
  unitRows(unitId: string, after: string | null, limit: number, fresh?: boolean): Promise<{ rows: SyncRow[]; read: number; lastId: string | null; more: boolean; updateSeq: string | null }>;
  /**
   * How many rows of one unit come after the row id `after` (`null`: all of them): a `_count`
   * over that unit's key range only (the embedded store reduces the range it is asked, so a count
   * costs that unit's rows, never the organisation's).
   */
  unitCount(unitId: string, after: string | null, fresh?: boolean): Promise<number>;
  /**
   * How far the scope index lags the store: the sequence it reflects and the changes written
   * since (an estimate on a cluster). Asks nothing of the index but what it holds.
   */
  indexLag(): Promise<{ indexSeq: string | null; lag: number }>;
  /** Brings the scope index up to date in the background, once, `delayMs` from now (a pending one is not put off). */
  warmIndex(delayMs: number): void;
  /**
   * Brings the scope index up to date now, waiting `timeoutMs` at most (one update at a time: a
   * caller joins the one under way); `true` once it is, `false` if it took longer (it goes on).
   */
  bringIndexUpToDate(timeoutMs: number): Promise<boolean>;
  /**
   * How many rows of `unitIds` the scope index holds as it stands, without making it take in
   * recent writes (`stale=ok`: on the embedded store indexing a backlog takes minutes), and the
   * store sequence it reflects: for progress estimates while a pull reads the change feed.
   */
  indexedCounts(unitIds: readonly string[]): Promise<{ count: number; indexSeq: string | null }>;
  /** The change feed after `since`, with documents. */
  changesSince(since: string, limit: number): Promise<RowChangesPage>;
  /** The store's current update sequence (for progress estimates and the live feed). */
  updateSeq(): Promise<string>;
  /** Waits (up to `timeoutMs`) for a change after `since`; resolves with the new last sequence. */
  waitForChange(since: string, timeoutMs: number): Promise<string>;
}

const rowFromDoc = (doc: StoredRow): SyncRow => {
  const { _id: _i, _rev: _r, origin: _o, ...row } = doc;
  return row;
};

const seqText = (seq: unknown): string => (typeof seq === 'string' ? seq : JSON.stringify(seq));

export function rowsRepo(db: DocumentScope<SyncRow>): RowsRepo {
  // A MAC-checked database (`Store.couch.use`) reads by id through `_bulk_get`; another, by `_all_docs` keys.
  const { bulkGet } = db as Partial<BulkGetter<StoredRow>>;
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
      const results = await db.bulk({ docs: rows.map((row) => ({ ...row, _id: row.id, ...(origin ? { origin } : {}) })) });
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
    async documentRows(key) {
      const page = await db.view('rows', DOCUMENTS_VIEW, { key: [...key], include_docs: true });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc!) as FactRow);
    },
    async impressionRows() {
      const page = await db.view('rows', DOCUMENTS_VIEW, { startkey: ['code'], endkey: ['code', {}], include_docs: true });
      return page.rows.filter((r) => r.doc).map((r) => rowFromDoc(r.doc!) as FactRow);
    },
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

/** The number at the front of a sequence (`123` or `"123-g1AAA…"`), for estimates only. */
export function seqNumber(seq: string): number {
  const n = Number.parseInt(seq.replace(/^"/, ''), 10);
  return Number.isFinite(n) ? n : 0;
}

/** The scope index's reads (ADR 010): a unit's rows in row-id order, and their counts. */
function scopeIndex(db: DocumentScope<SyncRow>): Pick<RowsRepo, 'unitRows' | 'unitCount' | 'indexedCounts' | 'indexLag' | 'warmIndex' | 'bringIndexUpToDate'> {
  // `fresh`: the store first takes in every write since the index's last update (on the embedded
  // store ~3,000 rows a second); otherwise the index is read as it stands (`stale=ok`, which
  // CouchDB 3 reads as `update=false&stable=true`) and its `update_seq` says what it reflects.
  const freshness = (fresh: boolean) => (fresh ? { stable: true } : { stale: 'ok' });
  let warming: ReturnType<typeof setTimeout> | undefined;
  let updating: Promise<boolean> | undefined;
  /** The index brought up to date: one update at a time, joined by whoever asks meanwhile. */
  const update = (): Promise<boolean> =>
    (updating ??= (db.view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 0, reduce: false } as never) as Promise<unknown>).then(
      () => true,
      () => false,
    ).finally(() => {
      updating = undefined;
    }));
  return {
    async bringIndexUpToDate(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([update(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async indexLag() {
      const [page, info] = await Promise.all([
        db.view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 0, reduce: false, stale: 'ok', update_seq: true } as never) as unknown as Promise<{ update_seq?: unknown }>,
        db.info(),
      ]);
      const indexSeq = page.update_seq === undefined ? null : seqText(page.update_seq);
      const storeSeq = seqNumber(seqText(info.update_seq));
      return { indexSeq, lag: indexSeq === null ? storeSeq : Math.max(0, storeSeq - seqNumber(indexSeq)) };
    },
    warmIndex(delayMs) {
      if (warming !== undefined) return;
      warming = setTimeout(() => {
        void update().then(() => {
          warming = undefined;
        });
      }, delayMs);
      warming.unref?.();
    },
    async unitRows(unitId, after, limit, fresh = true) {
      const want = Math.max(1, limit);
      // Keys are `[unitId, rowId]`, values the rows (checked against their MAC like documents); the
      // view runs on the same shard copies from page to page on a cluster (`stable`), brought up to
      // date first or as it stands (`fresh`), and says what it reflects.
      const page = await db.view(SCOPE_DESIGN, SCOPE_VIEW, {
        startkey: [unitId, after ?? ''], endkey: [unitId, {}], reduce: false, limit: want + (after === null ? 1 : 2), update_seq: true, ...freshness(fresh),
      } as never) as unknown as { rows: { id: string; value: unknown }[]; update_seq?: unknown };
      // The start key is inclusive: the row `after` comes first (once more), one beyond `want` says more follow.
      // A row whose MAC fails comes with a null value: counted as read, never served.
      const entries = page.rows.filter((r) => r.id !== after);
      const taken = entries.slice(0, want);
      return {
        // Served only as the document checked against its MAC (its `_id` is the entry's) and of
        // the unit asked: a view rewritten in the store to emit other values or other units' rows
        // under this unit's keys serves nothing (design documents carry no MAC).
        rows: taken.flatMap((r) => {
          const doc = r.value as Partial<StoredRow> | null;
          return doc && typeof doc === 'object' && doc._id === r.id && doc.id === r.id && doc.scopeUnitId === unitId ? [rowFromDoc(doc as StoredRow)] : [];
        }),
        read: taken.length,
        lastId: taken.at(-1)?.id ?? null,
        more: entries.length > want,
        updateSeq: page.update_seq === undefined ? null : seqText(page.update_seq),
      };
    },
    async unitCount(unitId, after, fresh = true) {
      const count = async (params: Record<string, unknown>) => {
        const page = await db.view(SCOPE_DESIGN, SCOPE_VIEW, { ...params, reduce: true, ...(fresh ? {} : { stale: 'ok' }) } as never) as unknown as { rows: { value: number }[] };
        return page.rows[0]?.value ?? 0;
      };
      if (after === null) return count({ startkey: [unitId], endkey: [unitId, {}] });
      // The start key is inclusive, and the row `after` itself is delivered.
      const [from, itself] = await Promise.all([count({ startkey: [unitId, after], endkey: [unitId, {}] }), count({ key: [unitId, after] })]);
      return Math.max(0, from - itself);
    },
    async indexedCounts(unitIds) {
      let count = 0;
      let indexSeq: string | null = null;
      for (const unitId of unitIds) {
        const page = await db.view(SCOPE_DESIGN, SCOPE_VIEW, { startkey: [unitId], endkey: [unitId, {}], reduce: true, stale: 'ok', update_seq: true } as never) as unknown as { rows: { value: number }[]; update_seq?: unknown };
        count += page.rows[0]?.value ?? 0;
        indexSeq ??= page.update_seq === undefined ? null : seqText(page.update_seq);
      }
      return { count, indexSeq };
    },
  };
}
