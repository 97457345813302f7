import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../testing/testServer';
import { startTestOrganisation, type TestOrganisation } from '../../testing/testOrganisation';

/**
 * Who may change whose role grants, over HTTP against the real server: every role of the actor
 * × grant / revoke × each role × where the target is (own unit, below it, another branch, and
 * oneself). The expected answers are written out by hand below, not read from the policy.
 */
const ROLE_NAMES = ['admin', 'custodian', 'approver', 'staff', 'auditor'] as const;
type RoleName = (typeof ROLE_NAMES)[number];
type Mode = 'grant' | 'revoke';
type Place = 'own unit' | 'subtree' | 'other branch' | 'other branch, on own unit' | 'self';
const PLACES: readonly Place[] = ['own unit', 'subtree', 'other branch', 'other branch, on own unit', 'self'];

/** Pairs one person may not hold (by hand, from the separation of duties). */
const CLASHES = new Set(['admin+approver', 'admin+staff', 'admin+auditor', 'custodian+auditor', 'approver+auditor', 'staff+auditor']);
const compatible = (a: RoleName, b: RoleName): boolean => !CLASHES.has(`${a}+${b}`) && !CLASHES.has(`${b}+${a}`);

interface Actor { readonly label: string; readonly role: RoleName; readonly hq: boolean }
const ACTORS: readonly Actor[] = [
  ...ROLE_NAMES.map((role) => ({ label: `${role} of the East branch`, role, hq: false })),
  { label: 'system administrator (admin at HQ)', role: 'admin', hq: true },
];

/** What should happen: `ok` or the refusal code. */
function expected(actor: Actor, mode: Mode, role: RoleName, place: Place): string {
  if (place === 'self') {
    if (mode === 'grant') return actor.role === 'admin' ? 'self_grant' : 'forbidden';
    // Giving a role up is allowed to whoever may manage roles; the setup gave the actor `role`
    // too where that combination is allowed, so an actor given `admin` may drop it.
    const holdsAdmin = actor.role === 'admin' || (role === 'admin' && compatible(actor.role, 'admin'));
    return holdsAdmin ? 'ok' : 'forbidden';
  }
  if (actor.role !== 'admin') return 'forbidden';
  if (actor.hq) return 'ok';
  return place === 'own unit' || place === 'subtree' ? 'ok' : 'out_of_scope';
}

describe('role grants: the whole role × action × scope matrix', () => {
  let org: TestOrganisation;
  let eastSite: string;
  /** A second system administrator, to set up the first one's own grants. */
  let otherHqAdmin: { cookie: string };
  const cookies = new Map<string, string>();
  const ids = new Map<string, string>();
  const targets = new Map<Place, { id: string; grantUnit: string }>();

  const call = (cookie: string, mode: Mode, userId: string, role: RoleName, unitId: string) =>
    org.server.call('POST', `/api/users/${userId}/grants${mode === 'revoke' ? '/revoke' : ''}`, { cookie, body: { role, unitId } });
  const setUp = async (cookie: string, mode: Mode, userId: string, role: RoleName, unitId: string) => {
    const res = await call(cookie, mode, userId, role, unitId);
    if (res.statusCode !== 200) throw new Error(`setup ${mode} ${role}@${unitId} for ${userId}: ${res.statusCode} ${res.body}`);
  };
  const holds = async (userId: string, role: RoleName, unitId: string): Promise<boolean> =>
    (await org.server.repos.users.get(userId))!.grants.some((g) => g.role === role && g.unitId === unitId);

  beforeAll(async () => {
    org = await startTestOrganisation();
    eastSite = await createUnit(org.server, org.admin.cookie, org.east, 'East site', 'site');
    otherHqAdmin = await org.invite(org.admin.rootUnitId, ['admin'], 'Second HQ admin');
    for (const actor of ACTORS) {
      if (actor.hq) {
        cookies.set(actor.label, org.admin.cookie);
        ids.set(actor.label, org.admin.userId);
        continue;
      }
      const person = await org.invite(org.east, [actor.role], actor.label);
      cookies.set(actor.label, person.cookie);
      ids.set(actor.label, person.userId);
    }
    // Targets with no role at all, so that any role may be granted to them.
    for (const [place, home, grantUnit] of [['own unit', org.east, org.east], ['subtree', eastSite, eastSite], ['other branch', org.west, org.west], ['other branch, on own unit', org.west, org.east]] as const) {
      const person = await org.invite(home, ['custodian'], `Target (${place})`);
      await setUp(org.admin.cookie, 'revoke', person.userId, 'custodian', home);
      targets.set(place, { id: person.userId, grantUnit });
    }
  });
  afterAll(async () => {
    await org?.close();
  });

  const cases = ACTORS.flatMap((actor) => (['grant', 'revoke'] as const).flatMap((mode) => ROLE_NAMES.flatMap((role) => PLACES.map((place) => [actor.label, mode, role, place, expected(actor, mode, role, place)] as const))));

  it.each(cases)('%s: %s %s (target: %s) → %s', async (label, mode, role, place, outcome) => {
    const actor = ACTORS.find((a) => a.label === label)!;
    const actorId = ids.get(label)!;
    const self = place === 'self';
    const userId = self ? actorId : targets.get(place)!.id;
    const unitId = self ? (actor.hq ? org.east : org.east) : targets.get(place)!.grantUnit;
    // Whoever sets the scene may: the second HQ admin for the first, the first for everyone else.
    const director = self && actor.hq ? otherHqAdmin.cookie : org.admin.cookie;
    const sceneRole = !self || compatible(actor.role, role);
    if (mode === 'revoke' && sceneRole) await setUp(director, 'grant', userId, role, unitId);
    const before = await holds(userId, role, unitId);

    const res = await call(cookies.get(label)!, mode, userId, role, unitId);

    if (outcome === 'ok') {
      expect(res.statusCode, res.body).toBe(200);
      expect(await holds(userId, role, unitId)).toBe(mode === 'grant');
    } else {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ error: outcome });
      expect(await holds(userId, role, unitId)).toBe(before);
    }
    // Back to the scene's start: the target holds nothing; the actor only their own role.
    if (await holds(userId, role, unitId) && !(self && role === actor.role && unitId === (actor.hq ? org.admin.rootUnitId : org.east))) {
      await setUp(director, 'revoke', userId, role, unitId);
    }
    if (self && !actor.hq && !(await holds(userId, actor.role, org.east))) await setUp(org.admin.cookie, 'grant', userId, actor.role, org.east);
  });
});

describe('role grants: separation of duties and the reported bypasses', () => {
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await startTestOrganisation();
  });
  afterAll(async () => {
    await org?.close();
  });

  const grant = (cookie: string, userId: string, role: string, unitId: string) =>
    org.server.call('POST', `/api/users/${userId}/grants`, { cookie, body: { role, unitId } });

  it('a branch administrator cannot make themself approver, on their branch or anywhere', async () => {
    const eastAdmin = await org.invite(org.east, ['admin'], 'East admin');
    for (const unitId of [org.east, org.west, org.admin.rootUnitId]) {
      const res = await grant(eastAdmin.cookie, eastAdmin.userId, 'approver', unitId);
      expect(res.statusCode, unitId).toBe(403);
    }
    expect((await grant(eastAdmin.cookie, eastAdmin.userId, 'approver', org.east)).json()).toMatchObject({ error: 'self_grant' });
    // The roster still lists them with admin only, so no device or replica would count their approval.
    const roster = await org.server.call('GET', '/api/roster', { cookie: eastAdmin.cookie });
    const listed = roster.json<{ roster: { users: { id: string; roles: { role: string }[] }[] } }>().roster.users.find((u) => u.id === eastAdmin.userId);
    expect(listed?.roles.map((r) => r.role)).toEqual(['admin']);
  });

  it('an administrator cannot change the grants of someone outside their scope, even on their own unit', async () => {
    const eastAdmin = await org.invite(org.east, ['admin'], 'East admin 2');
    const westie = await org.invite(org.west, ['staff'], 'West staff');
    expect((await org.server.call('GET', `/api/users/${westie.userId}`, { cookie: eastAdmin.cookie })).statusCode).toBe(403);
    for (const unitId of [org.east, org.west]) {
      const res = await grant(eastAdmin.cookie, westie.userId, 'approver', unitId);
      expect(res.statusCode, unitId).toBe(403);
      expect(res.json()).toMatchObject({ error: 'out_of_scope' });
      const revoke = await org.server.call('POST', `/api/users/${westie.userId}/grants/revoke`, { cookie: eastAdmin.cookie, body: { role: 'staff', unitId: org.west } });
      expect(revoke.json()).toMatchObject({ error: 'out_of_scope' });
    }
    expect((await org.server.repos.users.get(westie.userId))!.grants).toEqual([{ role: 'staff', unitId: org.west }]);
  });

  it('a branch administrator changes no role of a head-office administrator who lives in the branch', async () => {
    const eastAdmin = await org.invite(org.east, ['admin'], 'East admin 4');
    const hqAdmin = await org.invite(org.east, ['custodian'], 'HQ admin living in East');
    const plain = await org.invite(org.east, ['custodian'], 'Plain East custodian');
    expect((await grant(org.admin.cookie, hqAdmin.userId, 'admin', org.admin.rootUnitId)).statusCode).toBe(200);
    const eastSite = await createUnit(org.server, org.admin.cookie, org.east, 'East site (grants)', 'site');
    const revoke = (userId: string) => org.server.call('POST', `/api/users/${userId}/grants/revoke`, { cookie: eastAdmin.cookie, body: { role: 'custodian', unitId: org.east } });
    // As deactivating them is refused (requireManageOf): the same rule.
    expect((await org.server.call('POST', `/api/users/${hqAdmin.userId}/deactivate`, { cookie: eastAdmin.cookie })).json()).toMatchObject({ error: 'out_of_scope' });
    const revoked = await revoke(hqAdmin.userId);
    expect(revoked.statusCode, revoked.body).toBe(403);
    expect(revoked.json()).toMatchObject({ error: 'out_of_scope' });
    const granted = await grant(eastAdmin.cookie, hqAdmin.userId, 'custodian', eastSite);
    expect(granted.statusCode, granted.body).toBe(403);
    expect(granted.json()).toMatchObject({ error: 'out_of_scope' });
    expect((await org.server.repos.users.get(hqAdmin.userId))!.grants).toEqual([{ role: 'custodian', unitId: org.east }, { role: 'admin', unitId: org.admin.rootUnitId }]);
    // A custodian of the branch with no head-office role stays the branch administrator's to manage.
    expect((await grant(eastAdmin.cookie, plain.userId, 'custodian', eastSite)).statusCode).toBe(200);
    expect((await revoke(plain.userId)).statusCode).toBe(200);
  });

  it('refuses role combinations one person may not hold, whoever grants them', async () => {
    const pairs: [string, string, boolean][] = [
      ['auditor', 'admin', false], ['auditor', 'custodian', false], ['auditor', 'approver', false], ['auditor', 'staff', false],
      ['admin', 'approver', false], ['admin', 'staff', false], ['approver', 'admin', false], ['staff', 'admin', false], ['custodian', 'auditor', false],
      ['custodian', 'staff', true], ['custodian', 'approver', true], ['approver', 'staff', true], ['admin', 'custodian', true],
    ];
    for (const [held, added, allowed] of pairs) {
      const person = await org.invite(org.east, [held], `${held} then ${added}`);
      // On another unit too: the rule is about the person, not the unit.
      for (const unitId of [org.east, org.west]) {
        const res = await grant(org.admin.cookie, person.userId, added, unitId);
        expect(res.statusCode, `${held} + ${added}@${unitId}: ${res.body}`).toBe(allowed ? 200 : 403);
        if (!allowed) expect(res.json()).toMatchObject({ error: 'incompatible_roles' });
      }
    }
  });

  it('applies the same rules to invitations: scope and role combinations', async () => {
    const invite = (cookie: string, unitId: string, roles: string[]) => org.server.call('POST', '/api/invitations', { cookie, body: { unitId, roles } });
    for (const roles of [['admin', 'approver'], ['admin', 'staff'], ['auditor', 'staff'], ['auditor', 'custodian'], ['approver', 'auditor'], ['admin', 'auditor']]) {
      const res = await invite(org.admin.cookie, org.east, roles);
      expect(res.statusCode, roles.join('+')).toBe(403);
      expect(res.json()).toMatchObject({ error: 'incompatible_roles' });
    }
    for (const roles of [['custodian', 'staff'], ['approver', 'staff'], ['custodian', 'approver'], ['admin', 'custodian'], ['auditor']]) {
      expect((await invite(org.admin.cookie, org.east, roles)).statusCode, roles.join('+')).toBe(201);
    }
    const eastAdmin = await org.invite(org.east, ['admin'], 'East admin 3');
    expect((await invite(eastAdmin.cookie, org.west, ['staff'])).json()).toMatchObject({ error: 'out_of_scope' });
    expect((await invite(eastAdmin.cookie, org.admin.rootUnitId, ['approver'])).json()).toMatchObject({ error: 'out_of_scope' });
    const approver = await org.invite(org.east, ['approver'], 'East approver');
    expect((await invite(approver.cookie, org.east, ['staff'])).json()).toMatchObject({ error: 'forbidden' });
  });
});
