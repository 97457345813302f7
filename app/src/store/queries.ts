import { map, type Observable } from 'rxjs';
import type { FactBody, FactKind, RecordKind, RecordOf } from '@seal/shared';
import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';

/** A record as this replica holds it: its merged document, scope, and whether it is valid. */
export interface HeldRecord<K extends RecordKind> {
  readonly recordId: string;
  readonly scopeUnitId: string;
  readonly record: RecordOf<K>;
}

/** Which facts of a kind: about one subject, and/or with some body fields equal to these. */
export interface FactFilter {
  readonly subject?: string;
  /** Body fields that must be equal, e.g. `{ type: 'stamp' }` for the stamp entries of device logs. */
  readonly body?: Readonly<Record<string, string>>;
}

/**
 * What the screens may ask of the local store, as plain values: the RxDB database itself stays
 * inside `store/`. The `$` queries are live: they emit at once and after every change (pulled,
 * recorded here, refused and dropped); the others answer once.
 */
export class StoreQueries {
  constructor(private readonly db: SealDatabase, private readonly book: LocalBook) {}

  private factSelector(kind: FactKind, filter: FactFilter): Record<string, string> {
    const selector: Record<string, string> = { type: 'fact', kind };
    if (filter.subject !== undefined) selector.subject = filter.subject;
    for (const [field, value] of Object.entries(filter.body ?? {})) selector[`body.${field}`] = value;
    return selector;
  }

  /** The bodies of every held fact of one kind (that passes `filter`), live. */
  facts$<K extends FactKind>(kind: K, filter: FactFilter = {}): Observable<FactBody<K>[]> {
    return this.db.rows.find({ selector: this.factSelector(kind, filter) }).$.pipe(
      map((docs) => docs.map((doc) => (doc.toJSON() as unknown as { body: FactBody<K> }).body)),
    );
  }

  /** The bodies of every held fact of one kind (that passes `filter`), now. */
  async facts<K extends FactKind>(kind: K, filter: FactFilter = {}): Promise<FactBody<K>[]> {
    const docs = await this.db.rows.find({ selector: this.factSelector(kind, filter) }).exec();
    return docs.map((doc) => (doc.toJSON() as unknown as { body: FactBody<K> }).body);
  }

  /**
   * The held records of one kind (merged Automerge documents that satisfy the kind's schema),
   * live. Records only known by facts about them (no document yet) are left out.
   */
  records$<K extends RecordKind>(kind: K): Observable<HeldRecord<K>[]> {
    return this.db.records.find({ selector: { kind } }).$.pipe(
      map((docs) =>
        docs
          .map((doc) => doc.toJSON())
          .filter((doc) => doc.valid && doc.record !== null)
          .map((doc) => ({ recordId: doc.recordId, scopeUnitId: doc.scopeUnitId, record: doc.record as RecordOf<K> })),
      ),
    );
  }

  /** Ids of the rows made here that the server has not answered yet, live. */
  waiting$(): Observable<string[]> {
    return this.book.outboxIds$();
  }
}
