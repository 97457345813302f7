import type { DeviceInfo, SealDeviceClient } from '@seal/device-bridge';
import { p256PublicJwkSchema, signedRevocationListResponseSchema, verifySignedRevocationList, type P256PublicJwk, type SignedRevocationList } from '@seal/shared';
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

/** How long a connect waits for the list in force before carrying the held one. */
const FRESH_LIST_WAIT_MS = 3_000;

/**
 * The list to carry to a device now: with a network, the one in force, fetched at connect (a
 * suspension made minutes ago goes with this visit, not the next), waiting at most
 * `waitMs`; without one, or when the server is slow or refuses, the one this tablet holds.
 */
export async function revocationsToCarry(store: LocalStore, waitMs = FRESH_LIST_WAIT_MS): Promise<SignedRevocationList | undefined> {
  const held = heldRevocations(store);
  if (!navigator.onLine) return held;
  const directory = (await store.book.state('directory')) as { orgPublicJwk?: unknown } | undefined;
  const orgKey = p256PublicJwkSchema.safeParse(directory?.orgPublicJwk);
  if (!orgKey.success) return held;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), waitMs); });
  const fresh = await Promise.race([refreshRevocations(store, orgKey.data).catch(() => undefined), late]);
  clearTimeout(timer);
  return fresh ?? held;
}
