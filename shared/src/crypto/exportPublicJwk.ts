import { p256PublicJwkSchema, type P256PublicJwk } from './p256PublicJwk';

/**
 * Exports a P-256 public CryptoKey to the stored JWK form `{kty, crv, x, y}`, dropping WebCrypto's
 * `key_ops` and `ext`. Throws if the key is not a P-256 public key (a bug, not an input error).
 */
export async function exportPublicJwk(publicKey: CryptoKey): Promise<P256PublicJwk> {
  if (publicKey.type !== 'public') throw new TypeError(`expected a public key, got a ${publicKey.type} key`);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  return p256PublicJwkSchema.parse({ kty, crv, x, y });
}
