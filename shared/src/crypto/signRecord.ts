import { toBase64Url } from '../encoding/base64url';
import { canonicalBytes } from '../encoding/canonical';
import { asBufferSource } from './bytes';

/**
 * Signs a record with a P-256 private key (the organisation key, a device key): ECDSA with
 * SHA-256 over the record's RFC 8785 canonical bytes, i.e. over the digest `hashRecord(record)`
 * (so firmware with a sign-the-digest API verifies the same signature). Returns base64url of the
 * raw 64-byte `r ‖ s` (IEEE P1363), not DER. Throws `CanonicalEncodingError` on a non-JSON record.
 */
export async function signRecord(privateKey: CryptoKey, record: unknown): Promise<string> {
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, asBufferSource(canonicalBytes(record)));
  return toBase64Url(new Uint8Array(signature));
}
