import { toBase64Url } from '../encoding/base64url';
import { sha256 } from '../encoding/canonical';
import type { P256PublicJwk } from './p256PublicJwk';

/**
 * The key id of a P-256 public key: its RFC 7638 JWK thumbprint, base64url(SHA-256 of
 * `{"crv","kty","x","y"}` in that order, no whitespace). Any member other than those four is
 * ignored, so the id is the same whatever a JWK carries besides.
 */
export async function jwkThumbprint(jwk: P256PublicJwk): Promise<string> {
  // RFC 7638 §3.2: the required members, lexicographic order, no whitespace. Built by hand (not
  // with the RFC 8785 encoder) so the bytes are visibly RFC 7638's own.
  const json = `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  return toBase64Url(await sha256(new TextEncoder().encode(json)));
}
