import type { Subscription } from 'rxjs';
import { getChangedDocumentsSince } from 'rxdb';
import { PROJECTED_FACT_KINDS, projectSubject, type SyncRow } from '@seal/shared';
import type { AutomergeLoader } from './automerge';
import type { RecordDoc, SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { mergeRows } from './mergeRows';
import { asRow, isRefusedRow } from './rowCodec';

/** Subjects re-projected per write to `records`. */
const FLUSH_BATCH = 50;
/** Rows read per step when catching up at start. */
const CATCH_UP_BATCH = 500;
/** Where in `rows` (RxDB's write order) every row is known projected; kept in the local book. */
const CHECKPOINT_STATE = 'projectedThrough';
/** First wait before trying again to load Automerge (doubling up to the most), in ms. */
const AUTOMERGE_RETRY_MS = 1_000;
const AUTOMERGE_RETRY_MAX_MS = 30_000;

interface RowsCheckpoint {
  readonly id: string;
  readonly lwt: number;
}

const isCheckpoint = (value: unknown): value is RowsCheckpoint =>
  typeof value === 'object' && value !== null && typeof (value as RowsCheckpoint).id === 'string' && typeof (value as RowsCheckpoint).lwt === 'number';

const later = (a: RowsCheckpoint | undefined, b: RowsCheckpoint): RowsCheckpoint =>
  a === undefined || b.lwt > a.lwt || (b.lwt === a.lwt && b.id > a.id) ? b : a;

/** A row document's place in RxDB's write order, when it carries one. */
function placeOf(doc: unknown): RowsCheckpoint | undefined {
  const { id, _meta } = (doc ?? {}) as { id?: unknown; _meta?: { lwt?: unknown } };
  return typeof id === 'string' && typeof _meta?.lwt === 'number' ? { id, lwt: _meta.lwt } : undefined;
}

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
 *
 * Rows written while nobody projected them (the tab was closed or reloaded between a pull's write
 * and its projection) are found at start: the book keeps the place in `rows`' write order up to
 * which everything is projected, and `start` marks the subjects of every row written after it.
 */
export class Projector {
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | undefined;
  private readonly subscriptions: Subscription[];
  private failure: Error | undefined;
  /** The newest row place marked so far; kept as the checkpoint whenever every mark is projected. */
  private newest: RowsCheckpoint | undefined;
  private catchingUp: Promise<void> | undefined;

  constructor(private readonly db: SealDatabase, private readonly book: LocalBook, private readonly loadAutomerge: AutomergeLoader) {
    this.subscriptions = [
      db.rows.$.subscribe((event) => {
        // A deletion (rows of a unit that left this replica's scope) marks its subject too.
        const row = (event.documentData ?? event.previousDocumentData) as unknown as SyncRow | undefined;
        const place = placeOf(event.documentData);
        if (place) this.newest = later(this.newest, place);
        if (row && projects(row)) this.mark(row.subject);
      }),
      book.refusedRows$().subscribe((row) => this.mark(row.subject)),
    ];
  }

  /** Re-projects a subject soon. */
  mark(subject: string): void {
    this.dirty.add(subject);
    this.kick();
  }

  /**
   * Starts a flush unless one runs. A subject marked after a flush's last look at `dirty` but
   * before it let go of `flushing` (a few microtasks) starts the next one: it is never left marked
   * with nobody to project it.
   */
  private kick(): void {
    if (this.flushing !== undefined) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.dirty.size > 0) this.kick();
    });
  }

  /** Marks the subjects of rows written after the kept checkpoint (see the class comment). */
  start(): Promise<void> {
    this.catchingUp ??= this.catchUp().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      console.error('Finding rows to project failed', error);
    });
    return this.catchingUp;
  }

  private async catchUp(): Promise<void> {
    const kept = await this.book.state(CHECKPOINT_STATE);
    let checkpoint: RowsCheckpoint | undefined = isCheckpoint(kept) ? kept : undefined;
    for (;;) {
      const batch = await getChangedDocumentsSince(this.db.rows.storageInstance, CATCH_UP_BATCH, checkpoint);
      for (const doc of batch.documents) {
        const row = doc as unknown as SyncRow;
        if (projects(row)) this.mark(row.subject);
      }
      if (batch.documents.length === 0) break;
      checkpoint = batch.checkpoint as RowsCheckpoint;
      this.newest = later(this.newest, checkpoint);
      if (batch.documents.length < CATCH_UP_BATCH) break;
    }
  }

  /** Resolves once every subject marked so far is projected (rejects if projecting failed). */
  async whenIdle(): Promise<void> {
    if (this.catchingUp) await this.catchingUp;
    while (this.flushing) await this.flushing;
    if (this.failure !== undefined) throw this.failure;
  }

  stop(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private async flush(): Promise<void> {
    // Let a burst of events (a pulled batch) mark all its subjects first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Automerge's code (its wasm) may not be fetchable yet — offline before the service worker
    // holds it: the marked subjects stay marked and are projected once it loads, not dropped.
    for (let attempt = 0; this.dirty.size > 0; attempt++) {
      try {
        await this.loadAutomerge();
        break;
      } catch (error) {
        if (attempt === 0) console.warn('Projecting records waits for Automerge to load', error);
        if (this.db.closed) return this.dirty.clear();
        await new Promise((resolve) => setTimeout(resolve, Math.min(AUTOMERGE_RETRY_MS * 2 ** attempt, AUTOMERGE_RETRY_MAX_MS)));
      }
    }
    while (this.dirty.size > 0) {
      // Closed meanwhile (the store closing, or opened again in this tab): what is marked is
      // projected at the next opening, from the checkpoint this flush then never moves. The marks
      // go (kept, they would start a flush of a closed database for ever).
      if (this.db.closed) return this.dirty.clear();
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
        if (this.db.closed) return this.dirty.clear();
        this.failure = error instanceof Error ? error : new Error(String(error));
        console.error('Projecting records failed', error);
      }
    }
    // Everything marked is projected: rows up to the newest place seen need no second look.
    if (this.failure === undefined && this.newest !== undefined && !this.db.closed) {
      await this.book.setState(CHECKPOINT_STATE, this.newest).catch(() => undefined);
    }
  }
}
