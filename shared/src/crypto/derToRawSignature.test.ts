import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase64Url, fromHex, toHex } from '../encoding/base64url';
import { derToRawSignature } from './derToRawSignature';
import { rawToDerSignature } from './rawToDerSignature';
import { fixture } from './webauthnFixture.testing';

const scalar = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((bytes) => bytes.some((b) => b !== 0));
const der = (hex: string) => fromHex(hex.replace(/\s/g, ''));
const R = '01'.repeat(32);

describe('DER ⇄ raw ECDSA signatures', () => {
  it('round-trips the real Chromium signatures byte for byte', () => {
    for (const { response } of fixture.assertions) {
      const bytes = fromBase64Url(response.signature);
      const raw = derToRawSignature(bytes);
      expect(raw.ok && raw.value.length).toBe(64);
      if (raw.ok) expect(toHex(rawToDerSignature(raw.value))).toBe(toHex(bytes));
    }
  });

  it('pads short integers and strips the sign byte', () => {
    const raw = derToRawSignature(der(`3026 0201 05 0221 00${'ff'.repeat(32)}`));
    expect(raw).toEqual({ ok: true, value: fromHex(`${'00'.repeat(31)}05${'ff'.repeat(32)}`) });
  });

  it.each([
    ['empty', ''],
    ['wrong SEQUENCE tag', `3144 0220${R} 0220${R}`],
    ['SEQUENCE length too long', `3045 0220${R} 0220${R}`],
    ['SEQUENCE length too short', `3043 0220${R} 0220${R}`],
    ['long-form length that fits the short form', `308144 0220${R} 0220${R}`],
    ['trailing byte', `3044 0220${R} 0220${R} 00`],
    ['wrong INTEGER tag', `3044 0320${R} 0220${R}`],
    ['negative r', `3044 0220${'80'.repeat(32)} 0220${R}`],
    ['superfluous leading zero', `3045 022100${R} 0220${R}`],
    ['zero r', `3025 020100 0220${R}`],
    ['r longer than 32 bytes', `3046 0222${'01'.repeat(34)} 0220${R}`],
    ['r of length 0', `3024 0200 0220${R}`],
    ['missing s', `3022 0220${R}`],
  ])('refuses %s', (_name, hex) => {
    const result = derToRawSignature(der(hex));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('malformed_signature');
  });

  it('raw → DER → raw is the identity for any non-zero r, s (property)', () => {
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const raw = Uint8Array.from([...r, ...s]);
        expect(derToRawSignature(rawToDerSignature(raw))).toEqual({ ok: true, value: raw });
      }),
    );
  });

  it('accepts at most one DER form per signature: whatever it accepts re-encodes to the same bytes (property)', () => {
    const nearDer = fc.tuple(scalar, scalar, fc.nat({ max: 71 }), fc.integer({ min: 0, max: 255 })).map(([r, s, at, byte]) => {
      const bytes = rawToDerSignature(Uint8Array.from([...r, ...s]));
      if (at < bytes.length) bytes[at] = byte;
      return bytes;
    });
    fc.assert(
      fc.property(fc.oneof(nearDer, fc.uint8Array({ maxLength: 80 })), (bytes) => {
        const raw = derToRawSignature(bytes);
        if (raw.ok) expect(toHex(rawToDerSignature(raw.value))).toBe(toHex(bytes));
      }),
    );
  });

  it('converts what WebCrypto signs into DER that converts back (property)', async () => {
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (message) => {
        const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new Uint8Array(message)));
        expect(derToRawSignature(rawToDerSignature(raw))).toEqual({ ok: true, value: raw });
      }),
      { numRuns: 50 },
    );
  });
});
