import { createHash } from 'node:crypto';
import { factRowId, timelineEventsOf, type FactBody, type FactRow, type SyncRow } from '@seal/shared';
import type { RowsRepo } from '../sync/rowsRepo';
import { changeFactsOf } from './changeFacts';
import { bindingsDocId, type BindingsDoc, type EventDoc, type HqStore } from './hqStore';

type DeviceEntry = FactBody<'device_event'>;

/** A device's seal bindings, `[seq, sealId]` ascending by seq. */
type Bindings = [number, string][];

const entryOf = (row: SyncRow): DeviceEntry | undefined =>
  row.type === 'fact' && row.kind === 'device_event' ? (row.body as DeviceEntry) : undefined;

/** The seal bound at `seq`: the binding with the greatest seq not above it. */
function boundAt(bindings: Bindings | undefined, seq: number): string | undefined {
  let seal: string | undefined;
  for (const [at, sealId] of bindings ?? []) {
    if (at > seq) break;
    seal = sealId;
  }
  return seal;
}

/** A device entry's seal as indexed: the seal, and the seq of the binding it came from (absent: from the grant). */
export interface ResolvedSeal { readonly sealId: string; readonly boundSeq?: number }

/**
 * Devices' seal bindings as far as one indexing run knows them, and the devices whose stored log
 * it has read (once per run).
 */
export class BindingCache {
  readonly bindings = new Map<string, Bindings>();
  readonly read = new Set<string>();
}

function addBinding(list: Bindings, seq: number, sealId: string): void {
  if (list.some(([at]) => at === seq)) return;
  list.push([seq, sealId]);
  list.sort((a, b) => a[0] - b[0]);
}

/**
 * The seal each device entry of a batch was made with: the device's binding (\`seal_bound\`) in
 * force at its seq, else the seal of the grant the entry names — and the stored entries a binding
 * of the batch covers, derived again with it. Bindings come from the index, the batch and, when
 * an entry's binding is not known yet, the device's stored log: a store may write the rows of one
 * push in any order (the embedded store's validation finishes them out of order; a cluster has no
 * order within a bulk), so an entry can come before its device's \`seal_bound\` in the change feed.
 * A binding stored after the entries it covers reaches back to them when it is indexed; postings
 * merge by the latest binding known (ADR 006). Whatever the pages and instances, the index ends
 * as one pass over every row would leave it.
 */
async function sealsOf(rows: readonly SyncRow[], hq: HqStore, rowsRepo: RowsRepo, cache: BindingCache): Promise<{ seals: Map<string, ResolvedSeal>; covered: SyncRow[] }> {
  const entries = rows.flatMap((row) => { const e = entryOf(row); return e ? [{ row, e }] : []; });
  const unknown = [...new Set(entries.map(({ e }) => e.deviceId))].filter((deviceId) => !cache.bindings.has(deviceId));
  const stored = await hq.getMany<BindingsDoc>(unknown.map(bindingsDocId));
  for (const deviceId of unknown) {
    const doc = stored.get(bindingsDocId(deviceId));
    cache.bindings.set(deviceId, Object.entries(doc?.bindings ?? {}).map(([seq, sealId]): [number, string] => [Number(seq), sealId]).sort((a, b) => a[0] - b[0]));
  }
  const batchBindings = entries.filter(({ e }) => e.type === 'seal_bound');
  for (const { e } of batchBindings) if (e.type === 'seal_bound') addBinding(cache.bindings.get(e.deviceId)!, e.seq, e.payload.sealId);
  // The stored logs of devices with an entry whose binding is not known, or with a binding in the batch (for the entries it covers).
  const toRead = new Set([
    ...entries.filter(({ e }) => boundAt(cache.bindings.get(e.deviceId), e.seq) === undefined).map(({ e }) => e.deviceId),
    ...batchBindings.map(({ e }) => e.deviceId),
  ]);
  const logs = new Map<string, FactRow[]>();
  await Promise.all([...toRead].filter((deviceId) => !cache.read.has(deviceId) || batchBindings.some(({ e }) => e.deviceId === deviceId)).map(async (deviceId) => {
    const log = await rowsRepo.deviceEntries(deviceId);
    cache.read.add(deviceId);
    logs.set(deviceId, log);
    for (const row of log) {
      const e = row.body as DeviceEntry;
      if (e.type === 'seal_bound') addBinding(cache.bindings.get(deviceId)!, e.seq, e.payload.sealId);
    }
  }));
  // Stored entries a binding of the batch covers (seq above it, up to the device's next binding).
  const inBatch = new Set(rows.map((row) => row.id));
  const covered: SyncRow[] = [];
  for (const { e } of batchBindings) {
    const list = cache.bindings.get(e.deviceId)!;
    for (const row of logs.get(e.deviceId) ?? []) {
      const entry = row.body as DeviceEntry;
      if (entry.seq <= e.seq || inBatch.has(row.id)) continue;
      const binding = [...list].reverse().find(([at]) => at <= entry.seq);
      if (binding?.[0] !== e.seq) continue;
      inBatch.add(row.id);
      covered.push(row);
    }
  }
  const seals = new Map<string, ResolvedSeal>();
  const byGrant: { rowId: string; grantId: string }[] = [];
  for (const row of [...rows, ...covered]) {
    const e = entryOf(row);
    if (!e) continue;
    const list = cache.bindings.get(e.deviceId);
    const seal = boundAt(list, e.seq);
    if (seal) seals.set(row.id, { sealId: seal, boundSeq: [...list!].reverse().find(([at]) => at <= e.seq)![0] });
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
