import { liveQuery } from 'dexie';
import { from, type Accessor } from 'solid-js';
import type { PendingCountersign, SigningDb } from './signingDb';
import { signingDb } from './signingDb';

/** Where an impression's PDF stands with the organisation's countersignature, as this tablet knows it. */
export type CountersignState =
  | { readonly state: 'waiting'; readonly since: number; readonly lastError?: string }
  | { readonly state: 'countersigned'; readonly at: string; readonly pdf: Uint8Array }
  | { readonly state: 'refused'; readonly code: string; readonly message: string }
  | { readonly state: 'unknown' };

export const countersignStateOf = (pending: PendingCountersign | undefined): CountersignState => {
  if (pending === undefined) return { state: 'unknown' };
  if (pending.countersigned !== undefined) return { state: 'countersigned', at: pending.countersigned.at, pdf: pending.countersigned.pdf };
  if (pending.refused !== undefined) return { state: 'refused', ...pending.refused };
  return { state: 'waiting', since: pending.queuedAt, ...(pending.lastError === undefined ? {} : { lastError: pending.lastError }) };
};

/** Follows one impression's entry in the countersignature queue (IndexedDB, live). */
export function createCountersignState(impressionId: string, db: SigningDb = signingDb()): Accessor<CountersignState> {
  const entry = from(liveQuery(() => db.countersign.get(impressionId)));
  return () => countersignStateOf(entry());
}
