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
    private readonly now: () => number,
  ) {}

  /**
   * Creates a record: refused if this replica already holds a change of it, and judged by the
   * same record rules the server applies (`judgeRecordEdit`: strict schema, plain JSON). `facts`
   * (rows built by `FactLog.rowOf`, e.g. a seal's creation move) are written in the same write,
   * after it (one IndexedDB transaction: the app closing cannot leave the record without them;
   * unless an id among them was held and removed before, which RxDB writes apart).
   */
  create<K extends RecordKind>(kind: K, record: RecordOf<K>, facts: readonly FactRow[] = []): Promise<ChangeRow> {
    return this.serial(async () => {
      const recordId = (record as { id: string }).id;
      const held = await subjectRows(this.db, this.book, subjectOf(kind, recordId));
      const automerge = await this.loadAutomerge();
      const before = held.some((row) => row.type === 'change') ? (mergeRows(automerge, held).document?.json ?? null) : null;
      const after = plain(record);
      this.judge(kind, recordId, true, before, after);
      const doc = automerge.from(after, { actor: this.actorId });
      return this.write(kind, recordId, scopeOfRecord(record), automerge.getLastLocalChange(doc)!, automerge, facts);
    });
  }

  /**
   * Edits a record with an Automerge change function. Resolves with the change row, or `null`
   * when the edit changed nothing. The result must pass the record rules (`judgeRecordEdit`):
   * its strict schema, and the fields fixed at creation unchanged.
   */
  update<K extends RecordKind>(kind: K, recordId: string, edit: (doc: RecordOf<K>) => void): Promise<ChangeRow | null> {
    return this.serial(async () => {
      const automerge = await this.loadAutomerge();
      const merged = mergeRows(automerge, await subjectRows(this.db, this.book, subjectOf(kind, recordId)), this.actorId);
      if (merged.document === null || merged.scopeUnitId === null) throw new StoreError('unknown_record', `${kind} "${recordId}" is not held here`);
      const headsBefore = automerge.getHeads(merged.doc as never).join();
      const next = automerge.change(merged.doc as never, (doc: RecordOf<K>) => edit(doc));
      const change = automerge.getLastLocalChange(next);
      if (change === undefined || automerge.getHeads(next).join() === headsBefore) return null;
      this.judge(kind, recordId, false, merged.document.json, automerge.toJS(next));
      return this.write(kind, recordId, merged.scopeUnitId, change, automerge);
    });
  }

  /** The record rules the server applies to the same change (`judgeRecordEdit`), before anything is written. */
  private judge(kind: RecordKind, recordId: string, creation: boolean, before: unknown, after: unknown): void {
    const judged = judgeRecordEdit({ kind, recordId, creation, before: before as Record<string, unknown> | null, after });
    if (!judged.ok) throw new StoreError(judged.error.code, judged.error.message);
  }

  private async write(kind: RecordKind, recordId: string, scopeUnitId: string, change: Uint8Array, automerge: Awaited<ReturnType<AutomergeLoader>>, facts: readonly FactRow[] = []): Promise<ChangeRow> {
    const { hash } = automerge.decodeChange(change);
    const row: ChangeRow = {
      id: changeRowId(kind, recordId, hash),
      type: 'change',
      kind,
      subject: subjectOf(kind, recordId),
      scopeUnitId: scopeUnitId as UnitId,
      author: this.userId,
      createdAt: this.now(),
      bytes: toBase64Url(change),
    };
    // The same change held already (its id is its hash; the actor is this store's own, so it is an
    // earlier write of this store: refused, which hides it, and made again in the same second):
    // the held copy stands, and nothing is noted as waiting (a refused row is not sent again).
    const already = await this.db.rows.findOne(row.id).exec();
    // Facts to go with it are not dropped silently: that write cannot be made again as one.
    if (already !== null && facts.length > 0) throw new StoreError('write_failed', `the change "${row.id}" is held already: the facts to go with it were not recorded`);
    if (already !== null) return asRow(already.toJSON()) as ChangeRow;
    // The outbox entry first: a crash between the two leaves a stale entry (swept at open), never an unsynced row uncounted.
    const notedAt = this.now();
    // Bytes are checked only for attachments among the facts (none of the app's record writes carries one).
    const bytesKept = facts.some((fact) => fact.kind === 'attachment');
    const entries = await this.book.addToOutbox([row.id, ...facts.map((fact) => fact.id)], bytesKept);
    const { error } = await this.db.rows.bulkInsert([row, ...facts]);
    // Whatever was not written (or is held already: the same row pulled back between the look
    // above and this write) waits for nothing: all of it leaves this write's entries first.
    const notWritten = new Set(error.map((e) => e.documentId));
    if (notWritten.size > 0) await this.book.removeFromOutbox([...notWritten], { entries });
    await this.book.noteAgainIfSlow([row.id, ...facts.map((fact) => fact.id)].filter((id) => !notWritten.has(id)), notedAt, bytesKept);
    let held: ChangeRow | undefined;
    for (const e of error) {
      if (e.status !== 409) throw new StoreError('write_failed', `could not record "${e.documentId}" (${e.status})`);
      const stored = asRow(e.documentInDb);
      const fact = facts.find((f) => f.id === e.documentId);
      // A fact's id names its body: another body held under it is a conflict, as `FactLog` says.
      if (fact !== undefined && (stored.type !== 'fact' || canonicalJson(stored.body) !== canonicalJson(fact.body))) throw new StoreError('fact_conflict', `"${fact.id}" is already held with a different body`);
      if (e.documentId === row.id) held = stored as ChangeRow;
    }
    return held ?? row;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
