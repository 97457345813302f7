/** What the server holds, read straight from its store (for assertions only). */
import * as Automerge from '@automerge/automerge';
import { canonicalJson, compareText, projectSubject, type FactRow, type SyncRow } from '@seal/shared';
import type { TestServer } from '../../sync-server/src/testing/testServer';
import { mergeChangeRows } from '../../sync-server/src/sync/recordStates';
import type { RecordDoc } from '../../app/src/store/collections';
import { asRow, isRefusedRow } from '../../app/src/store/rowCodec';
import type { Replica } from './harness';

/** Every row the server's store holds under a unit (by scope), sorted by id. */
export async function serverRows(server: TestServer, scopeUnitId?: string): Promise<SyncRow[]> {
  const db = server.store.couch.use<SyncRow>(server.store.dbName('rows'));
  const page = await db.list({ include_docs: true });
  return page.rows
    .filter((r) => r.doc && !r.id.startsWith('_design/'))
    .map((r) => asRow(r.doc))
    .filter((row) => scopeUnitId === undefined || row.scopeUnitId === scopeUnitId)
    .sort((a, b) => compareText(a.id, b.id));
}

/** The projections the server's rows give, computed with the server's own merge. */
export function serverProjections(rows: readonly SyncRow[]): Record<string, unknown>[] {
  const subjects = [...new Set(rows.map((r) => r.subject))].filter((s) => !s.startsWith('alarm:')).sort(compareText);
  return subjects.flatMap((subject) => {
    const mine = rows.filter((r) => r.subject === subject);
    const state = mergeChangeRows(mine);
    const facts = mine.filter((r): r is FactRow => r.type === 'fact');
    const projection = projectSubject(subject, state.doc ? { json: state.json, heads: [...Automerge.getHeads(state.doc)].sort(compareText) } : null, facts);
    if (!projection || (state.doc === null && !facts.some((f) => ['seal_status_change', 'decision', 'cancellation', 'grant'].includes(f.kind)))) return [];
    const { subject: id, scopeUnitId, ...rest } = projection;
    return [{ ...rest, id, scopeUnitId: scopeUnitId ?? facts[0]?.scopeUnitId ?? '' }];
  });
}

/** A replica's rows, sorted by id. */
export async function replicaRows(replica: Replica): Promise<SyncRow[]> {
  return (await replica.store.db.rows.find().exec()).map((d) => asRow(d.toJSON())).sort((a, b) => compareText(a.id, b.id));
}

/** A replica's projections, without RxDB's fields, sorted by subject. */
export async function replicaProjections(replica: Replica): Promise<Record<string, unknown>[]> {
  await replica.store.whenProjected();
  return (await replica.store.db.records.find().exec())
    .map((d) => {
      const { id, kind, recordId, scopeUnitId, heads, record, valid, derived } = d.toJSON() as RecordDoc;
      return { id, kind, recordId, scopeUnitId, heads: [...heads], record, valid, derived };
    })
    .sort((a, b) => compareText(a.id, b.id));
}

/** Canonical text, for comparing lists of rows or projections whatever their key order. */
export const canon = (value: unknown): string => canonicalJson(JSON.parse(JSON.stringify(value)) as unknown);

/** What differs between two lists of rows (for failure messages). */
export function rowDiff(actual: readonly SyncRow[], expected: readonly SyncRow[]): string {
  const a = new Map(actual.map((r) => [r.id, canon(r)]));
  const e = new Map(expected.map((r) => [r.id, canon(r)]));
  const missing = [...e.keys()].filter((id) => !a.has(id));
  const extra = [...a.keys()].filter((id) => !e.has(id));
  const brief = (row: SyncRow | undefined) => (row ? `${row.author}@${row.createdAt}` : 'none');
  const byId = (rows: readonly SyncRow[], id: string) => rows.find((r) => r.id === id);
  const changed = [...e.keys()].filter((id) => a.has(id) && a.get(id) !== e.get(id)).map((id) => `${id}: here ${brief(byId(actual, id))}, server ${brief(byId(expected, id))}`);
  return JSON.stringify({ missing, extra, changed }, null, 1);
}

/** The rows a replica counts: every row it holds except those the server refused (kept apart, with the reason). */
export async function countedRows(replica: Replica): Promise<SyncRow[]> {
  const rows = await replicaRows(replica);
  const refusals = await replica.store.book.refusalsOf(rows.map((row) => row.id));
  return rows.filter((row) => !isRefusedRow(row, refusals.get(row.id)));
}

/**
 * What a replica shows, to compare with a fresh replica of the same person: the rows it counts
 * and the projections of their subjects (a subject whose only rows were refused shows nothing
 * that synced).
 */
export async function replicaView(replica: Replica): Promise<{ rows: SyncRow[]; projections: Record<string, unknown>[] }> {
  const rows = await countedRows(replica);
  const subjects = new Set(rows.map((row) => row.subject));
  const projections = (await replicaProjections(replica)).filter((p) => subjects.has(p.id as string));
  return { rows, projections };
}

/** A seal's moves as the server holds them, in order, as `from→to` (`new` for a first move). */
export async function sealMovesOf(server: TestServer, sealId: string): Promise<string[]> {
  return (await serverRows(server))
    .filter((row) => row.type === 'fact' && row.kind === 'seal_status_change' && row.subject === `seal:${sealId}`)
    .map((row) => (row as unknown as { body: { from: string | null; to: string; at: number } }).body)
    .sort((a, b) => a.at - b.at)
    .map((move) => `${move.from ?? 'new'}→${move.to}`);
}
