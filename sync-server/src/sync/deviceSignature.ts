import { canonicalBytes, deviceEventSigningBody, fromBase64Url, importP256PublicKey, type DeviceEvent } from '@seal/shared';

/** Device keys imported once per push (importing a JWK costs twice what verifying with it does). */
export type DeviceKeyCache = Map<string, Promise<CryptoKey | undefined>>;

/** The 64 raw signature bytes of a device entry, or `undefined` when it is not base64url of 64 bytes. */
function decodeSignature(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const bytes = fromBase64Url(text);
    return bytes.length === 64 ? new Uint8Array(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a device log entry's signature — raw P-256 `r ‖ s` over the canonical entry without
 * its signature, exactly what `verifyRecordSignature` checks — with the device's key, imported once
 * per batch however many of its entries the batch carries.
 */
export async function verifyDeviceSignature(cache: DeviceKeyCache, deviceId: string, publicKeyJwk: unknown, event: DeviceEvent): Promise<boolean> {
  let key = cache.get(deviceId);
  if (!key) {
    key = importP256PublicKey(publicKeyJwk).then((imported) => (imported.ok ? imported.value : undefined));
    cache.set(deviceId, key);
  }
  const verifier = await key;
  const signature = decodeSignature(event.signature);
  if (!verifier || !signature) return false;
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifier, signature, new Uint8Array(canonicalBytes(deviceEventSigningBody(event))));
}
