import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrganisation, type TestOrganisation, type TestPerson } from '../../testing/testOrganisation';
import { verifyAuditChain } from '../../couch/auditLog';
import type { AuditRecord } from '../../couch/model';

describe('administration: units, roles, users, audit', () => {
  let org: TestOrganisation;
  let eastAdmin: TestPerson;

  beforeAll(async () => {
    org = await startTestOrganisation();
    eastAdmin = await org.invite(org.east, ['admin'], 'East Admin');
  });
  afterAll(async () => {
    await org?.close();
  });

  const fence = { lat: 31.2304, lon: 121.4737, radiusM: 300 };

  it('creates a site with a geofence and updates it; refuses a geofence on a branch', async () => {
    const created = await org.server.call('POST', '/api/units', { cookie: eastAdmin.cookie, body: { name: 'Pudong site', kind: 'site', parentId: org.east, geofence: fence } });
    expect(created.statusCode).toBe(201);
    const site = created.json<{ unit: { id: string } }>().unit;
    expect(site).toMatchObject({ kind: 'site', parentId: org.east, geofence: fence });
    const moved = await org.server.call('PATCH', `/api/units/${site.id}`, { cookie: eastAdmin.cookie, body: { geofence: { ...fence, radiusM: 500 }, name: 'Pudong site A' } });
    expect(moved.json()).toMatchObject({ unit: { name: 'Pudong site A', geofence: { radiusM: 500 } } });
    const cleared = await org.server.call('PATCH', `/api/units/${site.id}`, { cookie: eastAdmin.cookie, body: { geofence: null } });
    expect(cleared.json<{ unit: object }>().unit).not.toHaveProperty('geofence');
    const bad = await org.server.call('POST', '/api/units', { cookie: org.admin.cookie, body: { name: 'B', kind: 'branch', parentId: org.east, geofence: fence } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'unit_invalid' });
    const underSite = await org.server.call('POST', '/api/units', { cookie: org.admin.cookie, body: { name: 'S', kind: 'site', parentId: site.id } });
    expect(underSite.json()).toMatchObject({ error: 'unit_invalid' });
  });

  it('refuses unit changes outside the admin\'s subtree (403 out_of_scope) and without the role (403 forbidden)', async () => {
    const outside = await org.server.call('POST', '/api/units', { cookie: eastAdmin.cookie, body: { name: 'X', kind: 'site', parentId: org.west } });
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ error: 'out_of_scope' });
    const rename = await org.server.call('PATCH', `/api/units/${org.admin.rootUnitId}`, { cookie: eastAdmin.cookie, body: { name: 'Mine now' } });
    expect(rename.json()).toMatchObject({ error: 'out_of_scope' });
    const staff = await org.invite(org.east, ['staff'], 'Staff');
    const noRole = await org.server.call('POST', '/api/units', { cookie: staff.cookie, body: { name: 'Y', kind: 'site', parentId: org.east } });
    expect(noRole.statusCode).toBe(403);
    expect(noRole.json()).toMatchObject({ error: 'forbidden' });
  });

  it('grants and revokes roles within scope only', async () => {
    const person = await org.invite(org.east, ['staff'], 'Sun Staff');
    const grant = await org.server.call('POST', `/api/users/${person.userId}/grants`, { cookie: eastAdmin.cookie, body: { role: 'approver', unitId: org.east } });
    expect(grant.statusCode).toBe(200);
    expect(grant.json()).toMatchObject({ user: { grants: [{ role: 'staff', unitId: org.east }, { role: 'approver', unitId: org.east }] } });
    const outside = await org.server.call('POST', `/api/users/${person.userId}/grants`, { cookie: eastAdmin.cookie, body: { role: 'approver', unitId: org.west } });
    expect(outside.json()).toMatchObject({ error: 'out_of_scope' });
    const revoke = await org.server.call('POST', `/api/users/${person.userId}/grants/revoke`, { cookie: eastAdmin.cookie, body: { role: 'approver', unitId: org.east } });
    expect(revoke.json()).toMatchObject({ user: { grants: [{ role: 'staff', unitId: org.east }] } });
  });

  it('lists only users within the reader\'s subtrees', async () => {
    const westie = await org.invite(org.west, ['staff'], 'West Staff');
    const forEast = (await org.server.call('GET', '/api/users', { cookie: eastAdmin.cookie })).json<{ users: { id: string }[] }>().users.map((u) => u.id);
    expect(forEast).toContain(eastAdmin.userId);
    expect(forEast).not.toContain(westie.userId);
    expect(forEast).not.toContain(org.admin.userId);
    const forHq = (await org.server.call('GET', '/api/users', { cookie: org.admin.cookie })).json<{ users: { id: string; credentials: unknown[] }[] }>().users;
    expect(forHq.map((u) => u.id)).toEqual(expect.arrayContaining([westie.userId, org.admin.userId, eastAdmin.userId]));
    expect(forHq[0]!.credentials.length).toBeGreaterThan(0);
  });

  it('never leaves the organisation without a system administrator', async () => {
    const res = await org.server.call('POST', `/api/users/${org.admin.userId}/grants/revoke`, { cookie: org.admin.cookie, body: { role: 'admin', unitId: org.admin.rootUnitId } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'last_system_admin' });
    expect((await org.server.call('POST', `/api/users/${org.admin.userId}/deactivate`, { cookie: org.admin.cookie })).json()).toMatchObject({ error: 'last_system_admin' });
  });

  it('records every change in a hash-chained audit log that admins and auditors read', async () => {
    const res = await org.server.call('GET', '/api/audit?limit=500', { cookie: org.admin.cookie });
    expect(res.statusCode).toBe(200);
    const { records } = res.json<{ records: AuditRecord[] }>();
    const actions = records.map((r) => r.action);
    expect(actions.slice(0, 3)).toEqual(['setup.complete', 'user.create', 'credential.register']);
    expect(actions).toEqual(expect.arrayContaining(['unit.create', 'unit.update', 'invitation.create', 'invitation.use', 'user.grant_role', 'user.revoke_role']));
    const update = records.find((r) => r.action === 'unit.update')!;
    expect(update).toMatchObject({ actor: { userId: eastAdmin.userId }, before: { name: 'Pudong site' }, after: { name: 'Pudong site A' } });
    expect(await verifyAuditChain(records)).toMatchObject({ ok: true, length: records.length });
    expect((await org.server.call('GET', '/api/audit/verify', { cookie: org.admin.cookie })).json()).toMatchObject({ ok: true });
    // A unit admin sees the records of their subtree only.
    const scoped = (await org.server.call('GET', '/api/audit?limit=500', { cookie: eastAdmin.cookie })).json<{ records: AuditRecord[] }>().records;
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((r) => r.unitId !== org.admin.rootUnitId && r.unitId !== org.west)).toBe(true);
    const staff = await org.invite(org.east, ['staff'], 'Nosy');
    expect((await org.server.call('GET', '/api/audit', { cookie: staff.cookie })).json()).toMatchObject({ error: 'forbidden' });
  });

  it('detects tampering: an altered record breaks the chain, and the store refuses rewrites', async () => {
    const records = await org.server.repos.audit.list(0, 500);
    const altered = records.map((r, i) => (i === 2 ? { ...r, after: { ...(r.after as object), label: 'forged' } } : r));
    expect(await verifyAuditChain(altered)).toMatchObject({ ok: false, seq: 3, code: 'hash_mismatch' });
    const dropped = records.filter((_, i) => i !== 1);
    expect(await verifyAuditChain(dropped)).toMatchObject({ ok: false, code: 'sequence_gap' });
    const db = org.server.store.couch.use<AuditRecord>(org.server.store.dbName('audit'));
    const stored = await db.get('audit:000000000001');
    await expect(db.insert({ ...stored, action: 'nothing.happened' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(db.destroy(stored._id, stored._rev)).rejects.toMatchObject({ statusCode: 403 });
  });
});
