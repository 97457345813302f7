import { describe, expect, it } from 'vitest';
import { Encoder } from 'cbor-x';
import { fromBase64Url } from '../encoding/base64url';
import { sha256 } from '../encoding/canonical';
import { parseAuthenticatorData } from './parseAuthenticatorData';
import { decisionAssertion, fixture } from './webauthnFixture.testing';

const real = fromBase64Url(decisionAssertion.response.authenticatorData);
const withFlags = (flags: number, tail: number[] = []) => Uint8Array.from([...real.subarray(0, 32), flags, ...real.subarray(33, 37), ...tail]);
const code = (bytes: Uint8Array) => {
  const result = parseAuthenticatorData(bytes);
  return result.ok ? 'ok' : result.error.code;
};

describe('parseAuthenticatorData', () => {
  it('parses the real assertion: rpIdHash, UP+UV, counter', async () => {
    const result = parseAuthenticatorData(real);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.rpIdHash).toEqual(await sha256(new TextEncoder().encode(fixture.rpId)));
    expect(result.value.flags).toEqual({ userPresent: true, userVerified: true, backupEligible: false, backedUp: false, extensionData: false });
    expect(result.value.signCount).toBe((real[33]! << 24) | (real[34]! << 16) | (real[35]! << 8) | real[36]!);
  });

  it('reads the counter as an unsigned 32-bit big-endian integer', () => {
    const bytes = Uint8Array.from([...real.subarray(0, 33), 0xff, 0xff, 0xff, 0xfe]);
    const result = parseAuthenticatorData(bytes);
    expect(result.ok && result.value.signCount).toBe(0xfffffffe);
  });

  it('accepts extension data only as one CBOR map under the ED flag', () => {
    const plainCbor = { useRecords: false, mapsAsObjects: false, useTag259ForMaps: false };
    const extensions = [...(new Encoder(plainCbor).encode(new Map([['credProtect', 1]])) as Uint8Array)];
    expect(code(withFlags(0x85, extensions))).toBe('ok');
    expect(code(withFlags(0x85, [...extensions, 0]))).toBe('malformed_authenticator_data');
    expect(code(withFlags(0x85, [0x01]))).toBe('malformed_authenticator_data');
    expect(code(withFlags(0x85))).toBe('malformed_authenticator_data');
  });

  it.each([
    ['shorter than 37 bytes', real.subarray(0, 36)],
    ['trailing bytes without ED', withFlags(0x05, [0])],
    ['attested credential data (AT) in an assertion', withFlags(0x45, [0])],
    ['BS without BE', withFlags(0x15)],
  ])('refuses %s', (_name, bytes) => {
    expect(code(bytes)).toBe('malformed_authenticator_data');
  });
});
