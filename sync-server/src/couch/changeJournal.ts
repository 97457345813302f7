import { randomUUID } from 'node:crypto';
import type { DocumentScope } from 'nano';
import { canonicalJson } from '@seal/shared';
import { auditRecordHash, AUDIT_GENESIS, type AuditEntry, type AuditLog } from './auditLog';
import { getDoc, isConflict, isReservedId, listDocs, type Stored } from './docs';
import type { MetaRepo } from './metaRepo';
import type { Store } from './store';

/** The databases an administrative change may write (the audit log itself is written apart). */
export type JournalDb = 'meta' | 'users' | 'units' | 'credentials' | 'invitations' | 'cases' | 'certificates' | 'scans' | 'governance';

/** One planned write: `before` is what was read (`null`: the document did not exist). */
interface IntentWrite {
  readonly db: JournalDb;
  readonly id: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown>;
}

/**
 * `meta/intent:<id>`: a change in flight, written before any of its writes. It holds everything
 * needed to finish the change (its audit records) or to undo it (what each document was before).
 */
export interface ChangeIntentDoc {
  readonly type: 'change-intent';
  readonly id: string;
  readonly createdAt: number;
  /** The audit log's head when the intent was written: its records, if any, come after it. */
  readonly afterSeq: number;
  readonly writes: readonly IntentWrite[];
  readonly entries: readonly AuditEntry[];
  readonly roster: boolean;
}

/** What a route's plan may do: read documents, then say what to write. */
export interface ChangeTx {
  /** Reads a document; a later `write` of it expects this very revision (or its absence). */
  read<T extends object>(db: JournalDb, id: string): Promise<T | undefined>;
  /** Plans to write `doc` under `id`: replaces the revision `read` saw, or creates it if there was none. */
  write<T extends object>(db: JournalDb, id: string, doc: T): void;
}

/** What a plan decided: its answer, the audit records of its writes, and whether the roster changed. */
export interface ChangePlan<R> {
  readonly result: R;
  readonly audit: readonly AuditEntry[];
  readonly roster?: boolean;
}

/**
 * Writes a change and its audit records so that neither stands without the other.
 *
 * CouchDB has no transaction across documents (nor databases), so the change is journalled:
 * 1. the plan reads and validates everything and throws its refusal before anything is written;
 * 2. an intent naming every write (before and after) and every audit record is stored;
 * 3. the writes are applied with the revisions the plan read (a conflict undoes and re-plans);
 * 4. the audit records are appended: the FIRST one chained is the commit point;
 * 5. the roster version is bumped if the change touches the roster, and the intent is removed.
 * A failure before the commit point undoes the writes (a created document is deleted, a changed
 * one restored); after it, the change stands and what is left (more records, the roster bump)
 * is finished. A crash anywhere leaves the intent behind, and `reconcile` (at start, and before
 * each change for intents older than a grace period) completes or undoes it by the same rule.
 */
export interface ChangeJournal {
  commit<R>(plan: (tx: ChangeTx) => ChangePlan<R> | Promise<ChangePlan<R>>): Promise<R>;
  /** Finishes or undoes intents older than `olderThanMs`; returns how many it settled. */
  reconcile(olderThanMs?: number): Promise<number>;
}

/**
 * Settles each of `notes` in turn; one that fails is told to `onError` and left for next time.
 * How many were settled.
 */
export async function settleEach<N extends { readonly id: string }>(notes: readonly N[], settle: (note: N) => Promise<void>, onError: (error: unknown, id: string) => void): Promise<number> {
  let settled = 0;
  for (const note of notes) {
    try {
      await settle(note);
      settled++;
    } catch (error) {
      onError(error, note.id);
    }
  }
  return settled;
}

/** Intents younger than this belong to a request still running (on this or another server). */
export const INTENT_GRACE_MS = 30_000;

/**
 * For a rule over several documents (at least one active system administrator; a person keeps a
 * passkey): call at the start of the plan, before reading what the rule counts, and call what it
 * returns after the plan's other writes. Two commits doing so under one `key` conflict on
 * `meta/guard:<key>`, so the later one's plan runs again, and (the guard being written last)
 * counts what the earlier one wrote.
 */
export async function serialisedOn(tx: ChangeTx, key: string): Promise<() => void> {
  const id = `guard:${key}`;
  const current = await tx.read<{ n?: number }>('meta', id);
  return () => tx.write('meta', id, { type: 'guard', key, n: (current?.n ?? 0) + 1 });
}
const MAX_PLAN_ATTEMPTS = 8;

type AnyDoc = Record<string, unknown>;
type Db = DocumentScope<AnyDoc>;
/** The journal's databases by their logical name. */
type JournalDbs = (logical: JournalDb) => Db;

/** JSON only, as the store keeps it (drops `undefined`), so before/after compare canonically. */
const asStored = (doc: object): AnyDoc => JSON.parse(JSON.stringify(doc)) as AnyDoc;
const withoutCouchFields = ({ _id: _i, _rev: _r, ...doc }: AnyDoc & Partial<Stored>): AnyDoc => doc;

export class PlanConflict extends Error {
  override readonly name = 'PlanConflict';
}

/** Refuses (before any write) an audit record that has no canonical form, so it could never be chained. */
async function checkEntries(entries: readonly AuditEntry[]): Promise<void> {
  for (const entry of entries) {
    await auditRecordHash({ type: 'audit', seq: 1, at: 0, actor: entry.actor, action: entry.action, target: entry.target, unitId: entry.unitId, before: entry.before ?? null, after: entry.after ?? null, prevHash: AUDIT_GENESIS });
  }
}

/** A plan's transaction: what it read (each document's revision and body) and the writes it planned over them. */
function recordingTx(db: JournalDbs): { tx: ChangeTx; planned: IntentWrite[]; revOf: (write: IntentWrite) => string | undefined } {
  const seen = new Map<string, { rev: string | undefined; before: AnyDoc | null }>();
  const planned: IntentWrite[] = [];
  const tx: ChangeTx = {
    async read<T extends object>(name: JournalDb, id: string) {
      const stored = await getDoc(db(name), id);
      seen.set(`${name}/${id}`, { rev: stored?._rev, before: stored ? withoutCouchFields(stored) : null });
      return stored ? (withoutCouchFields(stored) as T) : undefined;
    },
    write(name, id, doc) {
      const before = seen.get(`${name}/${id}`)?.before ?? null;
      planned.push({ db: name, id, before, after: asStored(doc) });
    },
  };
  return { tx, planned, revOf: (write) => seen.get(`${write.db}/${write.id}`)?.rev };
}

/** Puts `doc` over `rev` (or creates it); returns the new revision. A lost race is a PlanConflict. */
async function put(db: JournalDbs, write: IntentWrite, rev: string | undefined): Promise<string> {
  if (isReservedId(write.id)) throw new Error(`refusing to write a document under the reserved id "${write.id}"`);
  try {
    return (await db(write.db).insert({ ...write.after, _id: write.id, ...(rev ? { _rev: rev } : {}) })).rev;
  } catch (error) {
    if (isConflict(error)) throw new PlanConflict(`${write.db}/${write.id} changed while the change was being made`);
    throw error;
  }
}

/** Puts back what a write replaced, if the document still holds what the write put there. */
async function undo(db: JournalDbs, write: IntentWrite): Promise<void> {
  const current = await getDoc(db(write.db), write.id);
  if (!current || canonicalJson(withoutCouchFields(current)) !== canonicalJson(write.after)) return;
  if (write.before === null) await db(write.db).destroy(write.id, current._rev);
  else await db(write.db).insert({ ...write.before, _id: write.id, _rev: current._rev });
}

/** Undoes writes, the last one first. */
async function undoAll(db: JournalDbs, writes: readonly IntentWrite[]): Promise<void> {
  for (const write of [...writes].reverse()) await undo(db, write);
}

/** How many of an intent's audit records are already in the chain. */
async function chainedCount(audit: AuditLog, intent: ChangeIntentDoc): Promise<number> {
  let count = 0;
  for (let after = intent.afterSeq; ;) {
    const page = await audit.list(after, 500);
    count += page.filter((r) => r.change === intent.id).length;
    if (page.length < 500) return count;
    after = page.at(-1)!.seq;
  }
}

/**
 * @param onSettleError told when an intent could not be settled now (the store failed meanwhile):
 *   it stays, and the next `reconcile` tries again; a change is never blocked by another's intent.
 */
export function changeJournal(store: Store, audit: AuditLog, meta: MetaRepo, now: () => number, onSettleError: (error: unknown, intentId: string) => void): ChangeJournal {
  const db: JournalDbs = (logical) => store.couch.use<AnyDoc>(store.dbName(logical));
  const intents = db('meta') as unknown as DocumentScope<ChangeIntentDoc>;
  const intentDocId = (id: string): string => `intent:${id}`;

  const removeIntent = async (id: string): Promise<void> => {
    const stored = await getDoc(intents, intentDocId(id));
    if (stored) await intents.destroy(intentDocId(id), stored._rev);
  };

  /** Appends records `from…` of an intent, then bumps the roster and drops the intent: the roll-forward. */
  const finish = async (intent: ChangeIntentDoc, from: number): Promise<void> => {
    for (const entry of intent.entries.slice(from)) await audit.append({ ...entry, change: intent.id });
    if (intent.roster) await meta.bumpRosterVersion(now());
    await removeIntent(intent.id);
  };

  const settle = async (intent: ChangeIntentDoc): Promise<void> => {
    const chained = await chainedCount(audit, intent);
    if (chained > 0) {
      await finish(intent, chained);
    } else {
      await undoAll(db, intent.writes);
      await removeIntent(intent.id);
    }
  };

  const reconcile = async (olderThanMs = INTENT_GRACE_MS): Promise<number> => {
    const stale = (await listDocs(intents, 'intent:')).filter((i) => i.type === 'change-intent' && i.createdAt <= now() - olderThanMs);
    return settleEach(stale, settle, onSettleError);
  };

  /** Applies an intent's writes over the revisions its plan read; on a failure undoes them and drops the intent. */
  const applyWrites = async (intent: ChangeIntentDoc, revOf: (write: IntentWrite) => string | undefined): Promise<IntentWrite[]> => {
    const applied: IntentWrite[] = [];
    try {
      for (const write of intent.writes) {
        await put(db, write, revOf(write));
        applied.push(write);
      }
    } catch (error) {
      await undoAll(db, applied);
      await removeIntent(intent.id);
      throw error;
    }
    return applied;
  };

  /** Chains an intent's audit records (the first is the commit point), bumps the roster if asked, drops the intent. */
  const chainRecords = async (intent: ChangeIntentDoc, applied: readonly IntentWrite[]): Promise<void> => {
    let chained = 0;
    try {
      for (const entry of intent.entries) {
        await audit.append({ ...entry, change: intent.id });
        chained++;
      }
    } catch (error) {
      // Before the first record is chained the change is undone; after it, it stands and the
      // intent stays for `reconcile` to chain the rest.
      if (chained === 0) {
        await undoAll(db, applied);
        await removeIntent(intent.id);
      }
      throw error;
    }
    if (intent.roster) await meta.bumpRosterVersion(now());
    await removeIntent(intent.id);
  };

  const attempt = async <R>(plan: (tx: ChangeTx) => ChangePlan<R> | Promise<ChangePlan<R>>): Promise<R> => {
    const { tx, planned, revOf } = recordingTx(db);
    const { result, audit: entries, roster = false } = await plan(tx);
    if (planned.length === 0) {
      // Nothing changed: nothing to record (a plan that changes nothing audits nothing).
      return result;
    }
    if (entries.length === 0) throw new Error('a change with writes must have at least one audit record');
    await checkEntries(entries);

    const intent: ChangeIntentDoc = { type: 'change-intent', id: randomUUID(), createdAt: now(), afterSeq: await audit.headSeq(), writes: planned, entries: entries.map(asStored) as unknown as AuditEntry[], roster };
    await intents.insert({ ...intent, _id: intentDocId(intent.id) });
    await chainRecords(intent, await applyWrites(intent, revOf));
    return result;
  };

  return {
    async commit(plan) {
      await reconcile();
      for (let round = 1; ; round++) {
        try {
          return await attempt(plan);
        } catch (error) {
          if (!(error instanceof PlanConflict) || round >= MAX_PLAN_ATTEMPTS) throw error;
        }
      }
    },
    reconcile,
  };
}
