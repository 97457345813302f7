import { parseSubject, type RecordKind, type SyncRow } from '@seal/shared';
import type { PushContext } from './pushContext';

/** A record id as subjects carry them (`subjectSchema`): anything else is left to validation to refuse, and never looked up ahead. */
const RECORD_ID = /^[A-Za-z0-9._-]{1,128}$/;
const text = (value: unknown): string | undefined => (typeof value === 'string' && RECORD_ID.test(value) ? value : undefined);
const field = (body: unknown, ...path: string[]): string | undefined => {
  let value: unknown = body;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return text(value);
};

/** The request a fact of these kinds is about (`decision` names it inside its signed payload). */
function requestIdOf(row: SyncRow): string | undefined {
  if (row.type !== 'fact') return undefined;
  switch (row.kind) {
    case 'decision': return field(row.body, 'payload', 'requestId');
    case 'cancellation': case 'grant': case 'electronic_grant': case 'impression': return field(row.body, 'requestId');
    default: return undefined;
  }
}

/** Kinds whose judgement reads the roster (passkeys, grants' evidence). */
const NEEDS_ROSTER: ReadonlySet<string> = new Set(['decision', 'grant', 'electronic_grant', 'impression']);

/** A lookup started ahead: its failure is left for the row that awaits it (the same error, at the same row, as without prefetching). */
const quietly = (promise: Promise<unknown> | undefined): void => void promise?.catch(() => undefined);

/**
 * Starts, all at once, every store lookup the rows of one push will need — the records they
 * reference or change (requests, seals, devices, and the records of Automerge changes), the
 * seals' lifecycles, the seals of the requests named, the roster and the approval routes —
 * instead of one round trip per row as the rows are judged in turn. The lookups go into the
 * push's caches (`RecordStates`, the lazily built roster and routes), so judging reads exactly
 * what it read before: the store as it was before this push, plus what earlier rows of the batch
 * accepted (those override the cache as they are accepted). Nothing here judges a row; a lookup
 * that fails is not raised here but where a row awaits it, as without prefetching, so a batch's
 * verdicts — and its failures — are the same as judging its rows one by one.
 *
 * Only pushed values that are well-formed ids are looked up (`_all_docs` key ranges under a
 * prefix the server builds: nothing a client sends reaches a query).
 */
export async function prefetchBatch(rows: readonly (SyncRow | undefined)[], ctx: PushContext): Promise<void> {
  const records = new Map<string, { kind: RecordKind; id: string }>();
  const seals = new Set<string>();
  const requests = new Set<string>();
  let roster = false;
  let routes = false;
  for (const row of rows) {
    if (!row || row.author !== ctx.user.id) continue;
    if (row.type === 'change') {
      const subject = parseSubject(row.subject);
      if (subject && text(subject.recordId)) records.set(`${subject.kind}:${subject.recordId}`, { kind: subject.kind, id: subject.recordId });
      continue;
    }
    const requestId = requestIdOf(row);
    if (requestId) requests.add(requestId);
    if (NEEDS_ROSTER.has(row.kind)) roster = true;
    if (row.kind === 'seal_status_change') {
      const sealId = field(row.body, 'sealId');
      if (sealId) seals.add(sealId);
      routes = true;
    }
    if (row.kind === 'device_event') {
      const deviceId = field(row.body, 'deviceId');
      if (deviceId) records.set(`device:${deviceId}`, { kind: 'device', id: deviceId });
    }
  }
  for (const id of requests) records.set(`request:${id}`, { kind: 'request', id });
  for (const id of seals) records.set(`seal:${id}`, { kind: 'seal', id });
  if (roster) quietly(ctx.roster());
  if (routes) quietly(ctx.routes?.());
  for (const sealId of seals) quietly(ctx.records.lifecycleOf(sealId));
  const loads = [...records.values()].map(({ kind, id }) => ctx.records.get(kind, id));
  loads.forEach(quietly);
  // The seals the requests are about (grants and impressions are judged against them): a second
  // wave, once the requests are known — still one wave for the whole batch.
  const requestStates = await Promise.all([...requests].map((id) => ctx.records.get('request', id).catch(() => undefined)));
  const sealsOfRequests = new Set(requestStates.map((state) => text(state?.json?.sealId)).filter((id): id is string => id !== undefined && !seals.has(id)));
  for (const sealId of sealsOfRequests) {
    quietly(ctx.records.get('seal', sealId));
    quietly(ctx.records.lifecycleOf(sealId));
  }
  await Promise.all(loads.map((load) => load.catch(() => undefined)));
}
