import { describe, expect, it } from 'vitest';
import { exportPublicJwk } from './exportPublicJwk';
import { lowSForm, twinForms } from './signatureTwin';
import { signRecord } from './signRecord';
import { verifyRecordSignature } from './verifyRecordSignature';

describe('the twin of an ECDSA signature', () => {
  it('verifies as well as the signature it was made from, and both have one low-s form', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const jwk = await exportPublicJwk(keys.publicKey);
    const record = { deviceId: 'D1', seq: 7, type: 'stamp' };
    for (let i = 0; i < 6; i++) {
      const signature = await signRecord(keys.privateKey, record);
      const forms = twinForms(signature);
      expect(forms).toHaveLength(2);
      expect(forms).toContain(signature);
      const twin = forms.find((form) => form !== signature)!;
      // Made without the key, the twin verifies: a copy carrying it is the same entry, not a forgery.
      expect((await verifyRecordSignature(jwk, record, twin)).ok).toBe(true);
      expect(lowSForm(twin)).toBe(lowSForm(signature));
      // A different record's signature stays a different signature.
      expect(lowSForm(await signRecord(keys.privateKey, { ...record, seq: 8 }))).not.toBe(lowSForm(signature));
    }
  });

  it('leaves text that is not a 64-byte signature as it is', () => {
    for (const text of ['', 'AAAA', 'not base64!', 'A'.repeat(85)]) expect(twinForms(text)).toEqual([text]);
    // s = 0 is no signature: nothing to pair it with.
    expect(twinForms('A'.repeat(86))).toEqual(['A'.repeat(86)]);
  });
});
