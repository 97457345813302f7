import type { Countersignature, DeviceEvent, Impression, OrgUnit, Roster, User } from '@seal/shared';
import type { RequestEntry } from '../requests/requestBook';
import { impressionRecord, physicalRecord, verifiedDecisionIds, type Known, type StampFinding } from './finding';
import type { StampLookups } from './lookup';

/** What this device holds that a verification can be answered from (read when asked: the latest). */
export interface HeldForVerify {
  readonly entries: () => readonly RequestEntry[];
  readonly users: () => readonly User[];
  readonly units: () => readonly OrgUnit[];
  /** The signed roster this device holds (approvals are verified against it). */
  readonly roster: () => Roster | undefined;
  /** The device log's stamp entries held here (for their photos' fingerprints). */
  readonly stamps: () => readonly DeviceEvent[];
  readonly impressions: () => Promise<readonly Impression[]>;
  readonly countersignatures: () => Promise<readonly Countersignature[]>;
  /** When this device last synced with the server (null: never). */
  readonly lastSyncAt: () => number | null;
}

/**
 * Lookups answered from this device's replica (a tablet that is offline): a process sheet's code
 * finds its request and the paper stamps the device logs recorded under it; an impression's code,
 * or the SHA-256 of its signed or countersigned PDF, finds the impression and its request.
 */
export function localLookups(held: HeldForVerify): NonNullable<StampLookups['local']> {
  const found = (record: StampFinding['record'] | undefined): StampFinding | undefined => (record === undefined ? undefined : { record, source: { from: 'device', at: held.lastSyncAt() } });
  const entryOf = (requestId: string) => held.entries().find((e) => e.id === requestId);
  const known = async (entry: RequestEntry): Promise<Known> => ({ users: held.users(), units: held.units(), signed: await verifiedDecisionIds(entry.decisions, held.roster()) });

  const electronic = async (match: (i: Impression, c: Countersignature | undefined) => boolean): Promise<StampFinding | undefined> => {
    const countersignatures = new Map((await held.countersignatures()).map((c) => [c.impressionId as string, c]));
    const impression = (await held.impressions()).find((i) => match(i, countersignatures.get(i.id)));
    if (impression === undefined) return undefined;
    const entry = entryOf(impression.requestId);
    return entry === undefined ? undefined : found(impressionRecord(impression, countersignatures.get(impression.id), entry, await known(entry)));
  };

  return {
    async byInput(input) {
      if (input.kind === 'impression') return electronic((i) => i.verificationCode === input.code);
      const entry = entryOf(input.requestId);
      if (entry === undefined) return undefined;
      const photos = new Map<string, string | null>(held.stamps().flatMap((e) => (e.type === 'stamp' ? [[`${e.deviceId}:${e.seq}`, e.payload.photoSha256]] : [])));
      return found(physicalRecord(entry, await known(entry), photos));
    },
    byPdfHash(sha256) {
      return electronic((i, c) => i.signedSha256 === sha256 || c?.countersignedSha256 === sha256);
    },
  };
}
