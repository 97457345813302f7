import { describe, expect, it } from 'vitest';
import type { Roster } from './roster';
import { verifyAssertionWithRoster, type RosterAssertionInput } from './verifyAssertionWithRoster';
import { approverRegistration, decisionAssertion, fixtureRoster, holderRegistration, unlockAssertion } from './webauthnFixture.testing';

const KEY_ID = 'A'.repeat(43);
const decision: RosterAssertionInput = { assertion: decisionAssertion.response, expected: { record: decisionAssertion.record } };
const codeOf = async (roster: Roster, input: RosterAssertionInput = decision) => {
  const result = await verifyAssertionWithRoster(input, roster);
  return result.ok ? 'ok' : result.error.code;
};

describe('verifyAssertionWithRoster', () => {
  it('finds each captured passkey and returns its user', async () => {
    const roster = fixtureRoster(KEY_ID);
    const approval = await verifyAssertionWithRoster(decision, roster);
    expect(approval.ok && [approval.value.userId, approval.value.user.roles]).toEqual([approverRegistration.userId, [{ role: 'approver', unitId: 'unit-hq' }]]);
    const unlock = await verifyAssertionWithRoster({ assertion: unlockAssertion.response, expected: { record: unlockAssertion.record } }, roster);
    expect(unlock.ok && unlock.value.userId).toBe(holderRegistration.userId);
  });

  it('unknown_credential: the credential is in no user\'s list', async () => {
    const roster = fixtureRoster(KEY_ID);
    expect(await codeOf({ ...roster, users: roster.users.slice(1) })).toBe('unknown_credential');
  });

  it('revoked_credential: refused, whether or not the user still lists it', async () => {
    const roster = fixtureRoster(KEY_ID);
    const revokedCredentials = [{ id: approverRegistration.credentialId, revokedAt: 1767150000000, userId: approverRegistration.userId }];
    const result = await verifyAssertionWithRoster(decision, { ...roster, users: roster.users.slice(1), revokedCredentials });
    expect(result).toEqual({
      ok: false,
      error: { code: 'revoked_credential', message: `Credential "${approverRegistration.credentialId}" of user "user-approver-1" was revoked at 2025-12-31T03:00:00.000Z (roster version 7)` },
    });
    expect(await codeOf({ ...roster, revokedCredentials })).toBe('revoked_credential');
  });

  it('uses the roster\'s rpId and origins', async () => {
    const roster = fixtureRoster(KEY_ID);
    expect(await codeOf({ ...roster, origins: ['https://seal.example.cn'] })).toBe('origin_mismatch');
    expect(await codeOf({ ...roster, rpId: 'seal.example.cn' })).toBe('rp_id_mismatch');
  });

  it('passes through the assertion checks (challenge of another record)', async () => {
    const input: RosterAssertionInput = { ...decision, expected: { record: { ...decisionAssertion.record, verdict: 'reject' } } };
    expect(await codeOf(fixtureRoster(KEY_ID), input)).toBe('challenge_mismatch');
  });
});
