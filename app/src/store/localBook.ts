import type { Observable } from 'rxjs';
import { combineLatest, filter, map, merge, mergeMap } from 'rxjs';
import { toHex, type SyncRow } from '@seal/shared';
import { localId, OUTBOX_ENTRY_ROWS, OUTBOX_STATE_PREFIX, type BlobEntry, type LocalData, type LocalDoc, type LocalType, type OutboxEntry, type Refusal, type SealDatabase } from './collections';

/** How old an outbox entry without its row must be to count as left by a crash, not a write under way. */
export const ORPHAN_AGE_MS = 60_000;

/** Typed access to the `local` collection. */
export class LocalBook {
  /** @param now - the device's own clock (never corrected): the book's ages and order are this device's, compared only with each other */
  constructor(private readonly db: SealDatabase, readonly now: () => number) {}

  private get local() {
    return this.db.local;
  }

  private async get<T extends LocalType>(type: T, key: string): Promise<LocalDoc<T> | undefined> {
    return (await this.local.findOne(localId(type, key)).exec())?.toJSON() as LocalDoc<T> | undefined;
  }

  private async getMany<T extends LocalType>(type: T, keys: readonly string[]): Promise<Map<string, LocalDoc<T>>> {
    const found = await this.local.findByIds(keys.map((key) => localId(type, key))).exec();
    return new Map([...found.values()].map((doc) => [doc.key, doc.toJSON() as LocalDoc<T>]));
  }

  private put<T extends LocalType>(type: T, entries: readonly { key: string; data: LocalData[T] }[]): Promise<unknown> {
    const at = this.now();
    return this.local.bulkUpsert(entries.map(({ key, data }) => ({ id: localId(type, key), type, key, at, data })));
  }

  private list<T extends LocalType>(type: T, prefix = ''): Promise<LocalDoc<T>[]> {
    const selector = prefix === '' ? { type } : { type, key: { $gte: prefix, $lt: `${prefix}\uffff` } };
    return this.local.find({ selector, sort: [{ type: 'asc' }, { key: 'asc' }] }).exec().then((docs) => docs.map((d) => d.toJSON() as LocalDoc<T>));
  }

  // The outbox: rows made here that the server has not answered, in the order they go up. One
  // entry per write (`OutboxEntry`, a `state` entry), not one per row: an answered batch leaves
  // the outbox in a write or two, where a write per row cost the browser's IndexedDB a read and a
  // tombstone per row (half the push's time in the browser bench: ADR 003). Entries written by
  // older versions, one per row in `local`, are read, answered and swept alike.
  /** The last outbox order given (microseconds of the clock, or one past the last: strictly increasing). */
  #lastSeq = 0;
  /**
   * Notes `rowIds` (one write's rows, in the order made) as waiting to go up; the keys of the
   * entries written (what `removeFromOutbox` may be limited to). Written before the rows
   * themselves, so that a row is never left uncounted.
   */
  async addToOutbox(rowIds: readonly string[]): Promise<string[]> {
    const at = this.now();
    const entries: LocalDoc<'state'>[] = [];
    for (let from = 0; from < rowIds.length; from += OUTBOX_ENTRY_ROWS) {
      this.#lastSeq = Math.max(at * 1000, this.#lastSeq + 1);
      // Another tab may take the same microsecond: the key carries a random part besides.
      const key = `${OUTBOX_STATE_PREFIX}${String(this.#lastSeq).padStart(17, '0')}-${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
      const data: OutboxEntry = { seq: this.#lastSeq, ids: rowIds.slice(from, from + OUTBOX_ENTRY_ROWS) };
      entries.push({ id: localId('state', key), type: 'state', key, at, data });
    }
    if (entries.length === 0) return [];
    // Inserted, never upserted: an entry is never written over another's.
    const { error } = await this.local.bulkInsert(entries);
    if (error.length > 0) throw new Error(`could not note ${error.length} outbox entr${error.length === 1 ? 'y' : 'ies'} (${error.map((e) => e.status).join(', ')})`);
    return entries.map((entry) => entry.key);
  }
  /** Every row id waiting to go up, in the order they were made (one read). */
  async outboxInOrder(): Promise<string[]> {
    return (await this.outboxEntries()).map((entry) => entry.key);
  }
  /** The rows waiting to go up in the order they were made (key: the row id), with when each was noted. */
  async outboxEntries(): Promise<{ key: string; at: number }[]> {
    const [entries, older] = await Promise.all([this.outboxQuery().exec(), this.list('outbox')]);
    const rows = waitingRows(entries.map(asEntry), older);
    for (const row of rows) this.#lastSeq = Math.max(this.#lastSeq, row.seq);
    return rows.map(({ key, at }) => ({ key, at }));
  }
  /**
   * Takes out of the outbox the rows among `entries` noted before `before`: rows never written (the
   * app closed between the two writes; the entry is written first). Only from entries that old: a
   * younger entry naming the same row may be a write under way (the same fact recorded again), here
   * or in another tab of the same database.
   */
  async removeOrphans(entries: readonly { key: string; at: number }[], before: number): Promise<void> {
    await this.removeFromOutbox(entries.filter((entry) => entry.at < before).map((entry) => entry.key), { notedBefore: before });
  }
  /**
   * After a write's rows are in: notes `rowIds` again (but those refused meanwhile) when the write
   * took so long since its entries were noted (`notedAt`; half of `ORPHAN_AGE_MS`, or the clock went
   * back) that a sweep may have taken them for a crash's leftovers (a tab frozen between the two
   * writes). Sent again if it had gone up meanwhile, a row is answered `duplicate`.
   */
  async noteAgainIfSlow(rowIds: readonly string[], notedAt: number): Promise<void> {
    const took = this.now() - notedAt;
    if (rowIds.length === 0 || (took < ORPHAN_AGE_MS / 2 && took >= 0)) return;
    const refused = await this.refusalsOf(rowIds);
    if (refused.size < rowIds.length) await this.addToOutbox(rowIds.filter((id) => !refused.has(id)));
  }
  /** Every outbox entry left without its row by a crash (`removeOrphans`), aged from before the rows are read (a stalled sweep takes none noted since): what opening the store sweeps. */
  async sweepOrphans(): Promise<void> {
    const before = this.now() - ORPHAN_AGE_MS;
    const waiting = await this.outboxEntries();
    const written = await this.db.rows.findByIds(waiting.map((entry) => entry.key)).exec();
    await this.removeOrphans(waiting.filter((entry) => !written.has(entry.key)), before);
  }
  /**
   * Takes `rowIds` out of the outbox (the server answered them): each entry holding some of them
   * loses them, and goes once it holds none. `only.entries`: only from these entries (a write
   * taking back its own); `only.notedBefore`: only from entries noted before then. Applied to each
   * entry as it is now (RxDB's incremental writes: on a conflict with another tab's write, to what
   * that tab wrote), so two removals never undo each other. An entry only ever shrinks, so one whose
   * every id is being removed goes, whatever it holds now.
   */
  async removeFromOutbox(rowIds: readonly string[], only: { readonly entries?: readonly string[]; readonly notedBefore?: number } = {}): Promise<void> {
    if (rowIds.length === 0) return;
    const gone = new Set(rowIds);
    const inScope = (at: number, key?: string) => (only.notedBefore === undefined || at < only.notedBefore) && (only.entries === undefined || (key !== undefined && only.entries.includes(key)));
    const [entries, older] = await Promise.all([this.outboxQuery().exec(), this.list('outbox')]);
    const olderGone = older.filter((doc) => gone.has(doc.key) && inScope(doc.at));
    await Promise.all([
      ...entries.filter((doc) => inScope(doc.at, doc.key) && asEntry(doc).ids.some((id) => gone.has(id))).map((doc) =>
        doc.incrementalModify((stored) => {
          if (stored._deleted) return stored;
          const left = asEntry(stored).ids.filter((id) => !gone.has(id));
          return left.length === 0 ? Object.assign(stored, { _deleted: true }) : { ...stored, data: { ...(stored.data as OutboxEntry), ids: left } };
        })),
      olderGone.length > 0 ? this.local.bulkRemove(olderGone.map((doc) => doc.id)) : undefined,
    ]);
  }
  async outboxIds(): Promise<string[]> {
    return this.outboxInOrder();
  }
  /** Which of `rowIds` wait to go up (one read of the outbox's entries, however many ids). */
  async waitingAmong(rowIds: readonly string[]): Promise<string[]> {
    if (rowIds.length === 0) return [];
    const waiting = new Set(await this.outboxInOrder());
    return rowIds.filter((id) => waiting.has(id));
  }
  /** The outbox's entries (`OutboxEntry`: `state` entries under their prefix). */
  private outboxQuery() {
    return this.local.find({ selector: { type: 'state', key: { $gte: OUTBOX_STATE_PREFIX, $lt: `${OUTBOX_STATE_PREFIX}\uffff` } } });
  }
  /** The rows waiting to go up, live (see `outboxEntries`). */
  private waitingRows$(): Observable<{ key: string; at: number }[]> {
    return combineLatest([this.outboxQuery().$, this.local.find({ selector: { type: 'outbox' } }).$]).pipe(
      map(([entries, older]) => waitingRows(entries.map(asEntry), older.map((doc) => doc.toJSON() as LocalDoc<'outbox'>))),
    );
  }
  /** The ids `outboxIds` answers, live. */
  outboxIds$(): Observable<string[]> {
    return this.waitingRows$().pipe(map((rows) => rows.map((row) => row.key)));
  }
  pending$(): Observable<number> {
    return this.waitingRows$().pipe(map((rows) => rows.length));
  }
  /** How many rows wait to go up, and since when the oldest of them waits (`null`: none waits), live. */
  waiting$(): Observable<{ count: number; since: number | null }> {
    return this.waitingRows$().pipe(map((rows) => ({ count: rows.length, since: rows.length === 0 ? null : Math.min(...rows.map((row) => row.at)) })));
  }
  /** Emits the id of each row that left the outbox (answered by the server, taken back by its write, or swept), in this tab or another: a wake-up. */
  answered$(): Observable<string> {
    const left = this.local.$.pipe(
      // A removal that met another tab's (a tombstone written over a tombstone) answered nothing new.
      filter((event) => event.operation !== 'INSERT' && isOutboxEntry(event.documentData) && event.previousDocumentData?._deleted !== true),
      mergeMap((event) => {
        const before = asEntry(event.previousDocumentData ?? event.documentData).ids;
        if (event.operation === 'DELETE') return before;
        const after = new Set(asEntry(event.documentData).ids);
        return before.filter((id) => !after.has(id));
      }),
    );
    const olderLeft = this.local.remove$.pipe(
      map((event) => event.documentData as LocalDoc),
      filter((doc) => doc.type === 'outbox'),
      map((doc) => doc.key),
    );
    return merge(left, olderLeft);
  }

  // Refusals.
  putRefusals(refusals: readonly Refusal[]): Promise<unknown> {
    return this.put('refusal', refusals.map((data) => ({ key: data.row.id, data })));
  }
  async refusalsOf(rowIds: readonly string[]): Promise<Map<string, Refusal>> {
    const docs = await this.getMany('refusal', rowIds);
    return new Map([...docs].map(([key, doc]) => [key, doc.data]));
  }
  refusals$(): Observable<{ refusal: Refusal; at: number }[]> {
    return this.local.find({ selector: { type: 'refusal' }, sort: [{ type: 'asc' }, { key: 'asc' }] }).$.pipe(
      map((docs) => docs.map((d) => ({ refusal: (d.toJSON() as LocalDoc<'refusal'>).data, at: d.at }))),
    );
  }
  /** Emits the row of every refusal written. */
  refusedRows$(): Observable<SyncRow> {
    return this.local.$.pipe(
      map((event) => event.documentData as LocalDoc),
      filter((doc): doc is LocalDoc<'refusal'> => doc.type === 'refusal'),
      map((doc) => doc.data.row),
    );
  }

  blob(sha: string): Promise<BlobEntry | undefined> {
    return this.get('blob', sha).then((doc) => doc?.data);
  }
  /** Writes the first entry of `sha`'s bytes: `false` (nothing written) when one is there already (another tab's). */
  async putBlob(sha: string, entry: BlobEntry): Promise<boolean> {
    const { error } = await this.local.bulkInsert([{ id: localId('blob', sha), type: 'blob', key: sha, at: this.now(), data: entry }]);
    if (error.some((e) => e.status !== 409)) throw new Error(`could not keep the entry of ${sha} (${error.map((e) => e.status).join(', ')})`);
    return error.length === 0;
  }
  /**
   * Changes attachments' entries, each as it stands when written: another write meanwhile (a
   * fact queued behind an upload under way) is changed too, never undone. `change` answers the
   * next entry, or `undefined` to leave it as it is; the entries as left, by hash.
   */
  async changeBlobs(shas: readonly string[], change: (sha: string, entry: BlobEntry) => BlobEntry | undefined): Promise<Map<string, BlobEntry>> {
    const docs = await this.local.findByIds(shas.map((sha) => localId('blob', sha))).exec();
    const left = new Map<string, BlobEntry>();
    await Promise.all([...docs.values()].map(async (doc) => {
      const entry = (doc.toJSON() as LocalDoc<'blob'>).data;
      // Left as it is: not written (an RxDB modification writes a revision even when nothing changed).
      if (doc.deleted || change(doc.key, entry) === undefined) {
        if (!doc.deleted) left.set(doc.key, entry);
        return;
      }
      const after = await doc.incrementalModify((stored) => {
        const next = stored._deleted ? undefined : change(stored.key, stored.data as BlobEntry);
        return next === undefined ? stored : { ...stored, at: this.now(), data: next };
      });
      if (!after.deleted) left.set(after.key, (after.toJSON() as LocalDoc<'blob'>).data);
    }));
    return left;
  }
  queuedBlobs(): Promise<{ sha: string; entry: BlobEntry }[]> {
    return this.list('blob').then((docs) => docs.filter((d) => d.data.state === 'queued').map((d) => ({ sha: d.key, entry: d.data })));
  }
  putChunks(sha: string, chunks: readonly string[]): Promise<unknown> {
    return this.put('chunk', chunks.map((data, index) => ({ key: chunkKey(sha, index), data: { data } })));
  }
  /** The chunks `at` names (a hash and an index each), in the order named, `undefined` where not held here (one read, however many). */
  chunksAt(at: readonly { readonly sha: string; readonly index: number }[]): Promise<(string | undefined)[]> {
    return this.getMany('chunk', at.map(({ sha, index }) => chunkKey(sha, index))).then((held) => at.map(({ sha, index }) => held.get(chunkKey(sha, index))?.data.data));
  }
  chunks(sha: string): Promise<string[]> {
    return this.list('chunk', `${sha}:`).then((docs) => docs.map((d) => d.data.data));
  }

  // Small state.
  state(name: string): Promise<unknown> {
    return this.get('state', name).then((doc) => doc?.data);
  }
  setState(name: string, value: unknown): Promise<unknown> {
    return this.put('state', [{ key: name, data: value }]);
  }
  /** Which of `names` hold a small value (one read). */
  async statesHeld(names: readonly string[]): Promise<Set<string>> {
    return names.length === 0 ? new Set() : new Set((await this.getMany('state', names)).keys());
  }
  /** The small values held under `names` (one read), by name. */
  async statesNamed(names: readonly string[]): Promise<Map<string, unknown>> {
    return names.length === 0 ? new Map() : new Map([...(await this.getMany('state', names))].map(([name, doc]) => [name, doc.data]));
  }
  /** Several small values in one write. */
  setStates(states: readonly { name: string; value: unknown }[]): Promise<unknown> {
    return this.put('state', states.map(({ name, value }) => ({ key: name, data: value })));
  }
  /** The small values whose names start with `prefix`, with when each was written. */
  statesUnder(prefix: string): Promise<{ name: string; at: number; value: unknown }[]> {
    return this.list('state', prefix).then((docs) => docs.map((d) => ({ name: d.key, at: d.at, value: d.data })));
  }
  async removeStates(names: readonly string[]): Promise<void> {
    if (names.length > 0) await this.local.bulkRemove(names.map((name) => localId('state', name)));
  }
}

/**
 * The rows waiting to go up, from the outbox's entries and those of older versions (one per row),
 * in the order they go up (an entry's `seq`, then the row's place in it), each once: a row noted
 * again (the same fact recorded again after a write that never ended) goes where, and counts
 * from when, it was noted last, as an older version's entry, written again, did.
 */
function waitingRows(entries: readonly { key: string; at: number; seq: number; ids: readonly string[] }[], older: readonly LocalDoc<'outbox'>[]): { key: string; at: number; seq: number }[] {
  const noted: { key: string; at: number; seq: number; place: number }[] = [];
  for (const doc of older) noted.push({ key: doc.key, at: doc.at, seq: doc.data?.seq ?? doc.at * 1000, place: 0 });
  for (const entry of entries) entry.ids.forEach((key, place) => noted.push({ key, at: entry.at, seq: entry.seq, place }));
  noted.sort((a, b) => a.seq - b.seq || a.place - b.place);
  const last = new Map(noted.map((row, i) => [row.key, i]));
  return noted.filter((row, i) => last.get(row.key) === i).map(({ key, at, seq }) => ({ key, at, seq }));
}

/** Whether a local entry is an outbox entry (see `OutboxEntry`). */
export const isOutboxEntry = (doc: Pick<LocalDoc, 'type' | 'key'> | undefined): boolean => doc?.type === 'state' && doc.key.startsWith(OUTBOX_STATE_PREFIX);

/** An outbox entry's key, time, order and rows (ids that are not strings, written by no version of this app, are left out). */
function asEntry(doc: Pick<LocalDoc, 'key' | 'at' | 'data'>): { key: string; at: number; seq: number; ids: readonly string[] } {
  const data = doc.data as Partial<OutboxEntry> | null;
  const ids = Array.isArray(data?.ids) ? data.ids.filter((id): id is string => typeof id === 'string') : [];
  return { key: doc.key, at: doc.at, seq: typeof data?.seq === 'number' ? data.seq : doc.at * 1000, ids };
}

const chunkKey = (sha: string, index: number): string => `${sha}:${String(index).padStart(6, '0')}`;
