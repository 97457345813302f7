/**
 * People and units changed by administrators, over HTTP against the real server and store, with
 * hostile callers: someone who is not an administrator, an administrator of another branch, an
 * administrator deactivating themselves, the last HQ administrator, a unit moved under its own
 * subtree. Every refusal is a clear 4xx with its code, never a 5xx; every change has its audit
 * record. Deactivating someone who left stops their passkeys and session and withdraws their open
 * requests, which every replica in scope then holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICA_USER_HEADER, type UseRequest } from '@seal/shared';
import type { AuditRecord } from '../../sync-server/src/couch/model';
import { signIn } from '../../sync-server/src/testing/testServer';
import { sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let branchAdmin: Person;
let otherAdmin: Person;
let custodian: Person;
let leaver: Person;
let auditor: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  branchAdmin = await world.person(world.branchId, ['admin'], 'Branch admin 分公司管理员');
  otherAdmin = await world.person(world.otherBranchId, ['admin'], 'Other admin');
  custodian = await world.person(world.siteId, ['custodian'], 'Keeper 保管员');
  leaver = await world.person(world.siteId, ['staff'], 'Leaver 离职员工');
  auditor = await world.person(world.admin.rootUnitId, ['auditor'], 'Auditor 审计');
}, 60_000);
afterAll(async () => running?.close());

const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, who: Person | undefined, body?: unknown) => {
  const res = await running.server.call(method, url, { ...(who ? { cookie: who.cookie } : {}), ...(body === undefined ? {} : { body }) });
  // No input answers 5xx: whatever the test sends, the server refuses it clearly or does it.
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
};
const refused = async (method: 'GET' | 'POST' | 'PATCH', url: string, who: Person | undefined, status: number, error: string, body?: unknown) => {
  const res = await call(method, url, who, body);
  expect({ status: res.status, error: res.body.error }, JSON.stringify(res.body)).toEqual({ status, error });
  expect(typeof res.body.message).toBe('string');
};
const auditActions = async (): Promise<AuditRecord[]> => {
  const all: AuditRecord[] = [];
  for (let after = 0; ;) {
    const page = (await call('GET', `/api/audit?limit=500&after=${after}`, world.admin)).body as { records: AuditRecord[]; nextAfter: number };
    all.push(...page.records);
    if (page.nextAfter === after) return all;
    after = page.nextAfter;
  }
};

const request = (id: string, requesterId: string, unitId: string, sealId: string, notAfter: number): UseRequest => ({
  id, requesterId, unitId, sealId,
  document: { title: '分包合同', sha256: 'cd'.repeat(32), pages: 2 },
  copies: 1, purpose: 'subcontract', usesRequested: 1,
  window: { notBefore: notAfter - 14 * 86_400_000, notAfter },
  place: { unitId }, createdAt: notAfter - 14 * 86_400_000,
}) as UseRequest;

describe('deactivating someone who left', () => {
  it('is refused to whoever does not manage them, and to an administrator deactivating themselves', async () => {
    const url = `/api/users/${leaver.userId}/deactivate`;
    await refused('POST', url, undefined, 401, 'unauthenticated');
    await refused('POST', url, custodian, 403, 'forbidden');
    await refused('POST', url, auditor, 403, 'forbidden');
    await refused('POST', url, otherAdmin, 403, 'out_of_scope');
    await refused('POST', `/api/users/${branchAdmin.userId}/deactivate`, branchAdmin, 403, 'self_deactivation');
    // The only HQ administrator can neither deactivate themselves nor give up the HQ admin role.
    await refused('POST', `/api/users/${world.admin.userId}/deactivate`, world.admin, 409, 'last_system_admin');
    await refused('POST', `/api/users/${world.admin.userId}/grants/revoke`, world.admin, 409, 'last_system_admin', { role: 'admin', unitId: world.admin.rootUnitId });
    // A branch administrator does not reach the HQ administrator.
    await refused('POST', `/api/users/${world.admin.userId}/deactivate`, branchAdmin, 403, 'out_of_scope');
    await refused('POST', '/api/users/user-nobody/deactivate', world.admin, 404, 'not_found');
    await refused('POST', '/api/users/%20bad%20id/deactivate', world.admin, 400, 'invalid_query');
    expect((await running.server.repos.users.get(leaver.userId))?.active).toBe(true);
  });

  it('is refused to a branch administrator for someone of the branch who also holds a role above it, and so is revoking their passkey', async () => {
    // Someone who lives in the branch, later made an administrator of the whole organisation.
    const promoted = await world.person(world.branchId, ['admin'], 'Promoted 升任总部管理员');
    const granted = await call('POST', `/api/users/${promoted.userId}/grants`, world.admin, { role: 'admin', unitId: world.admin.rootUnitId });
    expect(granted.status, JSON.stringify(granted.body)).toBeLessThan(300);
    await refused('POST', `/api/users/${promoted.userId}/deactivate`, branchAdmin, 403, 'out_of_scope');
    await refused('POST', `/api/credentials/${encodeURIComponent(promoted.credentialId)}/revoke`, branchAdmin, 403, 'out_of_scope');
    expect((await running.server.repos.users.get(promoted.userId))?.active).toBe(true);
    expect((await running.server.repos.credentials.get(promoted.credentialId))?.revokedAt).toBeUndefined();
    // Someone of the branch with roles in the branch only stays the branch administrator's to manage.
    const colleague = await world.person(world.branchId, ['approver'], 'Colleague 同事');
    expect((await call('POST', `/api/credentials/${encodeURIComponent(colleague.credentialId)}/revoke`, branchAdmin)).status).toBe(200);
    // The organisation's administrator reaches both.
    expect((await call('POST', `/api/users/${promoted.userId}/deactivate`, world.admin)).status).toBe(200);
  });

  it('stops their passkeys and session and withdraws their open requests, with an audit record', async () => {
    const now = running.server.clock.now();
    const custody = await replicas.open(custodian, 'custody');
    await custody.store.records.create('seal', sealRecord('seal-site', world.siteId, custodian.userId));
    await syncAll([custody]);
    const tablet = await replicas.open(leaver, 'leaver-tablet');
    await syncAll([tablet]);
    const open1 = request('req-open-1', leaver.userId, world.siteId, 'seal-site', now + 7 * 86_400_000);
    const open2 = request('req-open-2', leaver.userId, world.siteId, 'seal-site', now + 3 * 86_400_000);
    const closed = request('req-closed', leaver.userId, world.siteId, 'seal-site', now - 86_400_000);
    for (const r of [open1, open2, closed]) await tablet.store.records.create('request', r);
    await syncAll([tablet]);
    await replicas.close(tablet);

    const done = await call('POST', `/api/users/${leaver.userId}/deactivate`, branchAdmin);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ user: { id: leaver.userId, active: false }, haltedRequests: ['req-open-1', 'req-open-2'], requestsOutOfScope: [] });

    // Their session is over, their passkey no longer signs in, the roster drops it.
    expect((await running.server.call('GET', '/api/auth/session', { cookie: leaver.cookie })).statusCode).toBe(401);
    // Their sync requests too, whichever user they name as their replica's.
    for (const named of [leaver.userId, custodian.userId, 'user-nobody']) {
      const pull = await running.server.call('GET', '/api/sync/pull', { cookie: leaver.cookie, headers: { [REPLICA_USER_HEADER]: named } });
      expect({ named, status: pull.statusCode, error: pull.json<{ error: string }>().error }).toEqual({ named, status: 401, error: 'session_expired' });
    }
    const again = await signIn(running.server, leaver.authenticator, leaver.credentialId);
    expect({ status: again.statusCode, error: again.json<{ error: string }>().error }).toEqual({ status: 403, error: 'user_deactivated' });
    const roster = (await call('GET', '/api/roster', custodian)).body.roster as { users: { id: string }[]; revokedCredentials: { id: string; userId: string }[] };
    expect(roster.users.map((u) => u.id)).not.toContain(leaver.userId);
    expect(roster.revokedCredentials).toContainEqual(expect.objectContaining({ id: leaver.credentialId, userId: leaver.userId }));

    // The custodian's replica holds each withdrawal, by the administrator who deactivated them.
    await syncAll([custody]);
    for (const id of ['req-open-1', 'req-open-2']) {
      const projection = await custody.store.projection(`request:${id}`);
      expect(projection?.derived.cancellationIds).toHaveLength(1);
      expect(String((projection?.derived.cancellationIds as string[])[0])).toContain(`:cancel:${branchAdmin.userId}:`);
    }
    expect((await custody.store.projection('request:req-closed'))?.derived.cancellationIds).toEqual([]);

    // The people list says so; a second deactivation changes nothing and withdraws nothing again.
    const users = (await call('GET', '/api/users', branchAdmin)).body.users as { id: string; active: boolean; deactivatedAt?: number }[];
    expect(users.find((u) => u.id === leaver.userId)).toMatchObject({ active: false, deactivatedAt: now });
    expect((await call('POST', `/api/users/${leaver.userId}/deactivate`, branchAdmin)).body).toMatchObject({ haltedRequests: [] });
    const records = (await auditActions()).filter((r) => r.target.id === leaver.userId && r.action !== 'user.create');
    expect(records.map((r) => r.action)).toEqual(['user.deactivate', 'user.requests_halted']);
    expect(records[1]!.after).toEqual({ haltedRequests: ['req-open-1', 'req-open-2'], requestsOutOfScope: [] });
    expect(records.every((r) => 'userId' in r.actor && r.actor.userId === branchAdmin.userId)).toBe(true);
  });
});

describe('moving and closing units', () => {
  it('refuses a move by someone who does not cover both ends, a move into its own subtree, and moving the HQ', async () => {
    const url = `/api/units/${world.siteId}/move`;
    await refused('POST', url, custodian, 403, 'forbidden', { parentId: world.otherBranchId });
    await refused('POST', url, auditor, 403, 'forbidden', { parentId: world.otherBranchId });
    await refused('POST', url, otherAdmin, 403, 'out_of_scope', { parentId: world.otherBranchId });
    await refused('POST', url, branchAdmin, 403, 'out_of_scope', { parentId: world.otherBranchId });
    await refused('POST', `/api/units/${world.branchId}/move`, world.admin, 409, 'unit_cycle', { parentId: world.siteId });
    await refused('POST', `/api/units/${world.branchId}/move`, world.admin, 409, 'unit_cycle', { parentId: world.branchId });
    await refused('POST', `/api/units/${world.admin.rootUnitId}/move`, world.admin, 400, 'unit_invalid', { parentId: world.branchId });
    await refused('POST', url, world.admin, 400, 'unit_invalid', { parentId: 'unit-nowhere' });
    await refused('POST', url, world.admin, 400, 'invalid_body', { parentId: world.otherBranchId, name: 'extra' });
    await refused('POST', url, world.admin, 400, 'invalid_body', {});
    await refused('POST', '/api/units/unit-nowhere/move', world.admin, 404, 'not_found', { parentId: world.otherBranchId });
    const siteUnder = (await call('POST', '/api/units', world.admin, { name: 'Under a site', kind: 'site', parentId: world.otherBranchId })).body.unit as { id: string };
    await refused('POST', `/api/units/${world.branchId}/move`, world.admin, 400, 'unit_invalid', { parentId: siteUnder.id });
    expect((await running.server.repos.units.get(world.siteId))?.parentId).toBe(world.branchId);
  });

  it('moves a site with its people\'s grants to another branch: a new roster version, an audit record, and the new branch admin covers it', async () => {
    const before = (await call('GET', '/api/roster', custodian)).body.roster as { version: number };
    const moved = await call('POST', `/api/units/${world.siteId}/move`, world.admin, { parentId: world.otherBranchId });
    expect(moved).toMatchObject({ status: 200, body: { unit: { id: world.siteId, parentId: world.otherBranchId } } });
    const after = (await call('GET', '/api/roster', custodian)).body.roster as { version: number; units: { id: string; parentId: string }[] };
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.units.find((u) => u.id === world.siteId)?.parentId).toBe(world.otherBranchId);
    // The old branch's admin lost the site; the other branch's admin gained it.
    await refused('PATCH', `/api/units/${world.siteId}`, branchAdmin, 403, 'out_of_scope', { name: 'Renamed by the old branch' });
    expect((await call('PATCH', `/api/units/${world.siteId}`, otherAdmin, { name: '西区项目部' })).status).toBe(200);
    const record = (await auditActions()).filter((r) => r.action === 'unit.move').at(-1);
    expect(record).toMatchObject({ target: { id: world.siteId }, before: { parentId: world.branchId }, after: { parentId: world.otherBranchId } });
  });

  it('closes only an empty unit; a closed unit takes no new people, roles or units', async () => {
    await refused('POST', `/api/units/${world.siteId}/close`, world.admin, 409, 'unit_not_empty');
    await refused('POST', `/api/units/${world.otherBranchId}/close`, world.admin, 409, 'unit_not_empty');
    await refused('POST', `/api/units/${world.admin.rootUnitId}/close`, world.admin, 400, 'unit_invalid');
    const empty = (await call('POST', '/api/units', world.admin, { name: 'Finished site 已完工项目部', kind: 'site', parentId: world.branchId })).body.unit as { id: string };
    await refused('POST', `/api/units/${empty.id}/close`, custodian, 403, 'forbidden');
    await refused('POST', `/api/units/${empty.id}/close`, otherAdmin, 403, 'out_of_scope');
    const closed = await call('POST', `/api/units/${empty.id}/close`, branchAdmin);
    expect(closed.status).toBe(200);
    expect(typeof (closed.body.unit as { closedAt?: number }).closedAt).toBe('number');
    await refused('POST', '/api/invitations', world.admin, 409, 'unit_closed', { unitId: empty.id, roles: ['staff'] });
    await refused('POST', `/api/users/${custodian.userId}/grants`, world.admin, 409, 'unit_closed', { role: 'custodian', unitId: empty.id });
    await refused('POST', `/api/units/${world.otherBranchId}/move`, world.admin, 409, 'unit_closed', { parentId: empty.id });
    const record = (await auditActions()).find((r) => r.action === 'unit.close');
    expect(record).toMatchObject({ target: { id: empty.id }, actor: { userId: branchAdmin.userId } });
  });
});
