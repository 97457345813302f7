import { exportPublicJwk } from './exportPublicJwk';
import { jwkThumbprint } from './jwkThumbprint';
import type { P256PublicJwk } from './p256PublicJwk';

/** An organisation signing key pair (ECDSA P-256) with its public JWK and key id. */
export interface OrgKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: P256PublicJwk;
  /** {@link jwkThumbprint} of `publicJwk`; rosters and grants name their signer by it. */
  readonly keyId: string;
}

/**
 * Generates the organisation key: ECDSA P-256, which WebCrypto, the seal device and firmware
 * crypto libraries all support. The private key is non-extractable unless `extractable` is set
 * (needed only to back it up); a non-extractable CryptoKey can still be kept in IndexedDB.
 */
export async function generateOrgKeyPair(options: { readonly extractable?: boolean } = {}): Promise<OrgKeyPair> {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, options.extractable ?? false, ['sign', 'verify']);
  const publicJwk = await exportPublicJwk(publicKey);
  return { privateKey, publicKey, publicJwk, keyId: await jwkThumbprint(publicJwk) };
}
