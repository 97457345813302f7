import {
  factBodySchemas, sameIdentity, factIdOf, factRowId, factSubjectOf, parseRecord,
  type FactBody, type FactKind, type FactRow, type ServerFactKind, type UnitId, type UserId,
} from '@seal/shared';
import { filter, map, type Observable } from 'rxjs';
import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';
import { asRow } from './rowCodec';
import { StoreError } from './StoreError';

/** Fact kinds a replica records (alarms and their resolutions come from the server). */
export type LocalFactKind = Exclude<FactKind, ServerFactKind>;

/**
 * A deep copy of plain data (own enumerable fields; `undefined` members kept, for the schema and
 * the canonical form to judge): what a screen hands over may be a view onto live state (a solid
 * store's proxy), which IndexedDB cannot store and which may change while the fact is written.
 */
function plainCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => plainCopy(item)) as T;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainCopy(item as unknown)])) as T;
}

/** A fact to record; content-addressed kinds may leave `id` out (it is computed). */
export type FactInput<K extends LocalFactKind> = K extends 'decision' | 'grant' | 'electronic_grant' | 'attachment' ? Omit<FactBody<K>, 'id'> & { id?: string } : FactBody<K>;

/** What recording a fact came to: a new row, or the same fact already held (pulled, or recorded before). */
export interface AppendOutcome {
  readonly row: FactRow;
  readonly added: boolean;
}

/**
 * Records append-only facts. The id is the one the fact's kind defines (content address or
 * origin key), so recording the same fact twice — here, or on another replica — is one fact; a
 * different body under a held id is refused (`fact_conflict`) and nothing is written.
 */
export class FactLog {
  /** @param now - the clock facts are dated by (`store.now`: the device's, corrected by the server's answers) */
  constructor(private readonly db: SealDatabase, private readonly book: LocalBook, private readonly userId: UserId, private readonly now: () => number) {}

  /** Builds the row of a fact, checking its body against its kind's schema. */
  async rowOf<K extends LocalFactKind>(kind: K, given: FactInput<K>, scopeUnitId: string): Promise<FactRow> {
    const input = plainCopy(given);
    const contentAddressed = kind === 'decision' || kind === 'grant' || kind === 'electronic_grant' || kind === 'attachment';
    const draft = contentAddressed ? { ...input, id: '0'.repeat(64) } : input;
    const checked = parseRecord(factBodySchemas[kind], draft, `a ${kind} fact`);
    if (!checked.ok) throw new StoreError('invalid_fact', checked.error.message);
    let body = input as unknown as FactBody<K>;
    let factId: string;
    if (contentAddressed) {
      const { id: given, ...rest } = input as { id?: string };
      factId = await factIdOf(kind, { ...rest, id: '' } as unknown as FactBody<K>);
      if (given !== undefined && given !== factId) throw new StoreError('invalid_fact', `expected the ${kind}'s content address "${factId}", got "${given}"`);
      body = { ...rest, id: factId } as unknown as FactBody<K>;
    } else {
      factId = await factIdOf(kind, body);
    }
    return {
      id: factRowId(kind, factId),
      type: 'fact',
      kind,
      subject: factSubjectOf(kind, body),
      scopeUnitId: scopeUnitId as UnitId,
      author: this.userId,
      createdAt: this.now(),
      body: body as unknown as Record<string, unknown>,
    };
  }

  /** Which of `rowIds` this replica holds (a row of a unit that left its scope is no longer held). */
  async heldAmong(rowIds: readonly string[]): Promise<Set<string>> {
    return new Set((await this.db.rows.findByIds([...rowIds]).exec()).keys());
  }

  /** The row id of each attachment fact arriving here (pulled, brought back with its unit, or made here): bytes waiting for one may go. */
  attachmentsArrived$(): Observable<string> {
    return this.db.rows.$.pipe(
      filter((event) => event.operation !== 'DELETE' && event.documentData.type === 'fact' && event.documentData.kind === 'attachment'),
      map((event) => event.documentId),
    );
  }

  /** Records one fact. */
  async append<K extends LocalFactKind>(kind: K, input: FactInput<K>, scopeUnitId: string): Promise<AppendOutcome> {
    const [outcome] = await this.appendMany(kind, [input], scopeUnitId);
    return outcome!;
  }

  /** Records many facts of one kind in one write (a device log, a backlog). */
  async appendMany<K extends LocalFactKind>(kind: K, inputs: readonly FactInput<K>[], scopeUnitId: string): Promise<AppendOutcome[]> {
    const rows = await Promise.all(inputs.map((input) => this.rowOf(kind, input, scopeUnitId)));
    const held = await this.db.rows.findByIds(rows.map((row) => row.id)).exec();
    const fresh = new Map<string, FactRow>();
    const outcomes = rows.map((row): AppendOutcome => {
      const existing = held.get(row.id);
      const prior = existing ? asRow(existing.toJSON()) : fresh.get(row.id);
      if (prior === undefined) {
        fresh.set(row.id, row);
        return { row, added: true };
      }
      // The same fact, by the rule the server's push applies (`sameIdentity`: a device entry's ECDSA twin is the entry).
      if (prior.type !== 'fact' || !sameIdentity(prior, row)) {
        throw new StoreError('fact_conflict', `"${row.id}" is already held with a different body`);
      }
      return { row: prior, added: false };
    });
    if (fresh.size > 0) {
      const added = [...fresh.values()];
      // The outbox entries first: a crash between the two writes leaves stale entries (swept at open), never an uncounted row.
      const notedAt = this.book.now();
      const entries = await this.book.addToOutbox(added.map((row) => row.id));
      const { error } = await this.db.rows.bulkInsert(added);
      // A pull wrote some of these ids between the look above and this write (the same fact,
      // recorded on another replica first — e.g. a content-addressed grant): the held copy is the
      // server's and nothing of ours waits to go up. Left in the outbox, such an id would count as
      // "waiting to sync" for ever.
      const taken = error.filter((e) => e.status === 409).map((e) => e.documentId);
      const failed = error.filter((e) => e.status !== 409);
      // Neither waits to go up (taken: held already; failed: not written): both leave the outbox
      // before anything below can throw. Only from this write's own entries: another write
      // noting the same id (another tab recording the same fact, whose row went in first) keeps its entry.
      await this.book.removeFromOutbox([...taken, ...failed.map((e) => e.documentId)], { entries });
      const notWritten = new Set(error.map((e) => e.documentId));
      await this.book.noteAgainIfSlow(added.map((row) => row.id).filter((id) => !notWritten.has(id)), notedAt);
      if (taken.length > 0) {
        const now = await this.db.rows.findByIds(taken).exec();
        for (const [i, outcome] of outcomes.entries()) {
          const winner = now.get(outcome.row.id);
          if (!outcome.added || winner === undefined) continue;
          const held = asRow(winner.toJSON());
          if (held.type !== 'fact' || !sameIdentity(held, outcome.row)) {
            throw new StoreError('fact_conflict', `"${outcome.row.id}" arrived from the server with a different body while it was being recorded here`);
          }
          outcomes[i] = { row: held, added: false };
        }
      }
      if (failed.length > 0) {
        throw new StoreError('write_failed', `could not record ${failed.length} fact(s): ${failed.map((e) => `${e.documentId} (${e.status})`).join(', ')}`);
      }
    }
    return outcomes;
  }
}
