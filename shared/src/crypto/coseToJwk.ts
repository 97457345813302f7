import { Decoder } from 'cbor-x';
import { toBase64Url } from '../encoding/base64url';
import { err, ok, type Refusal, type Result } from '../result';
import type { P256PublicJwk } from './p256PublicJwk';

/** Why a COSE_Key was refused. */
export type CoseKeyRefusalCode = 'malformed_cose_key' | 'unsupported_cose_key';

// COSE labels (RFC 9052/9053): kty, alg, and the EC2 parameters crv, x, y, d.
const KTY = 1, ALG = 3, CRV = -1, X = -2, Y = -3, D = -4;
const KTY_EC2 = 2, ALG_ES256 = -7, CRV_P256 = 1;

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

/**
 * Converts the COSE_Key of a WebAuthn registration (`credentialPublicKey`, CBOR) to the stored
 * P-256 JWK. Accepts only ES256: kty 2 (EC2), alg -7, crv 1 (P-256), 32-byte x and y.
 * Refuses an RSA/OKP/other key or algorithm (`unsupported_cose_key`), a private key (label -4),
 * compressed points, bad CBOR and trailing bytes (`malformed_cose_key`). Does not check that the
 * point is on the curve: {@link importP256PublicKey} does.
 */
export function coseToJwk(cose: Uint8Array): Result<P256PublicJwk, Refusal<CoseKeyRefusalCode>> {
  let decoded: unknown;
  try {
    decoded = decoder.decode(cose);
  } catch (error) {
    if (error instanceof Error) return err({ code: 'malformed_cose_key', message: `COSE_Key is not valid CBOR: ${error.message}` });
    throw error;
  }
  if (!(decoded instanceof Map)) return err({ code: 'malformed_cose_key', message: `COSE_Key must be a CBOR map, got ${typeof decoded}` });
  const map = decoded as Map<unknown, unknown>;
  const unsupported = (what: string, want: number, got: unknown) =>
    err({ code: 'unsupported_cose_key' as const, message: `Unsupported COSE_Key ${what} ${String(got)}, expected ${want} (only ES256 / P-256 passkeys are accepted)` });
  if (map.get(KTY) !== KTY_EC2) return unsupported('kty', KTY_EC2, map.get(KTY));
  if (map.get(ALG) !== ALG_ES256) return unsupported('alg', ALG_ES256, map.get(ALG));
  if (map.get(CRV) !== CRV_P256) return unsupported('crv', CRV_P256, map.get(CRV));
  if (map.has(D)) return err({ code: 'malformed_cose_key', message: 'COSE_Key carries a private key (label -4): refused' });
  const x = map.get(X);
  const y = map.get(Y);
  for (const [name, value] of [['x', x], ['y', y]] as const) {
    if (!(value instanceof Uint8Array) || value.length !== 32) {
      const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
      return err({ code: 'malformed_cose_key', message: `COSE_Key ${name} must be a 32-byte string, got ${got}` });
    }
  }
  return ok({ kty: 'EC', crv: 'P-256', x: toBase64Url(x as Uint8Array), y: toBase64Url(y as Uint8Array) });
}
