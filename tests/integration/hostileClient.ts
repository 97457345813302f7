/**
 * A client that builds its own rows, as an attacker (or a buggy app) would, and pushes them to the
 * real server over HTTP: no local store, no app-side checks between the bytes and the server.
 */
import { randomBytes } from 'node:crypto';
import * as Automerge from '@automerge/automerge';
import {
  actorPrefix, changeRowId, factIdOf, factRowId, factSubjectOf, subjectOf, toBase64Url,
  type ChangeRow, type FactBody, type FactKind, type FactRow, type PushResult, type RecordKind, type UnitId, type UserId,
} from '@seal/shared';
import type { Person, RunningSync } from './harness';

/** Pushes rows as `person` (session cookie, the server's own origin); the raw HTTP answer. */
export async function pushRaw(running: RunningSync, person: Person, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${running.url}/api/sync/push`, {
    method: 'POST',
    headers: { cookie: person.cookie, origin: running.server.config.origins[0]!, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, json: await response.json() };
}

/** Pushes rows as `person`; each row's answer, in order. Throws unless the server answered 200. */
export async function push(running: RunningSync, person: Person, rows: readonly unknown[]): Promise<PushResult[]> {
  const answer = await pushRaw(running, person, JSON.stringify({ rows }));
  if (answer.status !== 200) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return (answer.json as { results: PushResult[] }).results;
}

/** A fresh Automerge actor of `person` (their prefix + random bytes), as a new replica would have. */
export const actorOf = async (person: Person): Promise<string> => (await actorPrefix(person.userId)) + randomBytes(8).toString('hex');

/** The change row carrying one Automerge change of a record. */
export function changeRowOf(person: Person, kind: RecordKind, recordId: string, unitId: string, change: Uint8Array): ChangeRow {
  return {
    id: changeRowId(kind, recordId, Automerge.decodeChange(change).hash), type: 'change', kind, subject: subjectOf(kind, recordId),
    scopeUnitId: unitId as UnitId, author: person.userId as UserId, createdAt: 1_790_000_000_000, bytes: toBase64Url(change),
  };
}

/** A record's creation: a new document (a change that depends on nothing) holding `record`. */
export async function creation(person: Person, kind: RecordKind, record: Record<string, unknown>): Promise<{ doc: Automerge.Doc<Record<string, unknown>>; row: ChangeRow }> {
  const doc = Automerge.from(JSON.parse(JSON.stringify(record)) as Record<string, unknown>, { actor: await actorOf(person) });
  return { doc, row: changeRowOf(person, kind, record.id as string, record.unitId as string, Automerge.getLastLocalChange(doc)!) };
}

/** An edit of a held document by `person`, made on top of it. */
export async function edit(person: Person, kind: RecordKind, doc: Automerge.Doc<Record<string, unknown>>, unitId: string, change: (d: Record<string, unknown>) => void): Promise<{ doc: Automerge.Doc<Record<string, unknown>>; row: ChangeRow }> {
  const next = Automerge.change(Automerge.clone(doc, { actor: await actorOf(person) }), change);
  return { doc: next, row: changeRowOf(person, kind, doc.id as string, unitId, Automerge.getLastLocalChange(next)!) };
}

/**
 * A fact row around `body`. Its id is the one the kind defines over `addressed` (by default the
 * body itself): pass the body without its extra fields to address it the way a server that
 * dropped unknown fields would, so the only thing wrong with the row is what it carries extra.
 */
export async function factRowOf<K extends FactKind>(person: Person, kind: K, body: Record<string, unknown>, unitId: string, addressed: Record<string, unknown> = body): Promise<FactRow> {
  const factId = await factIdOf(kind, addressed as unknown as FactBody<K>);
  const contentAddressed = kind === 'decision' || kind === 'grant' || kind === 'attachment';
  const withId = contentAddressed ? { ...body, id: factId } : body;
  return {
    id: factRowId(kind, factId), type: 'fact', kind, subject: factSubjectOf(kind, withId as never),
    scopeUnitId: unitId as UnitId, author: person.userId as UserId, createdAt: 1_790_000_000_000, body: withId,
  };
}

/** The answer's status and code for each row (for one `toEqual` per case). */
export const outcomes = (results: readonly PushResult[]): string[] => results.map((r) => (r.status === 'refused' ? `refused:${r.code}` : r.status));
