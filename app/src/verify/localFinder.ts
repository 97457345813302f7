import type { DeviceEvent, OrgUnit, User } from '@seal/shared';
import type { RequestEntry } from '../requests/requestBook';
import { physicalFinding, type StampFinding } from './finding';
import type { StampLookups } from './lookup';

/** What this device holds that a verification can be answered from (read when asked: the latest). */
export interface HeldForVerify {
  readonly entries: () => readonly RequestEntry[];
  readonly users: () => readonly User[];
  readonly units: () => readonly OrgUnit[];
  /** The device log's stamp entries held here (for their photos' fingerprints). */
  readonly stamps: () => readonly DeviceEvent[];
  /** When this device last synced with the server (null: never). */
  readonly lastSyncAt: () => number | null;
}

/**
 * Lookups answered from this device's replica (a tablet that is offline): a process sheet's
 * code finds its request and the paper stamps the device logs recorded under it. Electronic
 * impressions are looked up once their facts are held here (see `impressionFinding`).
 */
export function localLookups(held: HeldForVerify): NonNullable<StampLookups['local']> {
  const source = () => ({ from: 'device' as const, at: held.lastSyncAt() });
  return {
    byInput(input) {
      if (input.kind !== 'sheet') return Promise.resolve(undefined);
      const entry = held.entries().find((e) => e.id === input.requestId);
      if (entry === undefined) return Promise.resolve(undefined);
      const finding: StampFinding = physicalFinding(entry, held.users(), held.units(), input.code, source());
      const photos = new Map<string, string | null>(held.stamps().flatMap((e) => (e.type === 'stamp' ? [[`${e.deviceId}:${e.seq}`, e.payload.photoSha256]] : [])));
      return Promise.resolve({ ...finding, deviceEntries: finding.deviceEntries.map((d) => ({ ...d, photoSha256: photos.get(`${d.deviceId}:${d.seq}`) ?? null })) });
    },
    byPdfHash() {
      return Promise.resolve(undefined);
    },
  };
}
