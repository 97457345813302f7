import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from 'cbor-x';
import { fromBase64Url, toHex } from '../encoding/base64url';
import { coseToJwk } from './coseToJwk';
import { importP256PublicKey } from './importP256PublicKey';
import { approverRegistration } from './webauthnFixture.testing';

const realCose = fromBase64Url(approverRegistration.publicKeyCose);
// Plain CBOR maps and byte strings, as authenticators write them (useTag259ForMaps is missing from cbor-x's types).
const plainCbor = { useRecords: false, mapsAsObjects: false, useTag259ForMaps: false, tagUint8Array: false };
const encoder = new Encoder(plainCbor);
// cbor-x types `encode` as Node's Buffer, which shared/ (no @types/node) does not know.
const encode = (value: unknown) => encoder.encode(value) as Uint8Array;
const realMap = new Decoder({ mapsAsObjects: false, useRecords: false }).decode(realCose) as Map<number, unknown>;
/** The real COSE_Key with some labels changed (`undefined` deletes a label). */
const variant = (changes: [number, unknown][]) => {
  const map = new Map(realMap);
  for (const [label, value] of changes) {
    if (value === undefined) map.delete(label);
    else map.set(label, value);
  }
  return encode(map);
};

describe('coseToJwk', () => {
  it('converts the real registration key to the JWK that WebCrypto imports', async () => {
    const jwk = coseToJwk(realCose);
    expect(jwk).toEqual({ ok: true, value: approverRegistration.publicKeyJwk });
    if (jwk.ok) expect((await importP256PublicKey(jwk.value)).ok).toBe(true);
  });

  it('test encoder reproduces the real bytes (so variants differ only where changed)', () => {
    expect(toHex(variant([]))).toBe(toHex(realCose));
  });

  it.each([
    ['RSA (kty 3, alg -257)', [[1, 3], [3, -257]]],
    ['EdDSA (kty 1, alg -8)', [[1, 1], [3, -8]]],
    ['ES384 (alg -35)', [[3, -35]]],
    ['P-384 curve (crv 2)', [[-1, 2]]],
    ['missing alg', [[3, undefined]]],
  ] as [string, [number, unknown][]][])('refuses %s as unsupported_cose_key', (_name, changes) => {
    const result = coseToJwk(variant(changes));
    expect(result.ok ? undefined : result.error.code).toBe('unsupported_cose_key');
  });

  it.each([
    ['a private key (d, label -4)', variant([[-4, new Uint8Array(32)]])],
    ['a 31-byte x', variant([[-2, new Uint8Array(31)]])],
    ['a compressed y (boolean)', variant([[-3, true]])],
    ['trailing bytes', Uint8Array.from([...realCose, 0])],
    ['truncated CBOR', realCose.subarray(0, 40)],
    ['not a map', encode([1, 2])],
    ['no bytes', new Uint8Array()],
  ])('refuses %s as malformed_cose_key', (_name, bytes) => {
    const result = coseToJwk(bytes);
    expect(result.ok ? undefined : result.error.code).toBe('malformed_cose_key');
  });
});
