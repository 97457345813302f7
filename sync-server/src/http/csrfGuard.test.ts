import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestOrganisation, type TestOrganisation } from '../testing/testOrganisation';

/**
 * Cross-site request forgery, as an outside page (or a script replaying a stolen request) would
 * try it: a valid session cookie, and a state-changing request whose origin is missing, foreign,
 * opaque or declared cross-site. Sent with `inject` directly, so nothing adds an Origin.
 */
describe('CSRF: state-changing requests must prove they come from our origin', () => {
  let org: TestOrganisation;
  const ours = 'http://localhost:8080';

  beforeAll(async () => {
    org = await startTestOrganisation();
  });
  afterAll(async () => {
    await org?.close();
  });

  const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, body: unknown = {}): Promise<LightMyRequestResponse> =>
    org.server.app.inject({ method, url, headers: { cookie: org.admin.cookie, 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  const unitBody = (name: string) => ({ name, kind: 'branch', parentId: org.admin.rootUnitId });
  const unitNames = async (): Promise<string[]> =>
    (await org.server.call('GET', '/api/units', { cookie: org.admin.cookie })).json<{ units: { name: string }[] }>().units.map((u) => u.name);

  const forged: [string, Record<string, string>][] = [
    ['no Origin and no Sec-Fetch-Site', {}],
    ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['our host on another port', { origin: 'http://localhost:8081' }],
    ['our origin with a path-like suffix', { origin: 'http://localhost:8080.evil.example' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: cross-site with our Origin', { origin: ours, 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site without Origin', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: none without Origin', { 'sec-fetch-site': 'none' }],
    ['a foreign Origin claiming same-origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
  ];

  it.each(forged)('refuses a state change with a valid session and %s (403 origin_not_allowed), and changes nothing', async (label, headers) => {
    const name = `forged ${label}`;
    const res = await send('POST', '/api/units', headers, unitBody(name));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'origin_not_allowed', message: expect.stringMatching(/expected Origin "http:\/\/localhost:8080"/) as unknown });
    expect(await unitNames()).not.toContain(name);
  });

  it('refuses every unsafe method without an origin, on session, public and unknown routes alike', async () => {
    const attempts = [
      await send('POST', '/api/auth/logout', {}),
      await send('POST', `/api/users/${org.admin.userId}/grants`, {}, { role: 'approver', unitId: org.east }),
      await send('PATCH', `/api/units/${org.east}`, {}, { name: 'Renamed by a forged request' }),
      await send('PUT', '/api/sync/blobs/' + 'a'.repeat(64) + '/chunks/0?fact=x', {}, { data: 'AA' }),
      await send('POST', '/api/sync/push', {}, { rows: [] }),
      await send('POST', '/api/auth/login/options', {}),
      await send('DELETE', '/api/units/anything', {}),
    ];
    expect(attempts.map((r) => [r.statusCode, r.json<{ error: string }>().error])).toEqual(attempts.map(() => [403, 'origin_not_allowed']));
    // The session survived the forged logout, and the admin gained nothing.
    const session = await org.server.call('GET', '/api/auth/session', { cookie: org.admin.cookie });
    expect(session.statusCode).toBe(200);
    expect(await unitNames()).not.toContain('Renamed by a forged request');
  });

  it('accepts our Origin, and Sec-Fetch-Site: same-origin from a browser that sent no Origin', async () => {
    expect((await send('POST', '/api/units', { origin: ours }, unitBody('by origin'))).statusCode).toBe(201);
    expect((await send('POST', '/api/units', { 'sec-fetch-site': 'same-origin' }, unitBody('by fetch metadata'))).statusCode).toBe(201);
    expect((await send('POST', '/api/units', { origin: ours, 'sec-fetch-site': 'same-origin' }, unitBody('by both'))).statusCode).toBe(201);
    expect(await unitNames()).toEqual(expect.arrayContaining(['by origin', 'by fetch metadata', 'by both']));
  });

  it('leaves reads alone: a GET with no Origin is answered', async () => {
    const res = await org.server.app.inject({ method: 'GET', url: '/api/units', headers: { cookie: org.admin.cookie } });
    expect(res.statusCode).toBe(200);
  });
});
