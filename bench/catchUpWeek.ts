/**
 * How the catch-up bench's tablet records its week offline (`catchUpTablet.ts` in Node,
 * `browser/tablet.ts` in Chromium): as the app records a device's log, one read of it a day, each
 * read keeping that day's photos first and its entries after (`captureDeviceLog`: a read cut
 * short then records no entry, and the next read asks for every photo again). The photos stand
 * for the stamps' photos: spread over the days as the entries are.
 */
import type { DeviceEvent } from '../shared/src';

/** What one day's read of the device log records: photos `[from, to)` of the week's, then these entries. */
export interface DayRead {
  readonly photos: { readonly from: number; readonly to: number };
  readonly entries: readonly DeviceEvent[];
}

/** The week's `log` and `photos` photos as `days` daily reads, in the order recorded. */
export function dailyReads(log: readonly DeviceEvent[], photos: number, days = 7): DayRead[] {
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
