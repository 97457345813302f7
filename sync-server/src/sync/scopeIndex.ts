import type { DocumentScope } from 'nano';
import type { SyncRow } from '@seal/shared';
import { SCOPE_DESIGN, SCOPE_VIEW } from '../couch/syncDatabases';
import { rowFromDoc, seqNumber, seqText, type StoredRow } from './storedRows';

/** The scope index's reads (ADR 010): a unit's rows in row-id order, and their counts (part of `RowsRepo`). */
export interface ScopeIndex {
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
}

/** The scope index's reads over the rows database. */
export function scopeIndex(db: DocumentScope<SyncRow>): ScopeIndex {
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
