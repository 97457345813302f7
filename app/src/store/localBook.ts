import type { Observable } from 'rxjs';
import { filter, map, mergeMap } from 'rxjs';
import type { SyncRow } from '@seal/shared';
import { localId, type BlobEntry, type LocalData, type LocalDoc, type LocalType, type Refusal, type SealDatabase } from './collections';

/** How old an outbox entry without its row must be to count as left by a crash, not a write under way. */
export const ORPHAN_AGE_MS = 60_000;

/** Typed access to the `local` collection. */
export class LocalBook {
  constructor(private readonly db: SealDatabase, private readonly now: () => number) {}

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
  // entry per write (a group: the ids of the rows that write made, in order), not one per row:
  // an answer to a batch leaves the outbox in a write or two, where a write per row cost the
  // browser's IndexedDB a tombstone per row (half the push's time in the browser bench: ADR 003).
  // Entries of older versions, one per row (key: the row id, no `ids`), are read alike.
  /** The last outbox order given (microseconds of the clock, or one past the last: strictly increasing). */
  #lastSeq = 0;
  addToOutbox(rowIds: readonly string[]): Promise<unknown> {
    if (rowIds.length === 0) return Promise.resolve();
    this.#lastSeq = Math.max(this.now() * 1000, this.#lastSeq + 1);
    // Another tab may take the same microsecond: the key carries a random part, never another write's.
    const key = `~${String(this.#lastSeq).padStart(17, '0')}~${randomHex()}`;
    return this.put('outbox', [{ key, data: { seq: this.#lastSeq, ids: [...rowIds] } }]);
  }
  /** Every row id waiting to go up, in the order they were made (one read). */
  async outboxInOrder(): Promise<string[]> {
    return (await this.outboxEntries()).map((entry) => entry.key);
  }
  /** The outbox's rows in the order they were made (key: the row id), with when each was written. */
  async outboxEntries(): Promise<{ key: string; at: number }[]> {
    const docs = await this.list('outbox');
    for (const doc of docs) this.#lastSeq = Math.max(this.#lastSeq, outboxOrder(doc));
    return outboxRows(docs);
  }
  /**
   * Removes the outbox entries among `ids` written before `before`: entries whose row was never
   * written (the app closed between the two writes; an entry is written first). A younger one may
   * belong to a write under way, here or in another tab of the same database: it is left alone.
   */
  async removeOrphans(entries: readonly { key: string; at: number }[], before: number): Promise<void> {
    await this.removeFromOutbox(entries.filter((entry) => entry.at < before).map((entry) => entry.key));
  }
  /** Every outbox entry left without its row by a crash (see `removeOrphans`): what opening the store sweeps. */
  async sweepOrphans(): Promise<void> {
    const waiting = await this.outboxEntries();
    const written = await this.db.rows.findByIds(waiting.map((entry) => entry.key)).exec();
    await this.removeOrphans(waiting.filter((entry) => !written.has(entry.key)), this.now() - ORPHAN_AGE_MS);
  }
  /**
   * Takes `rowIds` out of the outbox: each entry holding some of them loses them, and goes once it
   * holds none. Applied to each entry's latest state (RxDB's incremental writes: a conflict with
   * another tab's write is retried on what that tab wrote), so two removals never undo each
   * other. An entry only ever shrinks, so one whose every id is being removed goes whatever it
   * holds now.
   */
  async removeFromOutbox(rowIds: readonly string[]): Promise<void> {
    if (rowIds.length === 0) return;
    const gone = new Set(rowIds);
    const docs = await this.local.find({ selector: { type: 'outbox' } }).exec();
    await Promise.all(docs.filter((doc) => idsOf(doc.toJSON() as LocalDoc<'outbox'>).some((id) => gone.has(id))).map((doc) =>
      doc.incrementalModify((data) => {
        if ((data as { _deleted?: boolean })._deleted === true) return data;
        const left = idsOf(data as LocalDoc<'outbox'>).filter((id) => !gone.has(id));
        if (left.length === 0) return Object.assign(data, { _deleted: true });
        return { ...data, data: { ...(data.data as object), ids: left } };
      })));
  }
  async outboxIds(): Promise<string[]> {
    return (await this.outboxEntries()).map((entry) => entry.key);
  }
  /** Which of `rowIds` wait to go up (one read, however many). */
  async waitingAmong(rowIds: readonly string[]): Promise<string[]> {
    if (rowIds.length === 0) return [];
    const waiting = new Set(await this.outboxIds());
    return rowIds.filter((id) => waiting.has(id));
  }
  async isWaiting(rowId: string): Promise<boolean> {
    return (await this.waitingAmong([rowId])).length > 0;
  }
  /** The ids `outboxIds` answers, live. */
  outboxIds$(): Observable<string[]> {
    return this.local.find({ selector: { type: 'outbox' } }).$.pipe(map((docs) => outboxRows(docs.map((doc) => doc.toJSON() as LocalDoc<'outbox'>)).map((entry) => entry.key)));
  }
  pending$(): Observable<number> {
    return this.outboxIds$().pipe(map((ids) => ids.length));
  }
  /** How many rows wait to go up, and since when the oldest of them waits (`null`: none waits), live. */
  waiting$(): Observable<{ count: number; since: number | null }> {
    return this.local.find({ selector: { type: 'outbox' } }).$.pipe(
      map((docs) => {
        const entries = outboxRows(docs.map((doc) => doc.toJSON() as LocalDoc<'outbox'>));
        return { count: entries.length, since: entries.length === 0 ? null : Math.min(...docs.map((doc) => doc.at)) };
      }),
    );
  }
  /** Emits the id of each row the server answered (it left the outbox), in this tab or another. */
  answered$(): Observable<string> {
    return this.local.$.pipe(
      filter((event) => (event.documentData as LocalDoc | undefined)?.type === 'outbox' && event.operation !== 'INSERT'),
      mergeMap((event) => {
        const before = event.previousDocumentData ? idsOf(event.previousDocumentData as LocalDoc<'outbox'>) : [];
        if (event.operation === 'DELETE') return before.length > 0 ? before : idsOf(event.documentData as LocalDoc<'outbox'>);
        const after = new Set(idsOf(event.documentData as LocalDoc<'outbox'>));
        return before.filter((id) => !after.has(id));
      }),
    );
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

  // Attachment bytes.
  blob(sha: string): Promise<BlobEntry | undefined> {
    return this.get('blob', sha).then((doc) => doc?.data);
  }
  putBlob(sha: string, entry: BlobEntry): Promise<unknown> {
    return this.put('blob', [{ key: sha, data: entry }]);
  }
  queuedBlobs(): Promise<{ sha: string; entry: BlobEntry }[]> {
    return this.list('blob').then((docs) => docs.filter((d) => d.data.state === 'queued').map((d) => ({ sha: d.key, entry: d.data })));
  }
  putChunks(sha: string, chunks: readonly string[]): Promise<unknown> {
    return this.put('chunk', chunks.map((data, index) => ({ key: chunkKey(sha, index), data: { data } })));
  }
  chunk(sha: string, index: number): Promise<string | undefined> {
    return this.get('chunk', chunkKey(sha, index)).then((doc) => doc?.data.data);
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

/** The rows an outbox entry stands for: a group's ids, or an older version's one row (its key). */
function idsOf(doc: Pick<LocalDoc<'outbox'>, 'key' | 'data'>): readonly string[] {
  const ids = (doc.data as { ids?: unknown } | null)?.ids;
  return Array.isArray(ids) ? (ids as string[]) : [doc.key];
}

/** Where an outbox entry goes in the order rows go up (older versions' entries without `seq`: their `at`). */
const outboxOrder = (doc: LocalDoc<'outbox'>): number => doc.data?.seq ?? doc.at * 1000;

/** The rows of outbox entries, in the order they go up, each once (key: the row id, at: when its entry was written). */
function outboxRows(docs: readonly LocalDoc<'outbox'>[]): { key: string; at: number }[] {
  const seen = new Set<string>();
  const rows: { key: string; at: number }[] = [];
  for (const doc of [...docs].sort((a, b) => outboxOrder(a) - outboxOrder(b))) {
    for (const key of idsOf(doc)) {
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ key, at: doc.at });
    }
  }
  return rows;
}

/** Eight random hex digits (an outbox entry's key apart from another tab's in the same microsecond). */
const randomHex = (): string => Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

const chunkKey = (sha: string, index: number): string => `${sha}:${String(index).padStart(6, '0')}`;
