import { err, ok, type Refusal, type Result } from '../result';
import { p256PublicJwkSchema } from './p256PublicJwk';

/**
 * Imports a P-256 public JWK as an ECDSA verification key. Refuses (`bad_public_key`) a JWK that
 * is not exactly `{kty:'EC', crv:'P-256', x, y}` or whose point is not on the curve (WebCrypto
 * checks). Registration should call it once so a bad key never reaches a roster.
 */
export async function importP256PublicKey(jwk: unknown): Promise<Result<CryptoKey, Refusal<'bad_public_key'>>> {
  const parsed = p256PublicJwkSchema.safeParse(jwk);
  if (!parsed.success) {
    return err({ code: 'bad_public_key', message: `Public key is not a P-256 JWK {kty,crv,x,y}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '$'}: ${i.message}`).join('; ')}` });
  }
  try {
    const key = await crypto.subtle.importKey('jwk', parsed.data, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    return ok(key);
  } catch (error) {
    if (error instanceof Error) {
      return err({ code: 'bad_public_key', message: `Public key was refused by WebCrypto (${error.name}: ${error.message}); is the point on P-256?` });
    }
    throw error;
  }
}
