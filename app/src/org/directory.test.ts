import { describe, expect, it } from 'vitest';
import { generateOrgKeyPair, signRoster, type OrgKeyPair, type Roster } from '@seal/shared';
import { fixtureRoster } from '@seal/shared/testing';
import type { UnitView as Unit } from '@seal/shared';
import { checkDirectory, directoryView, parseHeldDirectory, type Directory } from './directory';

async function signed(org: OrgKeyPair, roster: Roster) {
  const result = await signRoster(org.privateKey, roster);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const UNITS: Unit[] = [{ id: 'unit-hq', name: 'Head office', kind: 'hq', parentId: null } as unknown as Unit];

async function fetched(org: OrgKeyPair, version: number) {
  const roster = { ...fixtureRoster(org.keyId), version };
  return { signedRoster: JSON.parse(JSON.stringify(await signed(org, roster))) as unknown, orgPublicJwk: org.publicJwk, units: UNITS, fetchedAt: 1_000 };
}

async function held(org: OrgKeyPair, version: number): Promise<Directory> {
  const check = await checkDirectory(await fetched(org, version), undefined);
  if (!check.ok) throw new Error(check.message);
  return check.directory;
}

describe('the organisation directory kept on a device', () => {
  it('takes a roster signed by the org key, and survives being stored and read back', async () => {
    const org = await generateOrgKeyPair();
    const directory = await held(org, 3);
    expect(directory.roster.version).toBe(3);
    expect(parseHeldDirectory(JSON.parse(JSON.stringify(directory)))).toEqual(directory);
    expect(parseHeldDirectory({ roster: {} })).toBeUndefined();
  });

  it('refuses an altered roster, one older than the held copy, and one signed by another org key', async () => {
    const org = await generateOrgKeyPair();
    const current = await held(org, 5);
    const altered = await fetched(org, 6);
    (altered.signedRoster as { roster: Roster }).roster.users[0]!.displayName = 'Mallory';
    expect(await checkDirectory(altered, current)).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(await checkDirectory(await fetched(org, 4), current)).toMatchObject({ ok: false, code: 'stale_roster' });
    expect(await checkDirectory(await fetched(await generateOrgKeyPair(), 9), current)).toMatchObject({ ok: false, code: 'org_key_mismatch' });
    expect(await checkDirectory(await fetched(org, 5), current)).toMatchObject({ ok: true });
  });

  it('gives the domain its users (roles as grants) and units (names from the unit list)', async () => {
    const org = await generateOrgKeyPair();
    const directory = await held(org, 1);
    const { users, units } = directoryView(directory);
    expect(users).toHaveLength(directory.roster.users.length);
    const first = directory.roster.users[0]!;
    expect(users[0]).toEqual({ id: first.id, name: first.displayName, unitId: first.roles[0]!.unitId, grants: first.roles, active: true });
    expect(units.find((u) => u.id === 'unit-hq')?.name).toBe('Head office');
    const other = units.find((u) => u.id !== 'unit-hq')!;
    expect(other.name).toBe(other.id);
  });
});
