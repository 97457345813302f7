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
  const key = await importP256PublicKey(publicJwk);
  if (!key.ok) return key;
  return verifyRecordSignatureWithKey(key.value, record, signature);
}

/**
 * {@link verifyRecordSignature} with a key already imported (`importP256PublicKey`), for a
 * verifier that checks many records of one signer (a device log) and imports its key once.
 */
export async function verifyRecordSignatureWithKey(
  publicKey: CryptoKey,
  record: unknown,
  signature: string,
): Promise<Result<true, Refusal<Exclude<RecordSignatureRefusalCode, 'bad_public_key'>>>> {
  const raw = decodeBase64Url(signature);
  if (raw === undefined || raw.length !== 64) {
    return err({ code: 'malformed_signature', message: `Signature must be base64url of 64 bytes (raw P-256 r ‖ s), got ${raw === undefined ? 'non-base64url text' : `${raw.length} bytes`}` });
  }
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, asBufferSource(raw), asBufferSource(canonicalBytes(record)));
  return valid ? ok(true) : err({ code: 'bad_signature', message: 'Signature does not verify with the given public key over the canonical record' });
}
