import { err, ok, verifyAssertionWithRoster, type AssertionFields, type Refusal, type Result, type Roster, type RosterUser } from '@seal/shared';
import type { UnlockRecord } from '../protocol/unlockRecord';
import { credentialOwner } from './rosterPolicy';

export type HolderRefusalCode = 'holder_unknown' | 'holder_revoked' | 'holder_mismatch' | 'holder_nonce_mismatch' | 'holder_assertion_invalid' | 'holder_not_entitled';
type HolderRefusal = Refusal<HolderRefusalCode>;

/**
 * The holder's fresh passkey assertion: made by a passkey of the grant's holder in the roster
 * (`holder_mismatch` for someone else's, `holder_unknown` / `holder_revoked` otherwise), bound to
 * THIS unlock record — the device's current nonce (`holder_nonce_mismatch` for another nonce or
 * another record), with user verification (`holder_assertion_invalid` for any other failure) —
 * and the holder still holds `staff` somewhere (`holder_not_entitled`).
 */
export async function checkHolder(roster: Roster, record: UnlockRecord, assertion: AssertionFields): Promise<Result<true, HolderRefusal>> {
  const owner = holderPasskey(roster, record.holderId, assertion.credentialId);
  if (!owner.ok) return owner;
  const verified = await verifyAssertionWithRoster({ assertion, expected: { record } }, roster);
  if (!verified.ok) {
    const code = verified.error.code === 'challenge_mismatch' ? 'holder_nonce_mismatch' : 'holder_assertion_invalid';
    return err({ code, message: `holder assertion: ${verified.error.code}: ${verified.error.message}` });
  }
  const role = holderRoleRefusal(roster, owner.value);
  return role === null ? ok(true) : err(role);
}

/**
 * What a newer roster says of a session already open: whether the passkey the holder unlocked
 * with is still theirs and not revoked, and they still hold `staff` — the roster half of
 * {@link checkHolder} (the assertion was verified at the unlock), with its codes. A roster that
 * revokes the passkey or deactivates the holder ends the session as the revocation list does.
 */
export function holderStandingRefusal(roster: Roster, holderId: string, credentialId: string): HolderRefusal | null {
  const owner = holderPasskey(roster, holderId, credentialId);
  return owner.ok ? holderRoleRefusal(roster, owner.value) : owner.error;
}

/** The roster entry of `holderId` whose passkey `credentialId` is, unless revoked, unknown or someone else's. */
function holderPasskey(roster: Roster, holderId: string, credentialId: string): Result<RosterUser, HolderRefusal> {
  const revoked = roster.revokedCredentials.find((r) => r.id === credentialId);
  if (revoked !== undefined) return err({ code: 'holder_revoked', message: `passkey ${credentialId} of "${revoked.userId}" is revoked (roster v${roster.version})` });
  const owner = credentialOwner(roster, credentialId);
  if (owner === undefined) return err({ code: 'holder_unknown', message: `passkey ${credentialId} is in no roster entry (roster v${roster.version})` });
  if (owner.id !== holderId) return err({ code: 'holder_mismatch', message: `passkey of "${owner.id}", expected the grant's holder "${holderId}"` });
  return ok(owner);
}

const holderRoleRefusal = (roster: Roster, owner: RosterUser): HolderRefusal | null =>
  owner.roles.some((r) => r.role === 'staff') ? null : { code: 'holder_not_entitled', message: `"${owner.id}" holds no staff role in roster v${roster.version}` };
