import { z } from 'zod';
import { decodeBase64Url } from './bytes';

/** Canonical base64url (unpadded, no stray bits) of exactly `length` bytes. */
export const base64UrlBytesSchema = (length?: number) =>
  z.string().refine(
    (text) => {
      const bytes = decodeBase64Url(text);
      return bytes !== undefined && (length === undefined || bytes.length === length);
    },
    { message: length === undefined ? 'expected base64url' : `expected base64url of ${length} bytes` },
  );

/**
 * The one stored form of a P-256 public key (passkeys, the organisation key, device keys): a JWK
 * with exactly the RFC 7638 members `{crv, kty, x, y}`. Strict, so a private `d`, `key_ops` or
 * `ext` can never ride along into a roster; WebCrypto imports it directly.
 */
export const p256PublicJwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: base64UrlBytesSchema(32),
  y: base64UrlBytesSchema(32),
});

/** A P-256 public key as a minimal JWK; see {@link p256PublicJwkSchema}. */
export type P256PublicJwk = z.infer<typeof p256PublicJwkSchema>;
