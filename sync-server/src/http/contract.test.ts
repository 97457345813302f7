/**
 * The HTTP contract, over HTTP: what the server answers is what the shared schemas (the ones the
 * app reads answers with) say, successes and refusals alike; and requests are held to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  apiErrorBodySchema, createInvitationResponseSchema, invitationPreviewSchema, sessionResponseSchema, setupStateResponseSchema,
  unitResponseSchema, unitsResponseSchema, usersResponseSchema,
} from '@seal/shared';
import { setUpOrganisation, startTestServer, startTestStore, type TestServer, type TestStore } from '../testing/testServer';
import { ApiError } from './errors';
import { serializerCompiler } from './api';

describe('the HTTP contract', () => {
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

  /** The answer's body, read strictly by `schema` (no field the schema does not know). */
  const strictly = <S extends z.ZodType>(schema: S, body: unknown) => schema.parse(body);

  it('answers the setup state, the session and the units as their schemas say', async () => {
    expect(strictly(setupStateResponseSchema, (await server.call('GET', '/api/setup')).json())).toEqual({ state: 'done' });
    const { session } = strictly(sessionResponseSchema, (await server.call('GET', '/api/auth/session', { cookie })).json());
    expect(session?.user.name).toBe('Wang Admin');
    const { units } = strictly(unitsResponseSchema, (await server.call('GET', '/api/units', { cookie })).json());
    expect(units.map((u) => u.kind)).toEqual(['hq']);
  });

  it('creates a unit and an invitation, and previews the code, as the schemas say', async () => {
    const hq = strictly(unitsResponseSchema, (await server.call('GET', '/api/units', { cookie })).json()).units[0]!;
    const created = await server.call('POST', '/api/units', { cookie, body: { name: 'Site 1', kind: 'site', parentId: hq.id, geofence: { lat: 31.2, lon: 121.5, radiusM: 300 } } });
    expect(created.statusCode).toBe(201);
    const { unit } = strictly(unitResponseSchema, created.json());
    expect(unit).toMatchObject({ kind: 'site', parentId: hq.id, geofence: { radiusM: 300 } });
    const invited = await server.call('POST', '/api/invitations', { cookie, body: { unitId: unit.id, roles: ['staff'], note: 'Li' } });
    expect(invited.statusCode).toBe(201);
    const { code, invitation } = strictly(createInvitationResponseSchema, invited.json());
    expect(invitation).toMatchObject({ state: 'open', roles: ['staff'], note: 'Li' });
    const preview = strictly(invitationPreviewSchema, (await server.call('POST', '/api/invitations/check', { body: { invitationCode: code } })).json());
    expect(preview.unit.path).toEqual([hq.name, 'Site 1']);
    const { users } = strictly(usersResponseSchema, (await server.call('GET', '/api/users', { cookie })).json());
    expect(users[0]?.credentials).toHaveLength(1);
  });

  it('refuses in the { error, message } shape, whatever refuses: the session, the schema, the input guards', async () => {
    const cases: [Parameters<TestServer['call']>, number, string][] = [
      [['GET', '/api/units'], 401, 'unauthenticated'],
      [['POST', '/api/units', { cookie, body: { name: 'x', kind: 'site', parentId: 'unit-1', isAdmin: true } }], 400, 'invalid_body'],
      [['POST', '/api/units', { cookie, body: { name: '', kind: 'site', parentId: 'unit-1' } }], 400, 'invalid_body'],
      [['GET', '/api/audit?limit=100000', { cookie }], 400, 'invalid_query'],
      [['POST', '/api/units', { cookie, headers: { 'content-type': 'application/json' }, body: '{"name":"a","name":"b"}' }], 400, 'duplicate_key'],
      [['POST', '/api/units', { cookie, headers: { 'content-type': 'text/plain' }, body: 'name=a' }], 415, 'unsupported_media_type'],
    ];
    for (const [args, status, error] of cases) {
      const res = await server.call(...args);
      expect(res.statusCode, `${args[0]} ${args[1]}`).toBe(status);
      expect(strictly(apiErrorBodySchema, res.json()), `${args[0]} ${args[1]}`).toMatchObject({ error });
    }
  });

  it('names the unknown field it refuses (request bodies are strict)', async () => {
    const res = await server.call('POST', '/api/invitations/check', { body: { invitationCode: 'AAAA', admin: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/admin/);
  });
});

describe('answers checked against their schema before they leave', () => {
  const serialize = serializerCompiler({ schema: unitResponseSchema, method: 'GET', url: '/api/units/:id', httpStatus: '200' });

  it('sends an answer that matches, as the handler made it', () => {
    const unit = { id: 'hq', name: 'HQ', kind: 'hq', parentId: null, createdAt: 1, updatedAt: 1 };
    expect(serialize({ unit })).toBe(JSON.stringify({ unit }));
  });

  it('refuses to send one that does not (a 500 internal_error, the mismatch as its cause)', () => {
    let thrown: unknown;
    try {
      serialize({ unit: { id: 'hq', kind: 'castle' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ statusCode: 500, code: 'internal_error' });
    expect((thrown as ApiError).cause).toBeInstanceOf(z.ZodError);
  });
});
