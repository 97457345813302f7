import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashSecret } from '../auth/secrets';
import { READ_AHEAD_FRESH_MS } from './api';
import { sessionCookieOf, setUpOrganisation, signIn, startTestServer, startTestStore, type TestServer, type TestStore } from '../testing/testServer';

/**
 * A session route reads its session (and unit tree) while the body is still arriving and being
 * parsed; what is refused, and in which order, must be exactly as if it read them after.
 */
describe('session reads started before the body', () => {
  let testStore: TestStore;
  let server: TestServer;
  let cookie: string;
  let rootUnitId: string;
  let ended: string;
  let adminAuthenticator: Awaited<ReturnType<typeof setUpOrganisation>>['authenticator'];

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore);
    const admin = await setUpOrganisation(server);
    cookie = admin.cookie;
    rootUnitId = admin.rootUnitId;
    adminAuthenticator = admin.authenticator;
    // A second session of the same person, then signed out: its cookie opens nothing.
    const other = sessionCookieOf(await signIn(server, admin.authenticator));
    expect((await server.call('POST', '/api/auth/logout', { cookie: other })).statusCode).toBe(204);
    ended = other;
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  /**
   * A POST whose body is held back, once its session was read: a minute on, a request marks its
   * session as seen, a write to the store the test can watch for.
   */
  async function bodyHeldBack(withCookie: string) {
    const sessionId = hashSecret(withCookie.slice(withCookie.indexOf('=') + 1));
    const before = (await server.repos.sessions.get(sessionId))!.lastSeenAt;
    server.clock.advance(61_000);
    const body = new PassThrough();
    const answer = server.app.inject({
      method: 'POST', url: '/api/units', payload: body,
      headers: { origin: server.config.origins[0]!, cookie: withCookie, 'content-type': 'application/json' },
    });
    await vi.waitFor(async () => expect((await server.repos.sessions.get(sessionId))!.lastSeenAt).toBeGreaterThan(before), { timeout: 5000 });
    return { body, answer };
  }

  it('reads the session while the body has not arrived yet, and answers once it has', async () => {
    const { body, answer } = await bodyHeldBack(cookie);
    body.end(JSON.stringify({ name: 'Site read ahead', kind: 'site', parentId: rootUnitId }));
    const res = await answer;
    expect(res.statusCode).toBe(201);
  });

  it('reads the session again when the body came late: a sign-out meanwhile counts', async () => {
    const late = sessionCookieOf(await signIn(server, adminAuthenticator));
    // Its session was read (and found open) before the body; then its holder signs out elsewhere.
    const { body, answer } = await bodyHeldBack(late);
    expect((await server.call('POST', '/api/auth/logout', { cookie: late })).statusCode).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, READ_AHEAD_FRESH_MS + 100));
    body.end(JSON.stringify({ name: 'Site after sign-out', kind: 'site', parentId: rootUnitId }));
    const res = await answer;
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'session_expired' });
    expect(res.cookies.find((c) => c.name === 'sealctl_session')?.value).toBe('');
    const units = await server.call('GET', '/api/units', { cookie });
    expect(JSON.stringify(units.json())).not.toContain('Site after sign-out');
  });

  it('still refuses a foreign origin first (the origin guard), without reading the session', async () => {
    const sessionId = hashSecret(cookie.slice(cookie.indexOf('=') + 1));
    const before = (await server.repos.sessions.get(sessionId))!.lastSeenAt;
    server.clock.advance(61_000);
    const res = await server.app.inject({ method: 'POST', url: '/api/units', headers: { origin: 'https://evil.example', cookie }, payload: { name: 'x', kind: 'site', parentId: rootUnitId } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'origin_not_allowed' });
    // A read started anyway would have marked the session by now (the test above sees it within ms).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await server.repos.sessions.get(sessionId))!.lastSeenAt).toBe(before);
    const ended403 = await server.app.inject({ method: 'POST', url: '/api/units', headers: { origin: 'https://evil.example', cookie: ended }, payload: { name: 'x', kind: 'site', parentId: rootUnitId } });
    expect(ended403.json()).toMatchObject({ error: 'origin_not_allowed' });
  });

  it('refuses an ended session before the body schema, and a body that is not JSON before the session', async () => {
    const bad = await server.call('POST', '/api/units', { cookie: ended, body: { name: 42 } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'session_expired' });
    expect(bad.cookies.find((c) => c.name === 'sealctl_session')?.value).toBe('');
    // The body parser answers before any handler: the session read then had no one waiting for it.
    for (const payload of ['{"name":', '{"name":"a","name":"b"}', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]']) {
      const res = await server.app.inject({ method: 'POST', url: '/api/units', headers: { origin: server.config.origins[0]!, cookie: ended, 'content-type': 'application/json' }, payload });
      expect(res.statusCode, payload).toBe(400);
    }
    // A refusal of the body says nothing about the session: its cookie is left as it is.
    const refused = await server.app.inject({ method: 'POST', url: '/api/units', headers: { origin: server.config.origins[0]!, cookie: ended, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(refused.headers['set-cookie']).toBeUndefined();
    const wrongType = await server.app.inject({ method: 'POST', url: '/api/units', headers: { origin: server.config.origins[0]!, cookie: ended, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(wrongType.statusCode).toBe(415);
    // The server is still answering, and the live session still works.
    const ok = await server.call('GET', '/api/auth/session', { cookie });
    expect(ok.statusCode).toBe(200);
  });
});
