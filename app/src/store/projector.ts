import type { Subscription } from 'rxjs';
import { PROJECTED_FACT_KINDS, projectSubject, type SyncRow } from '@seal/shared';
import type { AutomergeLoader } from './automerge';
import type { RecordDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { mergeRows } from './mergeRows';
import { asRow, isRefusedRow } from './rowCodec';

/** Subjects re-projected per write to `records`. */
const FLUSH_BATCH = 50;

const projects = (row: SyncRow): boolean => row.type === 'change' || (PROJECTED_FACT_KINDS as readonly string[]).includes(row.kind);

/** The rows of a subject this replica counts: everything held except rows the server refused. */
export async function subjectRows(db: SealDatabase, book: LocalBook, subject: string): Promise<SyncRow[]> {
  const docs = await db.rows.find({ selector: { subject } }).exec();
  const rows = docs.map((doc) => asRow(doc.toJSON()));
  const refusals = await book.refusalsOf(rows.map((row) => row.id));
  return rows.filter((row) => !isRefusedRow(row, refusals.get(row.id)));
}

/**
 * Keeps `records` (local projections, never replicated) in step with `rows`: every change row or
 * projected fact that arrives — written here or pulled — marks its subject, and marked subjects are
 * re-projected from all their rows (`projectSubject`), in batches, one at a time. A refusal marks
 * its row's subject too, so a refused edit drops out of what the user sees; a subject left with
 * no row (its unit left the replica's scope) loses its record.
 */
export class Projector {
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | undefined;
  private readonly subscriptions: Subscription[];
  private failure: Error | undefined;

  constructor(private readonly db: SealDatabase, private readonly book: LocalBook, private readonly loadAutomerge: AutomergeLoader) {
    this.subscriptions = [
      db.rows.$.subscribe((event) => {
        // A deletion (rows of a unit that left this replica's scope) marks its subject too.
        const row = (event.documentData ?? event.previousDocumentData) as unknown as SyncRow | undefined;
        if (row && projects(row)) this.mark(row.subject);
      }),
      book.refusedRows$().subscribe((row) => this.mark(row.subject)),
    ];
  }

  /** Re-projects a subject soon. */
  mark(subject: string): void {
    this.dirty.add(subject);
    this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
  }

  /** Resolves once every subject marked so far is projected (rejects if projecting failed). */
  async whenIdle(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.failure !== undefined) throw this.failure;
  }

  stop(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private async flush(): Promise<void> {
    // Let a burst of events (a pulled batch) mark all its subjects first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (this.dirty.size > 0) {
      const subjects = [...this.dirty].slice(0, FLUSH_BATCH);
      subjects.forEach((s) => this.dirty.delete(s));
      try {
        const automerge = await this.loadAutomerge();
        const docs: RecordDoc[] = [];
        const gone: string[] = [];
        for (const subject of subjects) {
          const rows = await subjectRows(this.db, this.book, subject);
          // No row of it is held any more (its unit left this replica's scope): nor is its record.
          if (rows.length === 0 && (await this.db.rows.count({ selector: { subject } }).exec()) === 0) {
            gone.push(subject);
            continue;
          }
          const merged = mergeRows(automerge, rows);
          const projection = projectSubject(subject, merged.document, merged.facts);
          if (!projection) continue;
          const { subject: id, heads, scopeUnitId, ...rest } = projection;
          docs.push({ ...rest, id, heads: [...heads], scopeUnitId: scopeUnitId ?? merged.facts[0]?.scopeUnitId ?? '' });
        }
        if (docs.length > 0) await this.db.records.bulkUpsert(docs);
        if (gone.length > 0) await this.db.records.bulkRemove(gone);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        console.error('Projecting records failed', error);
      }
    }
  }
}
