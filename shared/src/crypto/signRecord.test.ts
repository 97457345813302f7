import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../encoding/base64url';
import { canonicalJson, sha256 } from '../encoding/canonical';
import { exportPublicJwk } from './exportPublicJwk';
import { generateOrgKeyPair } from './generateOrgKeyPair';
import { jwkThumbprint } from './jwkThumbprint';
import { signRecord } from './signRecord';
import { verifyRecordSignature } from './verifyRecordSignature';
import type { P256PublicJwk } from './p256PublicJwk';
import { approverRegistration } from './webauthnFixture.testing';

const grant = { kind: 'grant', requestId: 'req-1', sealId: 'seal-1', uses: 2, window: { from: 1, to: 2 } };

describe('organisation key: signRecord / verifyRecordSignature', () => {
  it('signs a record as 64 raw bytes that verify with the public JWK, in any key order', async () => {
    const org = await generateOrgKeyPair();
    const signature = await signRecord(org.privateKey, grant);
    expect(fromBase64Url(signature)).toHaveLength(64);
    const reordered = { window: { to: 2, from: 1 }, uses: 2, sealId: 'seal-1', requestId: 'req-1', kind: 'grant' };
    expect(await verifyRecordSignature(org.publicJwk, reordered, signature)).toEqual({ ok: true, value: true });
  });

  it('is ECDSA over SHA-256(canonical bytes), i.e. over hashRecord(record)', async () => {
    const org = await generateOrgKeyPair();
    const signature = await signRecord(org.privateKey, grant);
    const canonical = new TextEncoder().encode(canonicalJson(grant));
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, org.publicKey, fromBase64Url(signature) as Uint8Array<ArrayBuffer>, canonical)).toBe(true);
  });

  it('refuses a changed record, another key, and malformed signatures', async () => {
    const org = await generateOrgKeyPair();
    const other = await generateOrgKeyPair();
    const signature = await signRecord(org.privateKey, grant);
    const code = async (jwk: P256PublicJwk, record: unknown, sig: string) => {
      const result = await verifyRecordSignature(jwk, record, sig);
      return result.ok ? 'ok' : result.error.code;
    };
    expect(await code(org.publicJwk, { ...grant, uses: 3 }, signature)).toBe('bad_signature');
    expect(await code(other.publicJwk, grant, signature)).toBe('bad_signature');
    expect(await code(org.publicJwk, grant, signature.slice(0, -2))).toBe('malformed_signature');
    expect(await code(org.publicJwk, grant, 'not+base64')).toBe('malformed_signature');
    expect(await code({ ...org.publicJwk, x: org.publicJwk.y }, grant, signature)).toBe('bad_public_key');
  });

  it('generates a non-extractable private key unless asked', async () => {
    expect((await generateOrgKeyPair()).privateKey.extractable).toBe(false);
    expect((await generateOrgKeyPair({ extractable: true })).privateKey.extractable).toBe(true);
  });
});

describe('public JWK and key id', () => {
  it('exportPublicJwk keeps exactly {kty, crv, x, y}', async () => {
    const org = await generateOrgKeyPair();
    const jwk = await exportPublicJwk(org.publicKey);
    expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(jwk).toEqual(org.publicJwk);
    await expect(exportPublicJwk(org.privateKey)).rejects.toThrow(TypeError);
  });

  it('jwkThumbprint is the RFC 7638 thumbprint (value computed independently with openssl)', async () => {
    // printf '{"crv":"P-256","kty":"EC","x":"…","y":"…"}' | openssl dgst -sha256 -binary | basenc --base64url
    expect(await jwkThumbprint(approverRegistration.publicKeyJwk as P256PublicJwk)).toBe('U1yXU3uWv6Oo55nj4ZiOK_Pbhe4DOTd0RLYP3HDs7V0');
  });

  it('jwkThumbprint hashes the RFC 8785 form of the four members, ignoring any other member', async () => {
    const org = await generateOrgKeyPair();
    const { kty, crv, x, y } = org.publicJwk;
    expect(org.keyId).toBe(toBase64Url(await sha256(new TextEncoder().encode(canonicalJson({ kty, crv, x, y })))));
    const withExtras = { ...org.publicJwk, key_ops: ['verify'], ext: true } as P256PublicJwk;
    expect(await jwkThumbprint(withExtras)).toBe(org.keyId);
  });
});
