/**
 * Rules over several people or passkeys hold when two changes race: two system administrators
 * deactivating each other, or taking the HQ admin role from each other, at the same moment leave
 * one of them in charge (the other is told 409 `last_system_admin`); someone revoking both of
 * their passkeys at once keeps one (409 `last_passkey`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteAndRegister, setUpOrganisation, startTestServer, startTestStore, type TestServer, type TestStore } from '../../testing/testServer';

let testStore: TestStore;
let server: TestServer;
let admin: Awaited<ReturnType<typeof setUpOrganisation>>;

beforeAll(async () => {
  testStore = await startTestStore();
  server = await startTestServer(testStore);
  admin = await setUpOrganisation(server);
});
afterAll(async () => {
  await server?.close();
  await testStore?.close();
});

const outcome = (res: { statusCode: number; json: <T>() => T }) => (res.statusCode === 200 ? 200 : `${res.statusCode} ${res.json<{ error: string }>().error}`);

/** The active administrators on the HQ unit, as the store has them. */
const activeSystemAdmins = async (): Promise<string[]> =>
  (await server.repos.users.list()).filter((u) => u.active && u.grants.some((g) => g.role === 'admin' && g.unitId === admin.rootUnitId)).map((u) => u.id);

describe('the last system administrator, raced', () => {
  it('two of them deactivating each other at once: one is refused, one stays in charge (five rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      // Only these two are system administrators this round.
      const a = await inviteAndRegister(server, admin.cookie, admin.rootUnitId, ['admin'], `HQ admin A${round}`);
      const b = await inviteAndRegister(server, admin.cookie, admin.rootUnitId, ['admin'], `HQ admin B${round}`);
      expect((await server.call('POST', `/api/users/${admin.userId}/grants/revoke`, { cookie: a.cookie, body: { role: 'admin', unitId: admin.rootUnitId } })).statusCode).toBe(200);
      const answers = await Promise.all([
        server.call('POST', `/api/users/${b.userId}/deactivate`, { cookie: a.cookie }),
        server.call('POST', `/api/users/${a.userId}/deactivate`, { cookie: b.cookie }),
      ]);
      expect(answers.map(outcome).sort()).toEqual([200, '409 last_system_admin']);
      const left = await activeSystemAdmins();
      expect(left).toHaveLength(1);
      // Hand over for the next round: the one left makes the original administrator one again.
      const keeper = left[0] === a.userId ? a : b;
      expect((await server.call('POST', `/api/users/${admin.userId}/grants`, { cookie: keeper.cookie, body: { role: 'admin', unitId: admin.rootUnitId } })).statusCode).toBe(200);
      expect((await server.call('POST', `/api/users/${keeper.userId}/grants/revoke`, { cookie: admin.cookie, body: { role: 'admin', unitId: admin.rootUnitId } })).statusCode).toBe(200);
    }
  });

  it('two of them taking the HQ admin role from each other at once, or one deactivating while the other takes the role: one is refused', async () => {
    for (const mixed of [false, true]) {
      const a = await inviteAndRegister(server, admin.cookie, admin.rootUnitId, ['admin'], `HQ admin C${String(mixed)}`);
      const b = await inviteAndRegister(server, admin.cookie, admin.rootUnitId, ['admin'], `HQ admin D${String(mixed)}`);
      expect((await server.call('POST', `/api/users/${admin.userId}/grants/revoke`, { cookie: a.cookie, body: { role: 'admin', unitId: admin.rootUnitId } })).statusCode).toBe(200);
      const answers = await Promise.all([
        mixed
          ? server.call('POST', `/api/users/${b.userId}/deactivate`, { cookie: a.cookie })
          : server.call('POST', `/api/users/${b.userId}/grants/revoke`, { cookie: a.cookie, body: { role: 'admin', unitId: admin.rootUnitId } }),
        server.call('POST', `/api/users/${a.userId}/grants/revoke`, { cookie: b.cookie, body: { role: 'admin', unitId: admin.rootUnitId } }),
      ]);
      expect(answers.map(outcome).sort()).toEqual([200, '409 last_system_admin']);
      const left = await activeSystemAdmins();
      expect(left).toHaveLength(1);
      const keeper = left[0] === a.userId ? a : b;
      expect((await server.call('POST', `/api/users/${admin.userId}/grants`, { cookie: keeper.cookie, body: { role: 'admin', unitId: admin.rootUnitId } })).statusCode).toBe(200);
      expect((await server.call('POST', `/api/users/${keeper.userId}/grants/revoke`, { cookie: admin.cookie, body: { role: 'admin', unitId: admin.rootUnitId } })).statusCode).toBe(200);
    }
  });
});

describe('one\'s last passkey, raced', () => {
  it('revoking both of one\'s passkeys at once keeps one (five rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const owner = await inviteAndRegister(server, admin.cookie, admin.rootUnitId, ['auditor'], `Owner ${round}`);
      const options = await server.call('POST', '/api/auth/passkeys/options', { cookie: owner.cookie });
      const spare = await server.call('POST', '/api/auth/passkeys/verify', { cookie: owner.cookie, body: { response: await server.authenticator().register(options.json()) } });
      expect(spare.statusCode, spare.body).toBe(201);
      const spareId = spare.json<{ credential: { id: string } }>().credential.id;
      const answers = await Promise.all([owner.credentialId, spareId].map((id) => server.call('POST', `/api/credentials/${encodeURIComponent(id)}/revoke`, { cookie: owner.cookie })));
      expect(answers.map(outcome).sort()).toEqual([200, '409 last_passkey']);
      expect((await server.repos.credentials.ofUser(owner.userId)).filter((c) => c.revokedAt === undefined)).toHaveLength(1);
    }
  });
});
