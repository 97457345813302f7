import type { DeviceInfo, SealDeviceClient } from '@seal/device-bridge';
import { signedRevocationListResponseSchema, verifySignedRevocationList, type P256PublicJwk, type SignedRevocationList } from '@seal/shared';
import { apiRequest } from '../api/request';
import type { LocalStore } from '../store/localStore';

/**
 * The organisation's revocation list on this tablet (device-bridge PROTOCOL.md §5): fetched with
 * the directory whenever the tablet is online, kept in the local store, and carried to every seal
 * device the tablet connects to — so a suspension reaches a device through whichever tablet
 * comes by first, and a tablet that never heard of it still cannot unlock there.
 */
const HELD_KEY = 'revocations';

/** The list this tablet holds, if any (as kept: verified when it was fetched). */
export async function heldRevocations(store: LocalStore): Promise<SignedRevocationList | undefined> {
  const parsed = signedRevocationListResponseSchema.safeParse(await store.book.state(HELD_KEY));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Fetches the list in force, checks it against the org key and the held one (never an older
 * version), and keeps it. Returns what the tablet holds afterwards; a failed fetch leaves the held
 * list alone (and throws, for the caller's retry).
 */
export async function refreshRevocations(store: LocalStore, orgPublicJwk: P256PublicJwk): Promise<SignedRevocationList | undefined> {
  const fetched = await apiRequest('GET', '/api/revocations', signedRevocationListResponseSchema);
  const held = await heldRevocations(store);
  const verified = await verifySignedRevocationList(fetched, orgPublicJwk, held?.list);
  if (!verified.ok) return held;
  if (held === undefined || verified.value.list.version > held.list.version) await store.book.setState(HELD_KEY, verified.value);
  return verified.value;
}

/**
 * On connect: gives the device the list this tablet holds when it is newer than the device's
 * (the device checks the signature and the version again). Returns the version installed, or
 * `null` when the device already held as new a list (or this tablet holds none).
 */
export async function carryRevocations(client: SealDeviceClient, info: DeviceInfo, held: SignedRevocationList | undefined): Promise<number | null> {
  if (held === undefined || info.deviceId === null) return null;
  if (info.revocations !== undefined && info.revocations[0] >= held.list.version) return null;
  return (await client.installRevocations(held)).version;
}
