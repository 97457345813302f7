import { createHash } from 'node:crypto';
import { factRowId, timelineEventsOf, type FactBody, type FactRow, type SyncRow } from '@seal/shared';
import type { RowsRepo } from '../sync/rowsRepo';
import { storedBetween } from '../sync/storedRows';
import { changeFactsOf } from './changeFacts';
import { bindingsDocId, type BindingsDoc, type EventDoc, type HqStore } from './hqStore';

type DeviceEntry = FactBody<'device_event'>;

/** A device's seal bindings, `[seq, sealId]` ascending by seq. */
type Bindings = [number, string][];

const entryOf = (row: SyncRow): DeviceEntry | undefined =>
  row.type === 'fact' && row.kind === 'device_event' ? (row.body as DeviceEntry) : undefined;

/** A device entry's seal as indexed: the seal, and the seq of the binding it came from (absent: from the grant). */
export interface ResolvedSeal { readonly sealId: string; readonly boundSeq?: number }

/**
 * Devices' seal bindings as far as one indexing run knows them, and the greatest seq of each
 * device's entries indexed (by earlier runs, as the index records it, and by this one).
 */
export class BindingCache {
  readonly bindings = new Map<string, Bindings>();
  readonly indexedTo = new Map<string, number>();
}

/** The binding in force at `seq` (`[seq, sealId]`): the one with the greatest seq not above it. */
function bindingAt(list: Bindings | undefined, seq: number): [number, string] | undefined {
  let found: [number, string] | undefined;
  for (const binding of list ?? []) {
    if (binding[0] > seq) break;
    found = binding;
  }
  return found;
}

function addBinding(list: Bindings, seq: number, sealId: string): void {
  if (list.some(([at]) => at === seq)) return;
  list.push([seq, sealId]);
  list.sort((a, b) => a[0] - b[0]);
}

/** Ids read per request when a binding reaches back. */
const REACH_BACK_PAGE = 500;
/** How many seqs one batch reads back by id (one id per seq), all bindings together; wider spans are read through the view. */
const REACH_BACK_BY_ID = 20_000;

/**
 * The seal each device entry of a batch was made with: the device's binding (`seal_bound`) in
 * force at its seq, else the seal of the grant the entry names — and the entries indexed before a
 * binding of the batch that it covers, derived again with it. A store may write the rows of one
 * push in any order (the embedded store's validation finishes them out of order; a cluster has no
 * order within a bulk), so an entry can come before its device's `seal_bound` in the change feed:
 * indexed first without the binding, it is derived again when the binding is indexed — only
 * entries up to the greatest seq indexed for the device (`indexedTo`), read by id, so indexing in
 * feed order (bindings first) reads nothing more. Postings merge by the latest binding known
 * (ADR 006): whatever the pages and instances, the index ends as one pass over every row would leave it.
 */
async function sealsOf(rows: readonly SyncRow[], hq: HqStore, rowsRepo: RowsRepo, cache: BindingCache): Promise<{ seals: Map<string, ResolvedSeal>; covered: SyncRow[] }> {
  const entries = rows.flatMap((row) => { const e = entryOf(row); return e ? [{ row, e }] : []; });
  const unknown = [...new Set(entries.map(({ e }) => e.deviceId))].filter((deviceId) => !cache.bindings.has(deviceId));
  const stored = await hq.getMany<BindingsDoc>(unknown.map(bindingsDocId));
  for (const deviceId of unknown) {
    const doc = stored.get(bindingsDocId(deviceId));
    cache.bindings.set(deviceId, Object.entries(doc?.bindings ?? {}).map(([seq, sealId]): [number, string] => [Number(seq), sealId]).sort((a, b) => a[0] - b[0]));
    cache.indexedTo.set(deviceId, doc?.indexedTo ?? -1);
  }
  const batchBindings = entries.flatMap(({ e }) => (e.type === 'seal_bound' ? [e] : []));
  for (const e of batchBindings) addBinding(cache.bindings.get(e.deviceId)!, e.seq, e.payload.sealId);
  // Entries indexed before this batch that a binding of it covers: seq above it, up to the
  // device's next binding and to the greatest seq indexed so far.
  const inBatch = new Set(rows.map((row) => row.id));
  const reachBack: string[] = [];
  const covered: SyncRow[] = [];
  // One budget of ids per batch, not per binding: a thousand bindings 20,000 seqs apart must not
  // make twenty million reads by id.
  let byIdLeft = REACH_BACK_BY_ID;
  for (const e of batchBindings) {
    const next = cache.bindings.get(e.deviceId)!.find(([at]) => at > e.seq)?.[0] ?? Number.POSITIVE_INFINITY;
    const last = Math.min(cache.indexedTo.get(e.deviceId)!, next - 1);
    if (last - e.seq > byIdLeft) {
      // A span wider than any honest log (a device's seqs are pushed, and one entry can claim
      // 10^14): read what is stored in it through the device_log view, never one id per seq.
      covered.push(...(await storedBetween(rowsRepo, e.deviceId, e.seq + 1, last)).filter((row) => !inBatch.has(row.id)));
      continue;
    }
    byIdLeft -= Math.max(0, last - e.seq);
    for (let seq = e.seq + 1; seq <= last; seq++) {
      const id = factRowId('device_event', `${e.deviceId}:${seq}`);
      if (!inBatch.has(id)) reachBack.push(id);
    }
  }
  for (let i = 0; i < reachBack.length; i += REACH_BACK_PAGE) {
    const found = await rowsRepo.getMany(reachBack.slice(i, i + REACH_BACK_PAGE));
    covered.push(...found.values());
  }
  for (const { e } of entries) cache.indexedTo.set(e.deviceId, Math.max(cache.indexedTo.get(e.deviceId)!, e.seq));
  const seals = new Map<string, ResolvedSeal>();
  const byGrant: { rowId: string; grantId: string }[] = [];
  for (const row of [...rows, ...covered]) {
    const e = entryOf(row);
    if (!e) continue;
    const binding = bindingAt(cache.bindings.get(e.deviceId), e.seq);
    if (binding) seals.set(row.id, { sealId: binding[1], boundSeq: binding[0] });
    else if ('grantId' in e.payload && typeof e.payload.grantId === 'string') byGrant.push({ rowId: row.id, grantId: e.payload.grantId });
  }
  if (byGrant.length > 0) {
    const grants = await rowsRepo.getMany(byGrant.map(({ grantId }) => factRowId('grant', grantId)));
    for (const { rowId, grantId } of byGrant) {
      const grant = grants.get(factRowId('grant', grantId)) as FactRow | undefined;
      if (grant) seals.set(rowId, { sealId: (grant.body as FactBody<'grant'>).sealId });
    }
  }
  return { seals, covered };
}

/** The event ids' tie-break in the newest-first order (hex: it compares alike everywhere). */
export const tieOf = (eventId: string): string => createHash('sha256').update(eventId).digest('hex').slice(0, 24);

/**
 * The events a batch of rows stands for (see `timelineEventsOf`), and those of stored device
 * entries a binding in the batch covers (derived again with it).
 */
export async function deriveEvents(rows: readonly SyncRow[], hq: HqStore, rowsRepo: RowsRepo, cache: BindingCache = new BindingCache()): Promise<EventDoc[]> {
  const { seals, covered } = await sealsOf(rows, hq, rowsRepo, cache);
  return eventsOfRows([...rows, ...covered], seals);
}

/**
 * The events of rows whose device entries' seals are known (`seals`, by row id): how a page
 * shows the events its postings name, with the seal the index resolved when it indexed them.
 */
export function eventsOfRows(rows: readonly SyncRow[], seals: ReadonlyMap<string, ResolvedSeal>): EventDoc[] {
  return rows.flatMap((row) => {
    const resolved = seals.get(row.id);
    const context = row.type === 'change' ? { change: changeFactsOf(row) } : resolved ? { sealId: resolved.sealId } : {};
    const b = row.type === 'change' ? undefined : resolved?.boundSeq;
    return timelineEventsOf(row, context).map((event): EventDoc => {
      const entry = entryOf(row);
      const n = entry?.type === 'low_battery' ? entry.payload.percent : undefined;
      return { ...event, type: 'event', h: tieOf(event.id), ...(n === undefined ? {} : { n }), ...(b === undefined ? {} : { b }) };
    });
  });
}
