import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../encoding/base64url';
import { assertionChallenge } from './assertionChallenge';
import { verifyAssertion } from './verifyAssertion';
import type { P256PublicJwk } from './p256PublicJwk';
import {
  approverRegistration,
  decisionAssertion,
  decisionInput,
  editAssertion,
  editClientData,
  fixture,
  holderRegistration,
  unlockAssertion,
} from './webauthnFixture.testing';

const FLAGS = 32; // byte offset of the flags in authenticator data
const UV = 0x04;
const UP = 0x01;

async function refusalOf(input: Parameters<typeof verifyAssertion>[0]) {
  const result = await verifyAssertion(input);
  if (result.ok) throw new Error('expected a refusal, got a verified assertion');
  return result.error;
}

describe('verifyAssertion with a real Chromium ES256 assertion', () => {
  it('verifies the captured decision assertion against its record', async () => {
    const result = await verifyAssertion(decisionInput());
    expect(result).toEqual({
      ok: true,
      value: {
        credentialId: approverRegistration.credentialId,
        challenge: decisionAssertion.challenge,
        origin: fixture.origin,
        signCount: new DataView(fromBase64Url(decisionAssertion.response.authenticatorData).buffer).getUint32(33),
        userPresent: true,
        userVerified: true,
        backupEligible: false,
        backedUp: false,
        userHandle: decisionAssertion.response.userHandle,
      },
    });
  });

  it('verifies the unlock confirmation bound to a device nonce, given the challenge bytes', async () => {
    const challenge = await assertionChallenge(unlockAssertion.record);
    const result = await verifyAssertion({
      ...decisionInput(),
      assertion: unlockAssertion.response,
      expected: { challenge },
      credential: { id: holderRegistration.credentialId, publicKeyJwk: holderRegistration.publicKeyJwk as P256PublicJwk },
    });
    expect(result.ok).toBe(true);
  });

  it('accepts the origin from a list of several', async () => {
    expect((await verifyAssertion(decisionInput({ origins: ['https://seal.example.cn', fixture.origin] }))).ok).toBe(true);
  });
});

describe('verifyAssertion refusals (each reports its own check)', () => {
  it('challenge_mismatch: one value of the record changed', async () => {
    const error = await refusalOf(decisionInput({ expected: { record: { ...decisionAssertion.record, uses: 3 } } }));
    expect(error.code).toBe('challenge_mismatch');
    expect(error.message).toContain(`Unexpected challenge "${decisionAssertion.challenge}"`);
  });

  it('challenge_mismatch: one character of the record changed', async () => {
    const record = { ...decisionAssertion.record, requestId: decisionAssertion.record.requestId.replace('42', '43') };
    expect((await refusalOf(decisionInput({ expected: { record } }))).code).toBe('challenge_mismatch');
  });

  it('challenge_mismatch: an assertion made for another record (replayed unlock as a decision)', async () => {
    const input = decisionInput({ assertion: unlockAssertion.response, credential: { id: holderRegistration.credentialId, publicKeyJwk: holderRegistration.publicKeyJwk as P256PublicJwk } });
    expect((await refusalOf(input)).code).toBe('challenge_mismatch');
  });

  it('origin_mismatch: origin not in the allowed list', async () => {
    const error = await refusalOf(decisionInput({ origins: ['https://seal.example.cn'] }));
    expect(error).toEqual({ code: 'origin_mismatch', message: `Unexpected origin "${fixture.origin}", expected one of "https://seal.example.cn"` });
  });

  it('origin_mismatch: origin edited in clientDataJSON (before the signature fails)', async () => {
    const assertion = editClientData((json) => json.replace(fixture.origin, 'http://localhost:1'));
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('origin_mismatch');
  });

  it('cross_origin: clientData says the assertion came from a cross-origin frame', async () => {
    const assertion = editClientData((json) => json.replace('"crossOrigin":false', '"crossOrigin":true'));
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('cross_origin');
  });

  it('rp_id_mismatch: another RP ID', async () => {
    const error = await refusalOf(decisionInput({ rpId: 'seal.example.cn' }));
    expect(error.code).toBe('rp_id_mismatch');
    expect(error.message).toContain('expected SHA-256("seal.example.cn")');
  });

  it('user_not_verified: UV flag cleared is reported as such, not as a bad signature', async () => {
    const assertion = editAssertion('authenticatorData', (bytes) => (bytes[FLAGS]! &= ~UV, bytes));
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('user_not_verified');
  });

  it('bad_signature: UV flag cleared when UV is not required (the signature covers the flags)', async () => {
    const assertion = editAssertion('authenticatorData', (bytes) => (bytes[FLAGS]! &= ~UV, bytes));
    expect((await refusalOf(decisionInput({ assertion, options: { requireUserVerification: false } }))).code).toBe('bad_signature');
  });

  it('user_not_present: UP flag cleared', async () => {
    const assertion = editAssertion('authenticatorData', (bytes) => (bytes[FLAGS]! &= ~UP, bytes));
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('user_not_present');
  });

  it('bad_signature: one bit of the signature flipped', async () => {
    // Byte 10 lies inside r (after 30 len 02 len [00]), so the DER stays well formed.
    const assertion = editAssertion('signature', (bytes) => (bytes[10]! ^= 0x01, bytes));
    const error = await refusalOf(decisionInput({ assertion }));
    expect(error.code).toBe('bad_signature');
  });

  it('bad_signature: the sign counter edited', async () => {
    const assertion = editAssertion('authenticatorData', (bytes) => (bytes[36]! ^= 0x01, bytes));
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('bad_signature');
  });

  it('bad_signature: checked with another credential\'s public key', async () => {
    const input = decisionInput({ credential: { id: approverRegistration.credentialId, publicKeyJwk: holderRegistration.publicKeyJwk as P256PublicJwk } });
    expect((await refusalOf(input)).code).toBe('bad_signature');
  });

  it.each([
    ['trailing byte', (der: Uint8Array) => Uint8Array.from([...der, 0])],
    ['wrong SEQUENCE tag', (der: Uint8Array) => Uint8Array.from([0x31, ...der.subarray(1)])],
    ['truncated', (der: Uint8Array) => der.subarray(0, der.length - 1)],
    ['raw r‖s instead of DER', () => new Uint8Array(64).fill(1)],
  ])('malformed_signature: %s', async (_name, edit) => {
    const assertion = editAssertion('signature', edit);
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('malformed_signature');
  });

  it('wrong_type: the registration\'s genuine webauthn.create clientDataJSON', async () => {
    const assertion = { ...decisionAssertion.response, clientDataJSON: approverRegistration.clientDataJSON };
    const error = await refusalOf(decisionInput({ assertion }));
    expect(error).toEqual({ code: 'wrong_type', message: 'Unexpected clientData type "webauthn.create", expected "webauthn.get"' });
  });

  it('wrong_type: type edited to webauthn.create', async () => {
    const assertion = editClientData((json) => json.replace('webauthn.get', 'webauthn.create'));
    expect((await refusalOf(decisionInput({ assertion }))).code).toBe('wrong_type');
  });

  it('credential_mismatch: the assertion names another credential', async () => {
    const input = decisionInput({ credential: { id: holderRegistration.credentialId, publicKeyJwk: holderRegistration.publicKeyJwk as P256PublicJwk } });
    expect((await refusalOf(input)).code).toBe('credential_mismatch');
  });

  it('malformed_assertion / malformed_client_data (a challenge not base64url included) / malformed_authenticator_data', async () => {
    expect((await refusalOf(decisionInput({ assertion: { ...decisionAssertion.response, signature: 'not base64url!' } }))).code).toBe('malformed_assertion');
    expect((await refusalOf(decisionInput({ assertion: editClientData((json) => json.slice(1)) }))).code).toBe('malformed_client_data');
    // A challenge that is not base64url (a store path, a query) is malformed, whatever else holds.
    for (const challenge of ['x_local/../_changes?feed=continuous', 'a b', '', 'A'.repeat(513), 'ok=']) {
      const odd = editClientData((json) => JSON.stringify({ ...(JSON.parse(json) as object), challenge }));
      expect((await refusalOf(decisionInput({ assertion: odd }))).code, challenge).toBe('malformed_client_data');
    }
    const short = editAssertion('authenticatorData', (bytes) => bytes.subarray(0, 36));
    expect((await refusalOf(decisionInput({ assertion: short }))).code).toBe('malformed_authenticator_data');
  });

  it('bad_public_key: a key that is not on the curve', async () => {
    const jwk = approverRegistration.publicKeyJwk as P256PublicJwk;
    const input = decisionInput({ credential: { id: approverRegistration.credentialId, publicKeyJwk: { ...jwk, y: jwk.x } } });
    expect((await refusalOf(input)).code).toBe('bad_public_key');
  });
});
