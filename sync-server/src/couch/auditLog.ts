import type { DocumentScope } from 'nano';
import { hashRecordHex } from '@seal/shared';
import { createDoc } from './docs';
import type { Actor, AuditRecord } from './model';

/** `prevHash` of the first record. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** What a caller says about a change; the log adds sequence, time and the chain. */
export interface AuditEntry {
  readonly actor: Actor;
  readonly action: string;
  readonly target: { readonly kind: string; readonly id: string };
  readonly unitId: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The journalled change (`ChangeJournal`) this record belongs to, so a restart can tell it was chained. */
  readonly change?: string;
}

/** Result of re-checking the chain. */
export type ChainCheck =
  | { readonly ok: true; readonly length: number; readonly headHash: string }
  | { readonly ok: false; readonly seq: number; readonly code: 'hash_mismatch' | 'broken_link' | 'sequence_gap'; readonly message: string };

/** The append-only audit log: every administrative change, who, when, before and after. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** The sequence number of the last record (0 when there is none). */
  headSeq(): Promise<number>;
  /** Records with `seq > afterSeq`, oldest first. */
  list(afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Re-hashes every record and follows the chain from genesis to head. */
  verify(): Promise<ChainCheck>;
}

// Zero-padded so that _all_docs (sorted by id) is sorted by sequence.
const docId = (seq: number): string => `audit:${String(seq).padStart(12, '0')}`;
/** Plain JSON only (drops `undefined`), so before/after always have one canonical form. */
const asJson = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)) as unknown);

/** The hash of a record: SHA-256 of its canonical form without `hash` (and CouchDB's fields). */
export async function auditRecordHash(record: Omit<AuditRecord, 'hash'> & { hash?: string }): Promise<string> {
  const { hash: _h, ...rest } = record as AuditRecord & { _id?: string; _rev?: string };
  const { _id: _i, _rev: _r, ...body } = rest as typeof rest & { _id?: string; _rev?: string };
  return hashRecordHex(body);
}

/** Checks a run of records starting at seq 1 (tests and `GET /api/audit/verify`). */
export async function verifyAuditChain(records: readonly AuditRecord[]): Promise<ChainCheck> {
  return verifyAuditPages([records]);
}

/**
 * Checks records page after page from seq 1, holding one page at a time: the chain of a busy
 * organisation is never read into memory whole.
 */
export async function verifyAuditPages(pages: AsyncIterable<readonly AuditRecord[]> | Iterable<readonly AuditRecord[]>): Promise<ChainCheck> {
  let prevHash = AUDIT_GENESIS;
  let length = 0;
  for await (const page of pages) {
    for (const record of page) {
      const expected = length + 1;
      if (record.seq !== expected) return { ok: false, seq: record.seq, code: 'sequence_gap', message: `Expected seq ${expected}, found ${record.seq}` };
      if (record.prevHash !== prevHash) return { ok: false, seq: record.seq, code: 'broken_link', message: `Record ${record.seq} does not follow record ${record.seq - 1}` };
      const hash = await auditRecordHash(record);
      if (hash !== record.hash) return { ok: false, seq: record.seq, code: 'hash_mismatch', message: `Record ${record.seq} was altered: its hash is ${hash}, it says ${record.hash}` };
      prevHash = record.hash;
      length = expected;
    }
  }
  return { ok: true, length, headHash: prevHash };
}

export function auditLog(db: DocumentScope<AuditRecord>, now: () => number): AuditLog {
  const head = async (): Promise<AuditRecord | undefined> => {
    const page = await db.list({ include_docs: true, descending: true, startkey: 'audit:\ufff0', endkey: 'audit:', limit: 1 });
    return page.rows[0]?.doc;
  };
  const list = async (afterSeq: number, limit: number): Promise<AuditRecord[]> => {
    const page = await db.list({ include_docs: true, startkey: docId(afterSeq + 1), endkey: 'audit:\ufff0', limit });
    return page.rows.map((row) => {
      const { _id: _i, _rev: _r, ...record } = row.doc as AuditRecord & { _id: string; _rev: string };
      return record;
    });
  };
  /**
   * Appends one record. Several servers may append at once: the record id is its sequence
   * number, so only one of them gets each number and the loser re-reads the head and chains after
   * the winner. (createDoc says `false` for a lost race whether the store answers 409 or, as the
   * embedded store does, 403 from the append-only validator.)
   */
  const appendOne = async (entry: AuditEntry): Promise<AuditRecord> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const last = await head();
      const body: Omit<AuditRecord, 'hash'> = {
        type: 'audit',
        seq: (last?.seq ?? 0) + 1,
        at: now(),
        actor: asJson(entry.actor) as Actor,
        action: entry.action,
        target: { kind: entry.target.kind, id: entry.target.id },
        unitId: entry.unitId,
        before: asJson(entry.before),
        after: asJson(entry.after),
        // Only when set, so records written without a journal keep the form (and hash) they had.
        ...(entry.change === undefined ? {} : { change: entry.change }),
        prevHash: last?.hash ?? AUDIT_GENESIS,
      };
      const record: AuditRecord = { ...body, hash: await auditRecordHash(body) };
      if (await createDoc(db, docId(record.seq), record)) return record;
    }
    throw new Error('could not append to the audit log: too many concurrent writers');
  };
  // This server's appends go one at a time: they would only race one another for the head (many
  // pushes of seal edits at once could make an administrator's journalled change lose 50 races
  // and be undone); races are left to other servers' appends.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    append(entry) {
      const appended = queue.then(() => appendOne(entry));
      queue = appended.catch(() => undefined);
      return appended;
    },
    headSeq: async () => (await head())?.seq ?? 0,
    list,
    verify() {
      return verifyAuditPages((async function* () {
        for (let after = 0; ;) {
          const page = await list(after, 1000);
          yield page;
          if (page.length < 1000) return;
          after = page.at(-1)!.seq;
        }
      })());
    },
  };
}
