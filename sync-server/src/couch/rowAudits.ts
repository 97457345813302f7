import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditLog } from './auditLog';
import { settleEach } from './changeJournal';
import { createDoc, getDoc, listDocs } from './docs';
import { PartlyWritten } from './macScope';
import type { Store } from './store';

/** The audit record owed for one row a push writes (the row's id). */
export interface RowAuditEntry {
  readonly rowId: string;
  readonly entry: AuditEntry;
}

/** `meta/row-audit:<id>`: the records a push owes for the rows it is writing, stored before they are. */
interface RowAuditIntentDoc {
  readonly type: 'row-audit-intent';
  readonly id: string;
  readonly createdAt: number;
  /** The audit log's head when the intent was written: its records, if any, come after it. */
  readonly afterSeq: number;
  readonly entries: readonly RowAuditEntry[];
}

/**
 * Audit records of rows written outside the change journal (pushed rows: a seal's or a device's
 * record, a seal's move). The rows database is append-only, so a change there cannot be undone
 * like the journal's; instead what is owed is noted before the rows are written, and whatever of
 * it is not chained when the push ends — the audit log failed, or the server died between the
 * write and the record — is chained by `reconcile` for every row the store holds. A row is never
 * left stored without its record, and a record never names a row the store did not take.
 */
export interface RowAudits {
  /**
   * Notes `entries`, runs `write` (the rows' write: its result and which rows it wrote), chains
   * the record of each row written, in order, and drops the note. Throws what `write` or the
   * audit log throws: the note stays for `reconcile`.
   */
  around<T>(entries: readonly RowAuditEntry[], write: () => Promise<{ readonly result: T; readonly written: ReadonlySet<string> }>): Promise<T>;
  /** Settles notes older than `olderThanMs` (default {@link ROW_AUDIT_GRACE_MS}); returns how many. */
  reconcile(olderThanMs?: number): Promise<number>;
}

/**
 * An audit record's `change`: the row it is about. A row is audited once, whichever push or note
 * chains it: `reconcile` skips a row whose record is in the chain already — chained by the push
 * that noted it, or by a retry that wrote the row after that push failed before writing it.
 */
const tagOf = (rowId: string): string => `row:${rowId}`;

/**
 * How old a note must be before `reconcile` settles it: far longer than any push runs (a push
 * settled under itself by another server would chain nothing for rows not yet written, and drop
 * the note); only a crashed or failed push leaves one that old.
 */
export const ROW_AUDIT_GRACE_MS = 5 * 60_000;

export function rowAudits(store: Store, audit: AuditLog, now: () => number, onSettleError: (error: unknown, intentId: string) => void): RowAudits {
  const meta = store.couch.use<RowAuditIntentDoc>(store.dbName('meta'));
  const rows = store.couch.use<object>(store.dbName('rows'));
  const docId = (id: string): string => `row-audit:${id}`;
  /** Notes of pushes still running here: never settled under them, however long they take. */
  const inFlight = new Set<string>();
  /** The reconcile running here, if any: a second one (the timer's beside a push's) waits for it instead of settling the same notes twice. */
  let reconciling: Promise<number> | undefined;

  const remove = async (id: string): Promise<void> => {
    const stored = await getDoc(meta, docId(id));
    if (stored) await meta.destroy(docId(id), stored._rev);
  };
  const chain = async (intent: RowAuditIntentDoc, indexes: readonly number[]): Promise<void> => {
    for (const index of indexes) {
      const { rowId, entry } = intent.entries[index]!;
      await audit.append({ ...entry, change: tagOf(rowId) });
    }
  };
  /** The rows whose record is in the chain after the note was written (any push's). */
  const chainedTags = async (intent: RowAuditIntentDoc): Promise<Set<string>> => {
    const tags = new Set<string>();
    for (let after = intent.afterSeq; ;) {
      const page = await audit.list(after, 500);
      for (const record of page) if (record.change?.startsWith('row:')) tags.add(record.change);
      if (page.length < 500) return tags;
      after = page.at(-1)!.seq;
    }
  };
  /** Chains what an intent owes for the rows the store holds (MAC-checked: written by this server), then drops it. */
  const settle = async (intent: RowAuditIntentDoc): Promise<void> => {
    const chained = await chainedTags(intent);
    const held = await rows.fetch({ keys: [...new Set(intent.entries.map((e) => e.rowId))] });
    const stored = new Set(held.rows.flatMap((row) => ('doc' in row && row.doc ? [row.id] : [])));
    await chain(intent, intent.entries.flatMap((entry, index) => (stored.has(entry.rowId) && !chained.has(tagOf(entry.rowId)) ? [index] : [])));
    await remove(intent.id);
  };

  return {
    async around(entries, write) {
      if (entries.length === 0) return (await write()).result;
      const intent: RowAuditIntentDoc = { type: 'row-audit-intent', id: randomUUID(), createdAt: now(), afterSeq: await audit.headSeq(), entries: [...entries] };
      inFlight.add(intent.id);
      try {
        if (!(await createDoc(meta, docId(intent.id), intent))) throw new Error(`the audit note ${intent.id} exists already`);
        let outcome: Awaited<ReturnType<typeof write>>;
        try {
          outcome = await write();
        } catch (error) {
          // Written in part before it failed (`PartlyWritten`): what the store took is chained now,
          // in the order pushed, not left for a settling minutes later behind rows pushed after
          // it. The note stays for the rest (the retry chains what it writes; settling, the others).
          if (error instanceof PartlyWritten) {
            const stored = new Set(error.answered.flatMap((answer) => (answer.error === undefined && answer.id !== undefined ? [answer.id] : [])));
            await chain(intent, entries.flatMap((entry, index) => (stored.has(entry.rowId) ? [index] : [])));
          }
          throw error;
        }
        const { result, written } = outcome;
        await chain(intent, entries.flatMap((entry, index) => (written.has(entry.rowId) ? [index] : [])));
        await remove(intent.id);
        return result;
      } finally {
        inFlight.delete(intent.id);
      }
    },
    reconcile(olderThanMs = ROW_AUDIT_GRACE_MS) {
      reconciling ??= (async () => {
        const stale = (await listDocs(meta, 'row-audit:')).filter((doc) => doc.type === 'row-audit-intent' && doc.createdAt <= now() - olderThanMs && !inFlight.has(doc.id));
        return settleEach(stale, settle, onSettleError);
      })().finally(() => {
        reconciling = undefined;
      });
      return reconciling;
    },
  };
}
