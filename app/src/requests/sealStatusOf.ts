import { factRowId, sealStatusAt, sealStatusTimeline, type Millis, type SealStatus, type SealStatusChange } from '@seal/shared';

/** The row id a lifecycle change travels under (what the outbox and refusals name). */
export const statusChangeRowId = (change: SealStatusChange): string => factRowId('seal_status_change', change.id);

/**
 * A seal's status at `now`, replayed from its lifecycle changes (`sealStatusTimeline`, the same
 * rule as the store's projection). Changes the server refused are left out: a refused change
 * takes no effect, on the server or here. `null` ("not known") when no counted change is held, or
 * before the seal was created.
 */
export function sealStatusOf(changes: readonly SealStatusChange[], refusedRowIds: ReadonlySet<string>, now: Millis): SealStatus | null {
  const counted = refusedRowIds.size === 0 ? changes : changes.filter((change) => !refusedRowIds.has(statusChangeRowId(change)));
  if (counted.length === 0) return null;
  return sealStatusAt(sealStatusTimeline(counted), now);
}
