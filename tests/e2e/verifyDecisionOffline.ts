/**
 * Verifies an approver's passkey-signed decision OFFLINE, as a seal device or a replica would:
 * with nothing but the signed roster, the organisation public key, the decision payload and the
 * WebAuthn assertion. No server, no network, no store.
 *
 *   node --import tsx tests/e2e/verifyDecisionOffline.ts decision.json
 *
 * decision.json: `{ signedRoster, orgPublicJwk, payload, assertion }` — the body of
 * `GET /api/roster`, `publicJwk` of `GET /api/org-key`, a `DecisionPayload`, a `WebAuthnAssertion`.
 *
 * Checks, in order: the roster's signature by the org key (`verifySignedRoster`); the payload's
 * shape (`decisionPayloadSchema`); the assertion against the roster: challenge = hashRecord(payload),
 * origin, rpId, UV, a known and unrevoked passkey, its ES256 signature (`verifyAssertionWithRoster`);
 * then the signer's authority, by the roster's signed unit tree: not deciding their own request
 * (`self_decision`), and the approver role on a unit whose subtree contains `payload.place.unitId`
 * (`rosterView(...).authorises`): `signer_not_permitted` when they hold it nowhere, `signer_out_of_scope`
 * when only elsewhere — the server's codes for the same refusals.
 *
 * Exit 0 and print the signer's user id on stdout; exit 1 with `code: message` on stderr when
 * anything is refused; exit 2 when the input cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { decisionPayloadSchema, p256PublicJwkSchema, rosterView, verifyAssertionWithRoster, verifySignedRoster, webAuthnAssertionSchema } from '@seal/shared';

interface Refused {
  readonly code: string;
  readonly message: string;
}

async function verifyDecision(input: Record<string, unknown>): Promise<{ ok: true; signerId: string } | { ok: false; refused: Refused }> {
  const orgKey = p256PublicJwkSchema.safeParse(input.orgPublicJwk);
  if (!orgKey.success) return { ok: false, refused: { code: 'bad_org_key', message: 'orgPublicJwk is not a P-256 public JWK' } };
  const roster = await verifySignedRoster(input.signedRoster, orgKey.data);
  if (!roster.ok) return { ok: false, refused: roster.error };

  const payload = decisionPayloadSchema.safeParse(input.payload);
  if (!payload.success) return { ok: false, refused: { code: 'malformed_payload', message: payload.error.message } };
  const assertion = webAuthnAssertionSchema.safeParse(input.assertion);
  if (!assertion.success) return { ok: false, refused: { code: 'malformed_assertion', message: assertion.error.message } };

  const verified = await verifyAssertionWithRoster({ assertion: assertion.data, expected: { record: payload.data } }, roster.value);
  if (!verified.ok) return { ok: false, refused: verified.error };
  const { userId, user } = verified.value;
  const { place, requesterId } = payload.data;
  const version = roster.value.version;
  if (requesterId === userId) {
    return { ok: false, refused: { code: 'self_decision', message: `User "${userId}" signed a decision on their own request` } };
  }
  if (!user.roles.some((r) => r.role === 'approver')) {
    return { ok: false, refused: { code: 'signer_not_permitted', message: `User "${userId}" holds no approver role in roster version ${version}` } };
  }
  if (!rosterView(roster.value).authorises(userId, 'approver', place.unitId)) {
    const held = user.roles.filter((r) => r.role === 'approver').map((r) => `"${r.unitId}"`).join(', ');
    return { ok: false, refused: { code: 'signer_out_of_scope', message: `User "${userId}" is an approver on ${held} only, none of which contains unit "${place.unitId}" in roster version ${version}` } };
  }
  return { ok: true, signerId: userId };
}

async function main(): Promise<number> {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node --import tsx tests/e2e/verifyDecisionOffline.ts <decision.json>');
    return 2;
  }
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    console.error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  if (typeof input !== 'object' || input === null) {
    console.error(`${path} does not hold a JSON object`);
    return 2;
  }
  const outcome = await verifyDecision(input as Record<string, unknown>);
  if (!outcome.ok) {
    console.error(`${outcome.refused.code}: ${outcome.refused.message}`);
    return 1;
  }
  console.log(outcome.signerId);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('verifier failed:', err);
    process.exitCode = 2;
  },
);
