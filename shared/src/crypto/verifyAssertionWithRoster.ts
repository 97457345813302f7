import { err, ok, type Refusal, type Result } from '../result';
import type { Roster, RosterUser } from './roster';
import { verifyAssertion, type AssertionRefusalCode, type VerifiedAssertion, type VerifyAssertionInput } from './verifyAssertion';

/** Why an assertion was refused against a roster. */
export type RosterAssertionRefusalCode = AssertionRefusalCode | 'unknown_credential' | 'revoked_credential';

/** A verified assertion and the roster user whose passkey made it. */
export interface VerifiedRosterAssertion extends VerifiedAssertion {
  readonly userId: string;
  /** The user's roster entry (roles, units), for the policy check that follows. */
  readonly user: RosterUser;
}

/** {@link VerifyAssertionInput} without what the roster supplies (credential, rpId, origins). */
export type RosterAssertionInput = Omit<VerifyAssertionInput, 'credential' | 'rpId' | 'origins'>;

/**
 * Verifies an assertion against a roster (already checked with `verifySignedRoster`): the
 * credential is looked up by id, then {@link verifyAssertion} runs with the roster's rpId and
 * origins. A revoked credential is refused (`revoked_credential`) before the lookup, so it is
 * reported as revoked even once dropped from its user; an id in no user's list is
 * `unknown_credential`. Roles are not checked here: that is policy.
 */
export async function verifyAssertionWithRoster(
  input: RosterAssertionInput,
  roster: Roster,
): Promise<Result<VerifiedRosterAssertion, Refusal<RosterAssertionRefusalCode>>> {
  const credentialId = input.assertion.credentialId;
  const revoked = roster.revokedCredentials.find((r) => r.id === credentialId);
  if (revoked) {
    return err({
      code: 'revoked_credential',
      message: `Credential "${credentialId}" of user "${revoked.userId}" was revoked at ${new Date(revoked.revokedAt).toISOString()} (roster version ${roster.version})`,
    });
  }
  for (const user of roster.users) {
    const credential = user.credentials.find((c) => c.id === credentialId);
    if (!credential) continue;
    const verified = await verifyAssertion({ ...input, credential, rpId: roster.rpId, origins: roster.origins });
    return verified.ok ? ok({ ...verified.value, userId: user.id, user }) : verified;
  }
  return err({ code: 'unknown_credential', message: `Credential "${credentialId}" is in no user's credentials (roster version ${roster.version})` });
}
