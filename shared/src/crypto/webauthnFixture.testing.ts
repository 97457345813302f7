/**
 * Test-only access to the real WebAuthn capture (fixtures/chromium-es256.json beside this file,
 * written by scripts/capture-webauthn-fixture.ts). Exported from `@seal/shared/testing` only.
 */
import captured from './fixtures/chromium-es256.json';
import { fromBase64Url, toBase64Url } from '../encoding/base64url';
import type { P256PublicJwk } from './p256PublicJwk';
import type { Roster } from './roster';
import type { AssertionFields, VerifyAssertionInput } from './verifyAssertion';

export const fixture = captured;
export const [approverRegistration, holderRegistration] = captured.registrations as [
  (typeof captured.registrations)[number],
  (typeof captured.registrations)[number],
];
export const [decisionAssertion, unlockAssertion] = captured.assertions as [
  (typeof captured.assertions)[number],
  (typeof captured.assertions)[number],
];

/** The verifier input for the captured decision assertion, as captured. */
export function decisionInput(overrides: Partial<VerifyAssertionInput> = {}): VerifyAssertionInput {
  return {
    assertion: decisionAssertion.response,
    expected: { record: decisionAssertion.record },
    credential: { id: approverRegistration.credentialId, publicKeyJwk: approverRegistration.publicKeyJwk as P256PublicJwk },
    origins: [captured.origin],
    rpId: captured.rpId,
    ...overrides,
  };
}

/** The captured decision assertion with one field's bytes passed through `edit`. */
export function editAssertion(field: keyof Omit<AssertionFields, 'userHandle'>, edit: (bytes: Uint8Array) => Uint8Array): AssertionFields {
  const assertion = decisionAssertion.response;
  return { ...assertion, [field]: toBase64Url(edit(new Uint8Array(fromBase64Url(assertion[field])))) };
}

/** The captured decision assertion with its clientDataJSON text passed through `edit`. */
export function editClientData(edit: (json: string) => string): AssertionFields {
  return editAssertion('clientDataJSON', (bytes) => new TextEncoder().encode(edit(new TextDecoder().decode(bytes))));
}

/** A roster (unsigned) holding both captured passkeys: HQ → branch 2 → site 7 (with a geofence). */
export function fixtureRoster(orgKeyId: string, overrides: Partial<Roster> = {}): Roster {
  return {
    version: 7,
    issuedAt: 1767100000000,
    orgKeyId,
    users: [
      {
        id: approverRegistration.userId,
        displayName: '审批人 Approver One',
        roles: [{ role: 'approver', unitId: 'unit-hq' }],
        credentials: [{ id: approverRegistration.credentialId, publicKeyJwk: approverRegistration.publicKeyJwk as P256PublicJwk, addedAt: 1767000000000 }],
      },
      {
        id: holderRegistration.userId,
        displayName: '现场 Site Staff One',
        roles: [{ role: 'staff', unitId: 'unit-site-7' }],
        credentials: [{ id: holderRegistration.credentialId, publicKeyJwk: holderRegistration.publicKeyJwk as P256PublicJwk, addedAt: 1767000000001 }],
      },
    ],
    revokedCredentials: [],
    units: [
      { id: 'unit-hq', parentId: null, kind: 'hq' },
      { id: 'unit-branch-2', parentId: 'unit-hq', kind: 'branch' },
      { id: 'unit-site-7', parentId: 'unit-branch-2', kind: 'site', geofence: { lat: 31.2304, lon: 121.4737, radiusM: 300 } },
    ],
    rpId: captured.rpId,
    origins: [captured.origin],
    ...overrides,
  };
}
