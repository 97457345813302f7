import { SealDeviceError, type DeviceStatus, type SealDeviceClient } from '@seal/device-bridge';
import type { DeviceEvent } from '@seal/shared';
import { holderAssertion } from '../holderAssertion';
import { pgmToDataUrl } from '../pgm';

/** One stamp seen during the session, with its photo when the device gave it. */
export interface StampShot {
  readonly seq: number;
  readonly at: number;
  readonly useIndex: number | null;
  readonly photo: string | null;
}

/** Log entries the holder must see: refusals and alarms. */
const NOTABLE: readonly DeviceEvent['type'][] = ['refusal', 'tamper', 'geofence_breach', 'low_battery', 'lock'];

export const isNotable = (entry: DeviceEvent): boolean => NOTABLE.includes(entry.type);

/**
 * Refusals that mean "not to this link": the device shows a photo only on a link where someone
 * with a right to it confirmed with a passkey (the holder's unlock, for their own stamps). The
 * entry is carried all the same; the photo waits on the device until such a reader asks.
 */
const PHOTO_WITHHELD: readonly string[] = ['read_unauthenticated', 'reader_not_entitled'];

const isWithheld = (error: unknown): boolean => error instanceof SealDeviceError && PHOTO_WITHHELD.includes(error.code);

/** One command at a time on the link: polling must not interleave with unlock or lock. */
export function createLinkQueue() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  };
}

export interface DeviceRead {
  readonly current: DeviceStatus;
  readonly entries: readonly DeviceEvent[];
  /** A photo the device says it lacks is `null`; one lost to the link is missing (read again later). */
  readonly photos: ReadonlyMap<number, Uint8Array | null>;
  /** Stamps whose photos the device withheld from this link. */
  readonly withheld: readonly DeviceEvent[];
}

/** Reads the device's status and its log from `from`, with the photo of each stamp `wantPhoto` names. */
export async function readDevice(client: SealDeviceClient, from: number, wantPhoto: (entry: DeviceEvent) => boolean): Promise<DeviceRead> {
  const current = await client.status();
  const entries = await client.readLogSince(from);
  const photos = new Map<number, Uint8Array | null>();
  const withheld: DeviceEvent[] = [];
  for (const entry of entries) {
    if (entry.type !== 'stamp' || !wantPhoto(entry)) continue;
    const photo = await client.photo(entry.seq).catch((error: unknown) => {
      if (isWithheld(error)) withheld.push(entry);
      return error instanceof SealDeviceError ? null : undefined;
    });
    if (photo !== undefined) photos.set(entry.seq, photo);
  }
  return { current, entries, photos, withheld };
}

/**
 * Opens reads of photos on this link with the person's passkey over the device's fresh nonce,
 * then reads the photos the device withheld. Photos still refused are left out.
 */
export async function readWithheldPhotos(client: SealDeviceClient, pending: readonly DeviceEvent[]): Promise<Map<number, Uint8Array>> {
  await client.nonce();
  await client.openReads(await holderAssertion(client.readRecord()));
  const got = new Map<number, Uint8Array>();
  for (const entry of pending) {
    const bytes = await client.photo(entry.seq).catch((error: unknown) => {
      if (isWithheld(error)) return null;
      throw error;
    });
    if (bytes !== null) got.set(entry.seq, bytes);
  }
  return got;
}

/** The stamps among `entries`, with the photos read. */
export function shotsOf(entries: readonly DeviceEvent[], photos: ReadonlyMap<number, Uint8Array | null>): StampShot[] {
  return entries.flatMap((entry): StampShot[] => {
    if (entry.type !== 'stamp') return [];
    const bytes = photos.get(entry.seq);
    return [{ seq: entry.seq, at: entry.at, useIndex: entry.payload.useIndex, photo: bytes ? pgmToDataUrl(bytes) : null }];
  });
}
