import { err, ok, verifyAssertionWithRoster, type AssertionFields, type Refusal, type Result, type Roster } from '@seal/shared';
import type { UnlockRecord } from '../protocol/unlockRecord';
import { credentialOwner } from './rosterPolicy';

export type HolderRefusalCode = 'holder_unknown' | 'holder_revoked' | 'holder_mismatch' | 'holder_nonce_mismatch' | 'holder_assertion_invalid' | 'holder_not_entitled';

/**
 * The holder's fresh passkey assertion: made by a passkey of the grant's holder in the roster
 * (`holder_mismatch` for someone else's, `holder_unknown` / `holder_revoked` otherwise), bound to
 * THIS unlock record — the device's current nonce (`holder_nonce_mismatch` for another nonce or
 * another record), with user verification (`holder_assertion_invalid` for any other failure) —
 * and the holder still holds `staff` somewhere (`holder_not_entitled`).
 */
export async function checkHolder(roster: Roster, record: UnlockRecord, assertion: AssertionFields): Promise<Result<true, Refusal<HolderRefusalCode>>> {
  const revoked = roster.revokedCredentials.find((r) => r.id === assertion.credentialId);
  if (revoked !== undefined) return err({ code: 'holder_revoked', message: `passkey ${assertion.credentialId} of "${revoked.userId}" is revoked (roster v${roster.version})` });
  const owner = credentialOwner(roster, assertion.credentialId);
  if (owner === undefined) return err({ code: 'holder_unknown', message: `passkey ${assertion.credentialId} is in no roster entry (roster v${roster.version})` });
  if (owner.id !== record.holderId) return err({ code: 'holder_mismatch', message: `passkey of "${owner.id}", expected the grant's holder "${record.holderId}"` });
  const verified = await verifyAssertionWithRoster({ assertion, expected: { record } }, roster);
  if (!verified.ok) {
    const code = verified.error.code === 'challenge_mismatch' ? 'holder_nonce_mismatch' : 'holder_assertion_invalid';
    return err({ code, message: `holder assertion: ${verified.error.code}: ${verified.error.message}` });
  }
  if (!owner.roles.some((r) => r.role === 'staff')) return err({ code: 'holder_not_entitled', message: `"${owner.id}" holds no staff role in roster v${roster.version}` });
  return ok(true);
}
