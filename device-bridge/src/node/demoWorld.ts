/**
 * The demo organisation the simulator CLI provisions its devices for, and the device tests' world
 * (`sealWorld.testing.ts`) is built on: one definition of who may do what, so the demo cannot
 * drift from what the tests prove.
 *
 * HQ → B1 → S1, HQ → B2. `approver` approves on B1, `approverHq` on HQ, `outsider` on B2 (not
 * over B1's seal); `holder` is staff at S1; `custodian` keeps B1's seal (and may approve on B1);
 * `revoked` is a passkey of `revoked-approver` that the roster lists as revoked.
 *
 * No Node built-ins: WebCrypto only, like the device it feeds.
 */
import { asId, contentId, decisionIdSchema, decisionPayload, signRoster, userIdSchema, type Decision, type OrgKeyPair, type Roster, type SignedRoster, type UseRequest } from '@seal/shared';
// The demo's people sign with software passkeys (kept out of @seal/shared's exports: not for real users).
import { SoftPasskey } from '@seal/shared/testing';

/** The demo organisation's web origin and WebAuthn relying party. */
export const ORIGIN = 'https://seal.example.cn';
export const RP_ID = 'seal.example.cn';
/** Site S1, where devices stand and stamps are allowed (within `FENCE`). */
export const SITE = { lat: 30.25, lon: 120.17 };
export const FENCE = { ...SITE, radiusM: 500 };

/** The demo's people, one software passkey each (a new set on every run). */
export type DemoPasskeys = Record<'approver' | 'approverHq' | 'outsider' | 'holder' | 'custodian' | 'revoked', SoftPasskey>;

export async function demoPasskeys(): Promise<DemoPasskeys> {
  const make = () => SoftPasskey.create(ORIGIN, RP_ID);
  return { approver: await make(), approverHq: await make(), outsider: await make(), holder: await make(), custodian: await make(), revoked: await make() };
}

/**
 * The roster of the demo's people and units at `version`, issued at `issuedAt` (passkeys added an
 * hour before), signed by the org key; `edit` changes it before signing (tests build bad ones).
 */
export async function demoRoster(org: OrgKeyPair, passkeys: DemoPasskeys, version: number, issuedAt: number, edit: (r: Roster) => Roster = (r) => r): Promise<SignedRoster> {
  const entry = (id: string, roles: [string, string][], keys: SoftPasskey[]) => ({
    id,
    displayName: id,
    roles: roles.map(([role, unitId]) => ({ role: role as 'staff', unitId })),
    credentials: keys.map((k) => k.rosterCredential(issuedAt - 3_600_000)),
  });
  const roster: Roster = edit({
    version,
    issuedAt,
    orgKeyId: org.keyId,
    rpId: RP_ID,
    origins: [ORIGIN],
    users: [
      entry('approver', [['approver', 'B1']], [passkeys.approver]),
      entry('approver-hq', [['approver', 'HQ']], [passkeys.approverHq]),
      entry('outsider', [['approver', 'B2']], [passkeys.outsider]),
      entry('holder', [['staff', 'S1']], [passkeys.holder]),
      entry('custodian', [['custodian', 'B1'], ['approver', 'B1']], [passkeys.custodian]),
      entry('revoked-approver', [['approver', 'B1']], []),
    ],
    revokedCredentials: [{ id: passkeys.revoked.id, revokedAt: issuedAt - 1, userId: 'revoked-approver' }],
    units: [
      { id: 'HQ', parentId: null, kind: 'hq' },
      { id: 'B1', parentId: 'HQ', kind: 'branch' },
      { id: 'B2', parentId: 'HQ', kind: 'branch' },
      { id: 'S1', parentId: 'B1', kind: 'site', geofence: FENCE },
    ],
  });
  const signed = await signRoster(org.privateKey, roster);
  if (!signed.ok) throw new Error(`expected the demo roster to sign, got ${signed.error.code}: ${signed.error.message}`);
  return signed.value;
}

/** A decision approving `request`, made at `at` and signed by `passkey` as `approverId`. */
export async function approveAs(request: UseRequest, approverId: string, passkey: SoftPasskey, at: number): Promise<Decision> {
  const payload = decisionPayload(request, 'approve');
  const body = { approverId: asId(userIdSchema, approverId), payload, assertion: await passkey.assertRecord(payload), at };
  return { ...body, id: asId(decisionIdSchema, await contentId(body)) };
}
