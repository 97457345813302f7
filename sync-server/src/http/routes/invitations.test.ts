import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../testing/testServer';
import { startTestOrganisation, type TestOrganisation } from '../../testing/testOrganisation';

describe('invitations', () => {
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await startTestOrganisation();
  });
  afterAll(async () => {
    await org?.close();
  });

  const invite = (cookie: string, unitId: string, roles: string[], extra: object = {}) =>
    org.server.call('POST', '/api/invitations', { cookie, body: { unitId, roles, ...extra } });
  const registerOptions = (code: string) => org.server.call('POST', '/api/auth/register/options', { body: { invitationCode: code, name: 'Invitee' } });

  it('creates a single-use code (72 h by default) and stores only its hash', async () => {
    const res = await invite(org.admin.cookie, org.east, ['staff', 'approver'], { note: 'Site manager' });
    expect(res.statusCode).toBe(201);
    const { invitation, code } = res.json<{ invitation: { id: string; expiresAt: number; state: string }; code: string }>();
    expect(invitation.expiresAt - org.server.clock.now()).toBe(72 * 3_600_000);
    expect(invitation.state).toBe('open');
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(JSON.stringify(await org.server.repos.invitations.get(invitation.id))).not.toContain(code.replace(/-/g, ''));
    const check = await org.server.call('POST', '/api/invitations/check', { body: { invitationCode: code.toLowerCase() } });
    expect(check.json()).toMatchObject({ unit: { id: org.east, name: 'East branch', kind: 'branch', path: ['HQ 总部', 'East branch'] }, roles: ['staff', 'approver'] });
  });

  it('tells an invitee to a site where it sits: its kind and the names from HQ down', async () => {
    const site = await createUnit(org.server, org.admin.cookie, org.west, 'Site 3', 'site');
    const { code } = (await invite(org.admin.cookie, site, ['staff'])).json<{ code: string }>();
    const check = await org.server.call('POST', '/api/invitations/check', { body: { invitationCode: code } });
    expect(check.statusCode).toBe(200);
    expect(check.json()).toMatchObject({ unit: { id: site, name: 'Site 3', kind: 'site', path: ['HQ 总部', 'West branch', 'Site 3'] } });
  });

  it('registers the invitee with the invitation\'s unit and roles; the code is then used up (409)', async () => {
    const user = await org.invite(org.east, ['approver'], 'Chen Approver');
    const me = await org.server.call('GET', '/api/auth/session', { cookie: user.cookie });
    expect(me.json()).toMatchObject({ session: { user: { unitId: org.east, grants: [{ role: 'approver', unitId: org.east }] }, credentialId: user.credentialId } });
    // Registering signed them in: the passkey's first use, named neutrally as none was given.
    const [passkey] = (await org.server.call('GET', '/api/auth/passkeys', { cookie: user.cookie })).json<{ credentials: { createdAt: number; lastUsedAt?: number; label: string }[] }>().credentials;
    expect(passkey).toMatchObject({ label: 'Passkey · 通行密钥 1', lastUsedAt: passkey!.createdAt });
    const again = await registerOptions(user.code);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'invitation_used' });
  });

  it('refuses a second registration racing on the same invitation (409 invitation_used)', async () => {
    const { code } = (await invite(org.admin.cookie, org.east, ['staff'])).json<{ code: string }>();
    const a = org.server.authenticator();
    const b = org.server.authenticator();
    const optionsA = (await registerOptions(code)).json<never>();
    const optionsB = (await registerOptions(code)).json<never>();
    const first = await org.server.call('POST', '/api/auth/register/verify', { body: { response: await a.register(optionsA) } });
    const second = await org.server.call('POST', '/api/auth/register/verify', { body: { response: await b.register(optionsB) } });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'invitation_used' });
  });

  it('refuses an expired invitation (410 invitation_expired)', async () => {
    const { code } = (await invite(org.admin.cookie, org.east, ['staff'], { ttlHours: 1 })).json<{ code: string }>();
    org.server.clock.advance(3_600_001);
    const res = await registerOptions(code);
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ error: 'invitation_expired' });
  });

  it('refuses an invitation that expires between options and verify', async () => {
    const { code } = (await invite(org.admin.cookie, org.east, ['staff'], { ttlHours: 0.01 })).json<{ code: string }>();
    const options = (await registerOptions(code)).json<never>();
    org.server.clock.advance(40_000);
    const res = await org.server.call('POST', '/api/auth/register/verify', { body: { response: await org.server.authenticator().register(options) } });
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ error: 'invitation_expired' });
  });

  it('refuses a withdrawn invitation (410 invitation_revoked) and an unknown code (403 invitation_invalid, as a wrong setup code)', async () => {
    const created = (await invite(org.admin.cookie, org.west, ['staff'])).json<{ code: string; invitation: { id: string } }>();
    const revoked = await org.server.call('POST', `/api/invitations/${created.invitation.id}/revoke`, { cookie: org.admin.cookie });
    expect(revoked.json()).toMatchObject({ invitation: { state: 'revoked' } });
    expect((await registerOptions(created.code)).json()).toMatchObject({ error: 'invitation_revoked' });
    for (const res of [await registerOptions('0000-0000-0000-0000-0000'), await org.server.call('POST', '/api/invitations/check', { body: { invitationCode: 'not a code' } })]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'invitation_invalid' });
    }
  });

  it('stands only while its maker may still invite: a maker deactivated, or who lost the admin role, leaves it withdrawn (410)', async () => {
    const rogue = await org.invite(org.admin.rootUnitId, ['admin'], 'Rogue HQ admin');
    const ahead = (await invite(rogue.cookie, org.admin.rootUnitId, ['admin'])).json<{ code: string }>();
    const demoted = await org.invite(org.east, ['admin'], 'Demoted East admin');
    const fromDemoted = (await invite(demoted.cookie, org.east, ['staff'])).json<{ code: string }>();
    const standing = (await invite(org.admin.cookie, org.east, ['staff'])).json<{ code: string }>();
    // Taken with options before the maker's end: the registration is refused all the same.
    const options = (await registerOptions(ahead.code)).json<never>();
    expect((await org.server.call('POST', `/api/users/${rogue.userId}/deactivate`, { cookie: org.admin.cookie })).statusCode).toBe(200);
    expect((await org.server.call('POST', `/api/users/${demoted.userId}/grants/revoke`, { cookie: org.admin.cookie, body: { role: 'admin', unitId: org.east } })).statusCode).toBe(200);
    const usersBefore = (await org.server.repos.users.list()).length;
    const verify = await org.server.call('POST', '/api/auth/register/verify', { body: { response: await org.server.authenticator().register(options) } });
    expect({ status: verify.statusCode, error: verify.json<{ error: string }>().error }).toEqual({ status: 410, error: 'invitation_revoked' });
    for (const code of [ahead.code, fromDemoted.code]) {
      const check = await org.server.call('POST', '/api/invitations/check', { body: { invitationCode: code } });
      expect({ status: check.statusCode, error: check.json<{ error: string }>().error }).toEqual({ status: 410, error: 'invitation_revoked' });
      expect((await registerOptions(code)).json()).toMatchObject({ error: 'invitation_revoked' });
    }
    expect((await org.server.repos.users.list()).length).toBe(usersBefore);
    // The list says so too.
    const listed = (await org.server.call('GET', '/api/invitations', { cookie: org.admin.cookie })).json<{ invitations: { createdBy: string; state: string }[] }>().invitations;
    for (const maker of [rogue.userId, demoted.userId]) expect(listed.filter((i) => i.createdBy === maker).map((i) => i.state)).toEqual(['revoked']);
    // One whose maker still may is used as ever.
    expect((await registerOptions(standing.code)).statusCode).toBe(200);
  });

  it('lets a unit admin invite within their subtree only (403 out_of_scope elsewhere)', async () => {
    const eastAdmin = await org.invite(org.east, ['admin'], 'East Admin');
    const site = await createUnit(org.server, eastAdmin.cookie, org.east, 'East site 1', 'site');
    expect((await invite(eastAdmin.cookie, site, ['staff'])).statusCode).toBe(201);
    const outside = await invite(eastAdmin.cookie, org.west, ['staff']);
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ error: 'out_of_scope' });
    const above = await invite(eastAdmin.cookie, org.admin.rootUnitId, ['admin']);
    expect(above.json()).toMatchObject({ error: 'out_of_scope' });
    const list = await org.server.call('GET', '/api/invitations', { cookie: eastAdmin.cookie });
    const units = list.json<{ invitations: { unitId: string }[] }>().invitations.map((i) => i.unitId);
    expect(units.length).toBeGreaterThan(0);
    expect(units.every((u) => u === org.east || u === site)).toBe(true);
  });

  it('refuses someone without the admin role (403 forbidden)', async () => {
    const staff = await org.invite(org.east, ['staff'], 'Staff');
    const res = await invite(staff.cookie, org.east, ['staff']);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'forbidden' });
    expect((await org.server.call('GET', '/api/invitations', { cookie: staff.cookie })).json()).toMatchObject({ error: 'forbidden' });
  });

  it('validates the body (400 invalid_body): unknown role, repeated roles', async () => {
    expect((await invite(org.admin.cookie, org.east, ['overlord'])).json()).toMatchObject({ error: 'invalid_body' });
    expect((await invite(org.admin.cookie, org.east, ['staff', 'staff'])).json()).toMatchObject({ error: 'invalid_body' });
    expect((await invite(org.admin.cookie, 'unit_nope', ['staff'])).json()).toMatchObject({ error: 'unit_invalid' });
  });
});
