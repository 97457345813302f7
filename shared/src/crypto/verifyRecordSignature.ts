import { canonicalBytes } from '../encoding/canonical';
import { err, ok, type Refusal, type Result } from '../result';
import { asBufferSource, decodeBase64Url } from './bytes';
import { importP256PublicKey } from './importP256PublicKey';
import type { P256PublicJwk } from './p256PublicJwk';

/** Why a record signature was refused. */
export type RecordSignatureRefusalCode = 'bad_public_key' | 'malformed_signature' | 'bad_signature';

/**
 * Verifies a {@link signRecord} signature: base64url raw `r ‖ s` (64 bytes) over the record's
 * canonical bytes, with a P-256 public JWK. Throws `CanonicalEncodingError` on a non-JSON record.
 */
export async function verifyRecordSignature(
  publicJwk: P256PublicJwk,
  record: unknown,
  signature: string,
): Promise<Result<true, Refusal<RecordSignatureRefusalCode>>> {
  const raw = decodeBase64Url(signature);
  if (raw === undefined || raw.length !== 64) {
    return err({ code: 'malformed_signature', message: `Signature must be base64url of 64 bytes (raw P-256 r ‖ s), got ${raw === undefined ? 'non-base64url text' : `${raw.length} bytes`}` });
  }
  const key = await importP256PublicKey(publicJwk);
  if (!key.ok) return key;
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key.value, asBufferSource(raw), asBufferSource(canonicalBytes(record)));
  return valid ? ok(true) : err({ code: 'bad_signature', message: 'Signature does not verify with the given public key over the canonical record' });
}
