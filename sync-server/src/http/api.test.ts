import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpOrganisation, startTestServer, startTestStore, type TestServer, type TestStore } from '../testing/testServer';
import { DEFAULT_BODY_LIMIT } from './buildServer';

describe('API hygiene', () => {
  let testStore: TestStore;
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore);
    cookie = (await setUpOrganisation(server)).cookie;
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const res = await server.call('POST', '/api/auth/login/verify', { headers: { 'content-type': 'application/json' }, body: '{"response":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_json' });
  });

  it('refuses an oversize body with 413 payload_too_large', async () => {
    const res = await server.call('POST', '/api/units', { cookie, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(DEFAULT_BODY_LIMIT) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('refuses a body that does not match the schema with 400 invalid_body, saying where', async () => {
    const res = await server.call('POST', '/api/auth/login/verify', { body: { response: { id: 'not base64url!' } } });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; message: string }>();
    expect(body.error).toBe('invalid_body');
    expect(body.message).toMatch(/response\.id/);
  });

  it('refuses state-changing requests from a foreign Origin (403 origin_not_allowed)', async () => {
    const res = await server.call('POST', '/api/auth/login/options', { headers: { origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'origin_not_allowed' });
    expect((await server.call('POST', '/api/auth/login/options', { headers: { origin: 'http://localhost:8080' } })).statusCode).toBe(200);
  });

  it('never lets a client id name a store endpoint (_all_docs, _design/…, _changes)', async () => {
    for (const id of ['_all_docs', '_design%2Fsessions', '_changes']) {
      const res = await server.call('GET', `/api/users/${id}`, { cookie });
      expect(res.statusCode, id).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_query' });
    }
    const body = await server.call('POST', '/api/invitations', { cookie, body: { unitId: '_all_docs', roles: ['staff'] } });
    expect(body.json()).toMatchObject({ error: 'invalid_body' });
  });

  it('publishes an OpenAPI 3.1 document listing every route', async () => {
    const res = await server.call('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const registered = server.app.printRoutes({ commonPrefix: false });
    for (const route of ['POST /api/setup/options', 'POST /api/auth/login/verify', 'GET /api/roster', 'POST /api/decisions/verify', 'PATCH /api/units/{id}', 'GET /api/audit', 'GET /healthz']) {
      expect(listed).toContain(route);
    }
    // The document and Fastify agree: every documented operation exists, and Fastify has no other.
    for (const op of listed) {
      const [method, path] = op.split(' ') as ['GET', string];
      expect(server.app.hasRoute({ method, url: path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, ':$1') }), op).toBe(true);
    }
    const methodsInTree = [...registered.matchAll(/\(([A-Z, ]+)\)/g)].flatMap((m) => m[1]!.split(', ').filter((x) => x !== 'HEAD'));
    expect(listed).toHaveLength(methodsInTree.length);
    expect(doc.paths['/api/units']!.post!.requestBody).toMatchObject({ content: { 'application/json': { schema: { type: 'object', required: expect.arrayContaining(['name', 'kind', 'parentId']) as unknown } } } });
    expect(doc.paths['/api/roster']!.get!.security).toEqual([{ session: [] }]);
  });
});

describe('rate limits on the auth endpoints', () => {
  let testStore: TestStore;
  let server: TestServer;

  beforeAll(async () => {
    testStore = await startTestStore();
    // Code checks: 5 a minute per address; sign-in and passkey ceremonies: 4 × 5 = 20, counted apart.
    server = await startTestServer(testStore, { AUTH_RATE_LIMIT: '5' });
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  it('stops code guessing with 429 rate_limited, across the code routes, while sign-ins go on', async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 2; i++) guesses.push((await server.call('POST', '/api/invitations/check', { body: { invitationCode: `guess ${i}` } })).statusCode);
    for (let i = 0; i < 2; i++) guesses.push((await server.call('POST', '/api/auth/register/options', { body: { invitationCode: `guess ${i}`, name: 'x' } })).statusCode);
    guesses.push((await server.call('POST', '/api/setup/options', { body: { setupCode: 'AAAA-BBBB-CCCC-DDDD-EEEE', adminName: 'x', organisationName: 'y' } })).statusCode);
    expect(guesses).toEqual([403, 403, 403, 403, 403]);
    for (const [url, body] of [
      ['/api/invitations/check', { invitationCode: 'one more' }],
      ['/api/setup/options', { setupCode: server.setupCode, adminName: 'x', organisationName: 'y' }],
    ] as const) {
      const limited = await server.call('POST', url, { body });
      expect(limited.statusCode, url).toBe(429);
      expect(limited.json(), url).toMatchObject({ error: 'rate_limited' });
      expect(Number(limited.headers['retry-after']), url).toBeGreaterThan(0);
    }
    // The tablets at the same address still sign in: the ceremonies have their own, looser counter.
    const signIns: number[] = [];
    for (let i = 0; i < 20; i++) signIns.push((await server.call('POST', '/api/auth/login/options')).statusCode);
    expect(signIns.every((status) => status === 200)).toBe(true);
    const limited = await server.call('POST', '/api/auth/login/options');
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ message: string }>().message).toMatch(/sign-in or passkey attempts/);
    // Routes outside the groups are not limited.
    expect((await server.call('GET', '/api/setup')).statusCode).toBe(200);
  });
});

describe('sessions over https', () => {
  let testStore: TestStore;
  let server: TestServer;

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore, { ORIGINS: 'https://localhost:8443' });
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  it('uses a __Host- cookie that is Secure, httpOnly and SameSite=Strict', async () => {
    const { cookie } = await setUpOrganisation(server);
    expect(cookie).toMatch(/^__Host-sealctl_session=/);
    const res = await server.call('GET', '/api/auth/session', { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ session: { user: { name: 'Wang Admin' } } });
    const login = await server.call('POST', '/api/auth/logout', { cookie });
    expect(login.cookies[0]).toMatchObject({ name: '__Host-sealctl_session', secure: true, httpOnly: true, sameSite: 'Strict' });
  });
});
