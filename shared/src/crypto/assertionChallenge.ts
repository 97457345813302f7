import { hashRecord } from '../encoding/canonical';

/**
 * The WebAuthn challenge that binds an assertion to a record: `hashRecord(record)`, the SHA-256
 * of its RFC 8785 canonical bytes (32 bytes). Pass these BYTES as `challenge` to
 * `navigator.credentials.get` (not a string: a string would be UTF-8 encoded again); the browser
 * writes their base64url into `clientDataJSON.challenge`, which the signature covers.
 *
 * Used for decisions and for identity confirmations bound to a device nonce, e.g.
 * `{ purpose: 'unlock', deviceId, nonce, requestId, holderId }`. The record should say what it
 * is (a `kind` or `purpose`), so that one assertion can never be read as another kind of record.
 * Throws `CanonicalEncodingError` if the record is not plain JSON.
 */
export function assertionChallenge(record: unknown): Promise<Uint8Array> {
  return hashRecord(record);
}
