/**
 * How the catch-up bench's tablet records its week offline (`catchUpTablet.ts` in Node,
 * `browser/tablet.ts` in Chromium): the device's log read once a day (an assumption: the app reads
 * it whenever the tablet connects), each read keeping that day's photos first and its entries
 * after, in that order as `captureDeviceLog` does (a read cut short then records no entry, and the
 * next read asks for every photo again). Unlike the app, the entries go in writes of 250 (the app
 * writes a read's in one), and the photos are request documents (JPEG) rather than the stamps'
 * own (`about` the device, grey-map): the same bytes and rows up, judged alike by the server but
 * for the first bytes it checks of a request's document. Spread over the days as the entries are.
 */
/** Days in the week offline: one read of the device's log each. */
export const WEEK_DAYS = 7;
import type { DeviceEvent } from '../shared/src';

/** What one day's read of the device log records: photos `[from, to)` of the week's, then these entries. */
export interface DayRead {
  readonly photos: { readonly from: number; readonly to: number };
  readonly entries: readonly DeviceEvent[];
}

/** The week's `log` and `photos` photos as `days` daily reads, in the order recorded. */
export function dailyReads(log: readonly DeviceEvent[], photos: number, days = WEEK_DAYS): DayRead[] {
  const at = (count: number, day: number) => Math.round((count * day) / days);
  return Array.from({ length: days }, (_, day) => ({
    photos: { from: at(photos, day), to: at(photos, day + 1) },
    entries: log.slice(at(log.length, day), at(log.length, day + 1)),
  }));
}

/** Records the week through `record`: each day's photos (by their index in the week), then its entries, 250 to a write. */
export async function recordWeek(reads: readonly DayRead[], record: { photo(index: number): Promise<void>; entries(entries: readonly DeviceEvent[]): Promise<void> }): Promise<void> {
  for (const read of reads) {
    for (let i = read.photos.from; i < read.photos.to; i++) await record.photo(i);
    for (let i = 0; i < read.entries.length; i += 250) await record.entries(read.entries.slice(i, i + 250));
  }
}
