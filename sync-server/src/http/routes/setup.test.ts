import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSetup } from '../../auth/bootstrap';
import { setUpOrganisation, signIn, startTestServer, startTestStore, type TestServer, type TestStore } from '../../testing/testServer';

describe('first-start setup', () => {
  let testStore: TestStore;
  let server: TestServer;

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore);
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  it('issues a typable code of at least 80 bits and stores only its hash', async () => {
    expect(server.setupCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    const setup = await server.repos.meta.getSetup();
    expect(setup).toMatchObject({ state: 'pending' });
    expect(JSON.stringify(setup)).not.toContain(server.setupCode.replace(/-/g, ''));
    expect((await server.call('GET', '/api/setup')).json()).toEqual({ state: 'pending' });
  });

  it('refuses a wrong code (403 setup_code_invalid, as a wrong invitation code)', async () => {
    const res = await server.call('POST', '/api/setup/options', { body: { setupCode: 'AAAA-BBBB-CCCC-DDDD-EEEE', adminName: 'x', organisationName: 'y' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'setup_code_invalid' });
  });

  it('a restart before setup replaces the code: the old one stops working', async () => {
    const old = server.setupCode;
    const again = await prepareSetup(server.repos, server.clock.now());
    expect(again.state).toBe('pending');
    const res = await server.call('POST', '/api/setup/options', { body: { setupCode: old, adminName: 'x', organisationName: 'y' } });
    expect(res.statusCode).toBe(403);
    Object.assign(server, { setupCode: again.state === 'pending' ? again.code : '' });
  });

  it('registers the first passkey: HQ unit + system admin, signed in', async () => {
    const admin = await setUpOrganisation(server);
    const session = await server.call('GET', '/api/auth/session', { cookie: admin.cookie });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ session: { user: { name: 'Wang Admin', unitId: admin.rootUnitId, grants: [{ role: 'admin', unitId: admin.rootUnitId }], active: true } } });
    // Setup signed the administrator in with the new passkey: its first use; no label given, a neutral one.
    const passkeys = (await server.call('GET', '/api/auth/passkeys', { cookie: admin.cookie })).json<{ credentials: { createdAt: number; lastUsedAt?: number; label: string }[] }>();
    expect(passkeys.credentials).toEqual([expect.objectContaining({ label: 'Passkey · 通行密钥 1', lastUsedAt: passkeys.credentials[0]!.createdAt })]);
    const units = await server.call('GET', '/api/units', { cookie: admin.cookie });
    expect(units.json()).toMatchObject({ units: [{ id: admin.rootUnitId, name: 'HQ 总部', kind: 'hq', parentId: null }] });
    expect((await server.call('GET', '/api/setup')).json()).toEqual({ state: 'done' });
    // and can sign in again later with the same passkey
    const again = await signIn(server, admin.authenticator);
    expect(again.statusCode).toBe(200);
  });

  it('refuses the setup code once used (409 setup_already_done), and a restart issues none', async () => {
    const res = await server.call('POST', '/api/setup/options', { body: { setupCode: server.setupCode, adminName: 'Eve', organisationName: 'Evil' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'setup_already_done' });
    expect(await prepareSetup(server.repos, server.clock.now())).toEqual({ state: 'done' });
  });
});
