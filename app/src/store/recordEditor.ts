import {
  canonicalJson, changeRowId, judgeRecordEdit, scopeOfRecord, subjectOf, toBase64Url,
  type ChangeRow, type FactRow, type RecordKind, type RecordOf, type UnitId, type UserId,
} from '@seal/shared';
import type { AutomergeLoader } from './automerge';
import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { mergeRows } from './mergeRows';
import { subjectRows } from './projector';
import { asRow } from './rowCodec';
import { StoreError } from './StoreError';

/** An edit of a record held here, written with others (`RecordEditor.create`'s `then`, `updateTogether`). */
export interface RecordUpdate<K extends RecordKind = RecordKind> {
  readonly kind: K;
  readonly recordId: string;
  readonly edit: (doc: RecordOf<K>) => void;
}

/** Plain JSON (no `undefined` members), as an Automerge document takes it. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Local edits of mutable records. Each edit is one Automerge change, made with this replica's
 * actor (the user's prefix + a per-store suffix) on top of every change held, and written as an
 * immutable change row (and an outbox entry) — it syncs from there. Edits run one at a time, so
 * two edits never take the same sequence number of the actor.
 */
export class RecordEditor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: SealDatabase,
    private readonly book: LocalBook,
    private readonly loadAutomerge: AutomergeLoader,
    private readonly userId: UserId,
    private readonly actorId: string,
    /** The clock change rows are dated by (`store.now`: the device's, corrected by the server's answers). */
    private readonly now: () => number,
  ) {}

  /**
   * Creates a record: refused if this replica already holds a change of it, and judged by the
   * same record rules the server applies (`judgeRecordEdit`: strict schema, plain JSON). `facts`
   * (rows built by `FactLog.rowOf`, e.g. a seal's creation move), then the changes of `then`
   * (edits of other records held here, e.g. the device a new seal is locked in naming it), are
   * written in the same write, after it (one IndexedDB transaction: the app closing cannot leave
   * the record without them; unless an id among them was held and removed before, which RxDB
   * writes apart).
   */
  create<K extends RecordKind>(kind: K, record: RecordOf<K>, facts: readonly FactRow[] = [], then: readonly RecordUpdate[] = []): Promise<ChangeRow> {
    return this.serial(async () => {
      const recordId = (record as { id: string }).id;
      const held = await subjectRows(this.db, this.book, subjectOf(kind, recordId));
      const automerge = await this.loadAutomerge();
      const before = held.some((row) => row.type === 'change') ? (mergeRows(automerge, held).document?.json ?? null) : null;
      const after = plain(record);
      this.judge(kind, recordId, true, before, after);
      const doc = automerge.from(after, { actor: this.actorId });
      const row = this.changeRow(kind, recordId, scopeOfRecord(record), automerge.getLastLocalChange(doc)!, automerge);
      const others = await this.changesOf(then, automerge);
      const [written] = await this.write([row], facts, others.flatMap((other) => (other === null ? [] : [other])));
      return written!;
    });
  }

  /**
   * Edits a record with an Automerge change function. Resolves with the change row, or `null`
   * when the edit changed nothing. The result must pass the record rules (`judgeRecordEdit`):
   * its strict schema, and the fields fixed at creation unchanged.
   */
  async update<K extends RecordKind>(kind: K, recordId: string, edit: (doc: RecordOf<K>) => void): Promise<ChangeRow | null> {
    const [row] = await this.updateTogether([{ kind, recordId, edit } as RecordUpdate]);
    return row ?? null;
  }

  /**
   * Edits several records held here in one write (a seal and the devices it leaves and enters):
   * all of them or none are kept, whenever the app closes. Each is judged as `update` judges it
   * before anything is written; edits of one record are one change. Resolves with each edit's
   * change row, in order (`null`: it changed nothing; an edit of a record named before answers its
   * change too).
   */
  updateTogether(updates: readonly RecordUpdate[]): Promise<(ChangeRow | null)[]> {
    return this.serial(async () => {
      const automerge = await this.loadAutomerge();
      const rows = await this.changesOf(updates, automerge);
      // Each record's change once (an edit of a record named before answers its change again).
      const made = [...new Set(rows.flatMap((row) => (row === null ? [] : [row])))];
      if (made.length === 0) return rows;
      const written = await this.write(made, [], []);
      return rows.map((row) => (row === null ? null : written[made.indexOf(row)]!));
    });
  }

  /** The change rows of `updates` (not written), each judged; edits of one record are made as one change. */
  private async changesOf(updates: readonly RecordUpdate[], automerge: Awaited<ReturnType<AutomergeLoader>>): Promise<(ChangeRow | null)[]> {
    const key = (update: RecordUpdate) => `${update.kind}\u0000${update.recordId}`;
    const byRecord = new Map<string, ChangeRow | null>();
    for (const update of updates) {
      if (byRecord.has(key(update))) continue;
      const edits = updates.filter((other) => key(other) === key(update));
      const merged = mergeRows(automerge, await subjectRows(this.db, this.book, subjectOf(update.kind, update.recordId)), this.actorId);
      if (merged.document === null || merged.scopeUnitId === null) throw new StoreError('unknown_record', `${update.kind} "${update.recordId}" is not held here`);
      const headsBefore = automerge.getHeads(merged.doc as never).join();
      const next = automerge.change(merged.doc as never, (doc: never) => edits.forEach((edit) => edit.edit(doc)));
      const change = automerge.getLastLocalChange(next);
      if (change === undefined || automerge.getHeads(next).join() === headsBefore) {
        byRecord.set(key(update), null);
        continue;
      }
      this.judge(update.kind, update.recordId, false, merged.document.json, automerge.toJS(next));
      byRecord.set(key(update), this.changeRow(update.kind, update.recordId, merged.scopeUnitId, change, automerge));
    }
    return updates.map((update) => byRecord.get(key(update)) ?? null);
  }

  /** The record rules the server applies to the same change (`judgeRecordEdit`), before anything is written. */
  private judge(kind: RecordKind, recordId: string, creation: boolean, before: unknown, after: unknown): void {
    const judged = judgeRecordEdit({ kind, recordId, creation, before: before as Record<string, unknown> | null, after });
    if (!judged.ok) throw new StoreError(judged.error.code, judged.error.message);
  }

  private changeRow(kind: RecordKind, recordId: string, scopeUnitId: string, change: Uint8Array, automerge: Awaited<ReturnType<AutomergeLoader>>): ChangeRow {
    const { hash } = automerge.decodeChange(change);
    return {
      id: changeRowId(kind, recordId, hash),
      type: 'change',
      kind,
      subject: subjectOf(kind, recordId),
      scopeUnitId: scopeUnitId as UnitId,
      author: this.userId,
      createdAt: this.now(),
      bytes: toBase64Url(change),
    };
  }

  /**
   * Writes `changes`, then `facts`, then `after` (more changes) in one write, in that order (the
   * order they go up in: the server judges a record's creation before facts about it). Answers
   * the change rows of `changes` then `after` as held.
   */
  private async write(changes: readonly ChangeRow[], facts: readonly FactRow[], after: readonly ChangeRow[]): Promise<ChangeRow[]> {
    const all = [...changes, ...facts, ...after];
    const ids = all.map((row) => row.id);
    // The same change held already (its id is its hash; the actor is this store's own, so it is an
    // earlier write of this store: refused, which hides it, and made again in the same second):
    // the held copy stands, and nothing is noted as waiting (a refused row is not sent again).
    // A fact held already is the same fact (its id names it) and goes through the write below.
    const already = await this.db.rows.findByIds([...changes, ...after].map((row) => row.id)).exec();
    if (already.size > 0) {
      const [only] = changes;
      // What was to go with it is not dropped silently: that write cannot be made again as one.
      if (all.length > 1 || only === undefined) throw new StoreError('write_failed', `"${[...already.keys()].join('", "')}" is held already: the rows to go with it were not recorded`);
      return [asRow(already.get(only.id)!.toJSON()) as ChangeRow];
    }
    // The outbox entry first: a crash between the two leaves a stale entry (swept at open), never an unsynced row uncounted.
    const notedAt = this.book.now();
    const entries = await this.book.addToOutbox(ids);
    const { error } = await this.db.rows.bulkInsert(all);
    // Whatever was not written (or is held already: the same row pulled back between the look
    // above and this write) waits for nothing: all of it leaves this write's entries first.
    const notWritten = new Set(error.map((e) => e.documentId));
    if (notWritten.size > 0) await this.book.removeFromOutbox([...notWritten], { entries });
    await this.book.noteAgainIfSlow(ids.filter((id) => !notWritten.has(id)), notedAt);
    const held = new Map<string, ChangeRow>();
    for (const e of error) {
      if (e.status !== 409) throw new StoreError('write_failed', `could not record "${e.documentId}" (${e.status})`);
      const stored = asRow(e.documentInDb);
      const fact = facts.find((f) => f.id === e.documentId);
      // A fact's id names its body: another body held under it is a conflict, as `FactLog` says.
      if (fact !== undefined && (stored.type !== 'fact' || canonicalJson(stored.body) !== canonicalJson(fact.body))) throw new StoreError('fact_conflict', `"${fact.id}" is already held with a different body`);
      if (fact === undefined) held.set(e.documentId, stored as ChangeRow);
    }
    return [...changes, ...after].map((row) => held.get(row.id) ?? row);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
