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

/**
 * The seal each device entry of a batch was made with: the device's binding (`seal_bound`) in
 * force at its seq — from the index and from the batch itself — or else the seal of the grant the
 * entry names. Resolved when the entry is indexed: a binding or grant that arrives after the
 * entries it covers does not reach back (ADR 006).
 */
async function sealsOf(rows: readonly SyncRow[], hq: HqStore, rowsRepo: RowsRepo, bindings: Map<string, Bindings>): Promise<Map<string, string>> {
  const entries = rows.flatMap((row) => { const e = entryOf(row); return e ? [{ row, e }] : []; });
  const unknown = [...new Set(entries.map(({ e }) => e.deviceId))].filter((deviceId) => !bindings.has(deviceId));
  const stored = await hq.getMany<BindingsDoc>(unknown.map(bindingsDocId));
  for (const deviceId of unknown) {
    const doc = stored.get(bindingsDocId(deviceId));
    bindings.set(deviceId, Object.entries(doc?.bindings ?? {}).map(([seq, sealId]): [number, string] => [Number(seq), sealId]).sort((a, b) => a[0] - b[0]));
  }
  for (const { e } of entries) {
    if (e.type !== 'seal_bound') continue;
    const list = bindings.get(e.deviceId)!;
    if (list.some(([seq]) => seq === e.seq)) continue;
    list.push([e.seq, e.payload.sealId]);
    list.sort((a, b) => a[0] - b[0]);
  }
  const seals = new Map<string, string>();
  const byGrant: { rowId: string; grantId: string }[] = [];
  for (const { row, e } of entries) {
    const seal = boundAt(bindings.get(e.deviceId), e.seq);
    if (seal) seals.set(row.id, seal);
    else if ('grantId' in e.payload && typeof e.payload.grantId === 'string') byGrant.push({ rowId: row.id, grantId: e.payload.grantId });
  }
  if (byGrant.length > 0) {
    const grants = await rowsRepo.getMany(byGrant.map(({ grantId }) => factRowId('grant', grantId)));
    for (const { rowId, grantId } of byGrant) {
      const grant = grants.get(factRowId('grant', grantId)) as FactRow | undefined;
      if (grant) seals.set(rowId, (grant.body as FactBody<'grant'>).sealId);
    }
  }
  return seals;
}

/** Devices' seal bindings, as far as one indexing run has read them. */
export type BindingCache = Map<string, Bindings>;

/** The event ids' tie-break in the newest-first order (hex: it compares alike everywhere). */
export const tieOf = (eventId: string): string => createHash('sha256').update(eventId).digest('hex').slice(0, 24);

/** The events a batch of rows stands for (see `timelineEventsOf`). */
export async function deriveEvents(rows: readonly SyncRow[], hq: HqStore, rowsRepo: RowsRepo, bindings: BindingCache = new Map()): Promise<EventDoc[]> {
  return eventsOfRows(rows, await sealsOf(rows, hq, rowsRepo, bindings));
}

/**
 * The events of rows whose device entries' seals are known (`seals`, by row id): how a page
 * shows the events its postings name, with the seal the index resolved when it indexed them.
 */
export function eventsOfRows(rows: readonly SyncRow[], seals: ReadonlyMap<string, string>): EventDoc[] {
  return rows.flatMap((row) => {
    const sealId = seals.get(row.id);
    const context = row.type === 'change' ? { change: changeFactsOf(row) } : sealId ? { sealId } : {};
    return timelineEventsOf(row, context).map((event): EventDoc => {
      const entry = entryOf(row);
      const n = entry?.type === 'low_battery' ? entry.payload.percent : undefined;
      return { ...event, type: 'event', h: tieOf(event.id), ...(n === undefined ? {} : { n }) };
    });
  });
}
