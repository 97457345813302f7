import { asId, deviceIdSchema, fromBase64Url, requestIdSchema, userIdSchema } from '@seal/shared';
import { describe, expect, it } from 'vitest';
import { fixtureRoster, holderRegistration, unlockAssertion } from '@seal/shared/testing';
import { unlockRecord } from '../protocol/unlockRecord';
import { checkHolder } from './checkHolder';

// The real Chromium assertion captured over an unlock record (shared/src/crypto/fixtures, via @seal/shared/testing).
const captured = unlockAssertion.record as { purpose: string; deviceId: string; nonce: string; requestId: string; holderId: string };
const record = unlockRecord(asId(deviceIdSchema, captured.deviceId), fromBase64Url(captured.nonce), asId(requestIdSchema, captured.requestId), asId(userIdSchema, captured.holderId));
const roster = fixtureRoster('A'.repeat(43));

describe('checkHolder with a real Chromium passkey assertion', () => {
  it('accepts the captured unlock assertion: the record the device rebuilds is the one Chromium signed', async () => {
    expect(record).toEqual(captured);
    expect(await checkHolder(roster, record, unlockAssertion.response)).toEqual({ ok: true, value: true });
  });

  it('refuses it for another nonce, for another holder, and once the passkey is revoked', async () => {
    const otherNonce = { ...record, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' };
    expect(await checkHolder(roster, otherNonce, unlockAssertion.response)).toMatchObject({ ok: false, error: { code: 'holder_nonce_mismatch' } });
    expect(await checkHolder(roster, { ...record, holderId: asId(userIdSchema, 'someone-else') }, unlockAssertion.response)).toMatchObject({ ok: false, error: { code: 'holder_mismatch' } });
    const revoked = fixtureRoster('A'.repeat(43), {
      users: roster.users.map((u) => (u.id === holderRegistration.userId ? { ...u, credentials: [] } : u)),
      revokedCredentials: [{ id: holderRegistration.credentialId, revokedAt: 1, userId: holderRegistration.userId }],
    });
    expect(await checkHolder(revoked, record, unlockAssertion.response)).toMatchObject({ ok: false, error: { code: 'holder_revoked' } });
  });
});
