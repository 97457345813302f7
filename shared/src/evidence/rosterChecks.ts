import type { Roster } from '../crypto/roster';
import type { P256PublicJwk } from '../crypto/p256PublicJwk';
import { verifyAssertionWithRoster } from '../crypto/verifyAssertionWithRoster';
import { verifySignedRoster } from '../crypto/verifySignedRoster';
import type { Decision } from '../domain/decision';
import { hashRecordHex } from '../encoding/canonical';
import type { EvidenceBundle } from './bundleSchema';
import type { CheckList } from './report';

/** A roster of the bundle whose signature held, and the hash a device logs when it installs it. */
export interface VerifiedRoster {
  readonly roster: Roster;
  readonly sha256: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Checks every roster's signature under the organisation key; returns those that hold, by version. */
export async function verifyRosters(bundle: EvidenceBundle, orgKey: P256PublicJwk, list: CheckList): Promise<VerifiedRoster[]> {
  const verified: VerifiedRoster[] = [];
  for (const [i, signed] of bundle.rosters.entries()) {
    const outcome = await verifySignedRoster(signed, orgKey);
    const version = typeof signed.roster['version'] === 'number' ? `roster v${signed.roster['version']}` : `roster #${i}`;
    if (!outcome.ok) {
      list.fail('roster.signature', version, `${outcome.error.code}: ${outcome.error.message}`);
      continue;
    }
    list.pass('roster.signature', version, `signed by the organisation key, issued ${iso(outcome.value.issuedAt)}`);
    verified.push({ roster: outcome.value, sha256: await hashRecordHex(signed.roster) });
  }
  return verified.sort((a, b) => a.roster.version - b.roster.version);
}

/** The roster in force at `at`: the highest version issued at or before it. */
export function rosterAt(rosters: readonly VerifiedRoster[], at: number): VerifiedRoster | undefined {
  return rosters.filter((r) => r.roster.issuedAt <= at).at(-1);
}

/** The first revocation of the passkey any verified roster lists (revocations are permanent and carry their time). */
function revocationOf(credentialId: string, rosters: readonly VerifiedRoster[]): { revokedAt: number; version: number } | undefined {
  const found = rosters.flatMap((r) => r.roster.revokedCredentials.filter((c) => c.id === credentialId).map((c) => ({ revokedAt: c.revokedAt, version: r.roster.version })));
  return found.sort((a, b) => a.revokedAt - b.revokedAt)[0];
}

/** The roster a decision is judged by: the one in force when it was made; else the earliest later one still listing the passkey. */
function judgingRoster(decision: Decision, rosters: readonly VerifiedRoster[], subject: string, list: CheckList): VerifiedRoster | undefined {
  const inForce = rosterAt(rosters, decision.at);
  if (inForce !== undefined) {
    list.pass('decision.roster', subject, `made ${iso(decision.at)} under roster v${inForce.roster.version} (issued ${iso(inForce.roster.issuedAt)})`);
    return inForce;
  }
  const listing = rosters.find((r) => r.roster.users.some((u) => u.credentials.some((c) => c.id === decision.assertion.credentialId)));
  if (listing === undefined) {
    list.fail('decision.roster', subject, `no signed roster in the bundle was in force at ${iso(decision.at)}, and none lists the passkey ${decision.assertion.credentialId.slice(0, 16)}…`);
    return undefined;
  }
  list.warn('decision.roster', subject, `the roster in force at ${iso(decision.at)} is not in the bundle (made before rosters were archived?): judged by v${listing.roster.version}, issued later (${iso(listing.roster.issuedAt)}), which still lists the passkey`);
  return listing;
}

/**
 * A decision's passkey assertion against the roster in force when it was made (its `at`, which is
 * bound to the stamp: it is part of the decision's content address, hence of the grant's). An
 * approval by a passkey already revoked then fails — whether the roster in force says so, or a
 * later roster lists the revocation with a time at or before the decision; one revoked later is
 * reported. Returns the judging roster, or undefined when the decision does not hold.
 */
export async function checkDecision(decision: Decision, rosters: readonly VerifiedRoster[], list: CheckList): Promise<VerifiedRoster | undefined> {
  const subject = `decision ${decision.id.slice(0, 12)}… by ${decision.approverId}`;
  const judging = judgingRoster(decision, rosters, subject, list);
  if (judging === undefined) return undefined;
  const verified = await verifyAssertionWithRoster({ assertion: decision.assertion, expected: { record: decision.payload } }, judging.roster);
  const revocation = revocationOf(decision.assertion.credentialId, rosters);
  if (!verified.ok) {
    const what = verified.error.code === 'revoked_credential' ? 'approval by a passkey already revoked when the decision was made' : 'the passkey assertion does not verify';
    list.fail('decision.assertion', subject, `${what}: ${verified.error.code}: ${verified.error.message}`);
    return undefined;
  }
  if (verified.value.userId !== decision.approverId) {
    list.fail('decision.assertion', subject, `names approver "${decision.approverId}" but was signed with a passkey of "${verified.value.userId}"`);
    return undefined;
  }
  if (revocation !== undefined && revocation.revokedAt <= decision.at) {
    list.fail('decision.assertion', subject, `approval by a passkey already revoked when the decision was made: revoked ${iso(revocation.revokedAt)} (roster v${revocation.version}), decision dated ${iso(decision.at)}`);
    return undefined;
  }
  list.pass('decision.assertion', subject, `passkey ${decision.assertion.credentialId.slice(0, 16)}… of "${verified.value.userId}" signed the ${decision.payload.verdict} of these terms (user verified: ${verified.value.userVerified})`);
  const latest = rosters.at(-1)!;
  if (revocation !== undefined) list.warn('decision.revoked_since', subject, `the passkey was revoked since, at ${iso(revocation.revokedAt)} (roster v${revocation.version}); it was valid when the decision was made`);
  else if (!latest.roster.users.some((u) => u.id === decision.approverId)) list.warn('decision.revoked_since', subject, `the approver "${decision.approverId}" is no longer in the latest roster (v${latest.roster.version})`);
  else list.pass('decision.revoked_since', subject, `not revoked as of the latest roster in the bundle (v${latest.roster.version}, issued ${iso(latest.roster.issuedAt)})`);
  return judging;
}
