import {
  changeRowId, parseRecord, recordSchemas, scopeOfRecord, subjectOf, toBase64Url,
  type ChangeRow, type RecordKind, type RecordOf, type UnitId, type UserId,
} from '@seal/shared';
import type { AutomergeLoader } from './automerge';
import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { mergeRows } from './mergeRows';
import { subjectRows } from './projector';
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

  /** Creates a record (refused if this replica already holds a change of it). */
  create<K extends RecordKind>(kind: K, record: RecordOf<K>): Promise<ChangeRow> {
    return this.serial(async () => {
      const checked = parseRecord(recordSchemas[kind], record, `a ${kind} record`);
      if (!checked.ok) throw new StoreError('invalid_record', checked.error.message);
      const recordId = (record as { id: string }).id;
      const held = await subjectRows(this.db, this.book, subjectOf(kind, recordId));
      if (held.some((row) => row.type === 'change')) throw new StoreError('record_exists', `${kind} "${recordId}" already exists`);
      const automerge = await this.loadAutomerge();
      const doc = automerge.from(plain(record), { actor: this.actorId });
      return this.write(kind, recordId, scopeOfRecord(record), automerge.getLastLocalChange(doc)!, automerge);
    });
  }

  /**
   * Edits a record with an Automerge change function. Resolves with the change row, or `null`
   * when the edit changed nothing. The result must still satisfy the record's schema.
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
      const checked = parseRecord(recordSchemas[kind], automerge.toJS(next), `a ${kind} record`);
      if (!checked.ok) throw new StoreError('invalid_record', checked.error.message);
      return this.write(kind, recordId, merged.scopeUnitId, change, automerge);
    });
  }

  private async write(kind: RecordKind, recordId: string, scopeUnitId: string, change: Uint8Array, automerge: Awaited<ReturnType<AutomergeLoader>>): Promise<ChangeRow> {
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
    // The outbox entry first: a crash between the two leaves a stale entry (swept at open), never an unsynced row uncounted.
    await this.book.addToOutbox([row.id]);
    await this.db.rows.insert(row);
    return row;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
