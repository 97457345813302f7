import { exportPublicJwk } from '@seal/shared';
import type { DeviceKey, KeyPort } from './ports';

/** A device key from a WebCrypto key pair (the private key may be non-extractable). */
export async function deviceKeyFrom(privateKey: CryptoKey, publicKey: CryptoKey): Promise<DeviceKey> {
  const publicJwk = await exportPublicJwk(publicKey);
  return {
    publicJwk,
    sign: async (data) => new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data as Uint8Array<ArrayBuffer>)),
  };
}

/**
 * A secure element in memory: a non-extractable WebCrypto P-256 key, generated on first start
 * and lost with the object (a "device" that is power-cycled keeps it by keeping this object).
 */
export class MemoryKeys implements KeyPort {
  private key: DeviceKey | null = null;

  load(): Promise<DeviceKey | null> {
    return Promise.resolve(this.key);
  }

  async generate(): Promise<DeviceKey> {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    this.key = await deviceKeyFrom(pair.privateKey, pair.publicKey);
    return this.key;
  }
}
