import { describe, expect, it } from 'vitest';
import { generateOrgKeyPair, type OrgKeyPair } from './generateOrgKeyPair';
import type { Roster, SignedRoster } from './roster';
import { signRecord } from './signRecord';
import { signRoster } from './signRoster';
import { verifySignedRoster } from './verifySignedRoster';
import { fixtureRoster, holderRegistration } from './webauthnFixture.testing';

async function signed(org: OrgKeyPair, roster: Roster = fixtureRoster(org.keyId)): Promise<SignedRoster> {
  const result = await signRoster(org.privateKey, roster);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
const codeOf = async (...args: Parameters<typeof verifySignedRoster>) => {
  const result = await verifySignedRoster(...args);
  return result.ok ? 'ok' : result.error.code;
};
/** A deep copy of a signed roster (as received over the wire) with `edit` applied to the roster. */
const tampered = (s: SignedRoster, edit: (roster: Roster & Record<string, unknown>) => void): unknown => {
  const copy = JSON.parse(JSON.stringify(s)) as { roster: Roster & Record<string, unknown>; signature: string };
  edit(copy.roster);
  return copy;
};

describe('signRoster / verifySignedRoster', () => {
  it('verifies a signed roster after a JSON round trip and returns it', async () => {
    const org = await generateOrgKeyPair();
    const s = await signed(org);
    const wire = JSON.parse(JSON.stringify(s)) as unknown;
    expect(await verifySignedRoster(wire, org.publicJwk)).toEqual({ ok: true, value: fixtureRoster(org.keyId) });
  });

  it.each<[string, (r: Roster & Record<string, unknown>) => void]>([
    ['version', (r) => (r.version += 1)],
    ['issuedAt', (r) => (r.issuedAt += 1)],
    ['a display name', (r) => (r.users[0]!.displayName = 'Mallory')],
    ['a role', (r) => (r.users[1]!.roles[0]!.role = 'admin')],
    ['a unit', (r) => (r.users[1]!.roles[0]!.unitId = 'unit-hq')],
    ['a credential public key', (r) => (r.users[0]!.credentials[0]!.publicKeyJwk = r.users[1]!.credentials[0]!.publicKeyJwk)],
    ['a credential moved to another user', (r) => r.users[0]!.credentials.push(r.users[1]!.credentials.pop()!)],
    ['a credential added', (r) => r.users[1]!.credentials.push({ ...r.users[1]!.credentials[0]!, id: 'AAAA' })],
    ['a revocation removed', (r) => r.revokedCredentials.pop()],
    ['a unit moved to another parent', (r) => (r.units[2]!.parentId = 'unit-hq')],
    ["a site's geofence", (r) => (r.units[2]!.geofence = { lat: 0, lon: 0, radiusM: 50_000 })],
    ['a unit added', (r) => r.units.push({ id: 'unit-x', parentId: 'unit-hq', kind: 'branch' })],
    ['rpId', (r) => (r.rpId = 'evil.example')],
    ['origins', (r) => r.origins.push('https://evil.example')],
    ['an added unknown member', (r) => (r.note = 'hi')],
  ])('refuses a roster whose %s changed: bad_signature', async (_name, edit) => {
    const org = await generateOrgKeyPair();
    const roster = fixtureRoster(org.keyId, { revokedCredentials: [{ id: 'BBBB', revokedAt: 1, userId: holderRegistration.userId }] });
    expect(await codeOf(tampered(await signed(org, roster), edit), org.publicJwk)).toBe('bad_signature');
  });

  it('refuses another org key: by key id first, by signature when the key id is forged', async () => {
    const org = await generateOrgKeyPair();
    const other = await generateOrgKeyPair();
    expect(await codeOf(await signed(org), other.publicJwk)).toBe('org_key_mismatch');
    // Signed by org but claiming other's key id: only the signature can tell.
    expect(await codeOf(await signed(org, fixtureRoster(other.keyId)), other.publicJwk)).toBe('bad_signature');
  });

  it('refuses a rollback below minVersion, accepts equal or newer', async () => {
    const org = await generateOrgKeyPair();
    const s = await signed(org); // version 7
    expect(await codeOf(s, org.publicJwk, { minVersion: 8 })).toBe('stale_roster');
    expect(await codeOf(s, org.publicJwk, { minVersion: 7 })).toBe('ok');
  });

  it('refuses what is not a signed roster, and a validly signed but invalid roster', async () => {
    const org = await generateOrgKeyPair();
    expect(await codeOf(null, org.publicJwk)).toBe('malformed_roster');
    expect(await codeOf({ roster: {}, signature: 'x' }, org.publicJwk)).toBe('malformed_roster');
    expect(await codeOf({ ...(await signed(org)), signature: 'AAAA' }, org.publicJwk)).toBe('malformed_signature');
    const invalid = { ...fixtureRoster(org.keyId), version: -1 };
    expect(await codeOf({ roster: invalid, signature: await signRecord(org.privateKey, invalid) }, org.publicJwk)).toBe('malformed_roster');
  });

  it('signRoster refuses an inconsistent roster', async () => {
    const org = await generateOrgKeyPair();
    const base = fixtureRoster(org.keyId);
    const [approver, holder] = base.users as [Roster['users'][number], Roster['users'][number]];
    const cases: Roster[] = [
      { ...base, users: [approver, { ...holder, id: approver.id }] },
      { ...base, users: [approver, { ...holder, credentials: approver.credentials }] },
      { ...base, revokedCredentials: [{ id: approver.credentials[0]!.id, revokedAt: 1, userId: approver.id }] },
      { ...base, users: [{ ...approver, credentials: [{ ...approver.credentials[0]!, publicKeyJwk: { ...approver.credentials[0]!.publicKeyJwk, d: 'AAAA' } as never }] }] },
      { ...base, users: [{ ...approver, roles: [{ role: 'root' as never, unitId: 'u' }] }] },
      { ...base, origins: [] },
      { ...base, units: [] },
      { ...base, units: [...base.units, base.units[1]!] },
      { ...base, units: [...base.units, { id: 'unit-hq-2', parentId: null, kind: 'hq' }] },
      { ...base, units: [...base.units, { id: 'unit-lost', parentId: 'unit-gone', kind: 'site' }] },
      { ...base, units: [...base.units, { id: 'unit-a', parentId: 'unit-b', kind: 'branch' }, { id: 'unit-b', parentId: 'unit-a', kind: 'branch' }] },
    ];
    for (const roster of cases) {
      const result = await signRoster(org.privateKey, roster);
      expect(result.ok ? 'ok' : result.error.code).toBe('malformed_roster');
    }
  });
});
