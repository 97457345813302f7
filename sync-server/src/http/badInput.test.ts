import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrganisation, type TestOrganisation } from '../testing/testOrganisation';
import { DEFAULT_BODY_LIMIT } from './buildServer';

/**
 * Hostile input against every route the server lists in its OpenAPI document, with and without
 * a session: nothing answers 5xx, and every refusal is exactly `{ error, message }`. The named
 * cases first (each with the code it must get), then a sweep of every route, then fast-check.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Route {
  readonly method: Method;
  /** With `{name}` placeholders. */
  readonly path: string;
  readonly queryNames: readonly string[];
  readonly takesBody: boolean;
  readonly auth: 'public' | 'session';
}

/** A request as raw as `inject` allows: the payload goes out byte for byte. */
interface RawRequest {
  readonly method: Method;
  readonly url: string;
  readonly payload?: string | Buffer;
  readonly headers?: Record<string, string>;
}

let org: TestOrganisation;
let routes: Route[];

const send = (request: RawRequest): Promise<LightMyRequestResponse> =>
  org.server.app.inject({ method: request.method, url: request.url, headers: request.headers ?? {}, ...(request.payload === undefined ? {} : { payload: request.payload }) });

/** No 5xx, and a refusal is `{ error: CODE, message: TEXT }` and nothing else. */
function expectHandled(request: RawRequest, res: LightMyRequestResponse): void {
  const what = `${request.method} ${request.url.slice(0, 120)} (${String(request.payload ?? '').slice(0, 60)}) → ${res.statusCode} ${res.body.slice(0, 200)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode < 400) return;
  const body = res.json<Record<string, unknown>>();
  expect(Object.keys(body).sort(), what).toEqual(['error', 'message']);
  expect(typeof body.error, what).toBe('string');
  expect(typeof body.message, what).toBe('string');
  expect(body.message, what).not.toMatch(/\n\s+at /); // no stack
}

async function expectRefused(request: RawRequest, status: number, code: string): Promise<void> {
  const res = await send(request);
  expectHandled(request, res);
  expect({ status: res.statusCode, ...res.json<object>() }, `${request.method} ${request.url}`).toMatchObject({ status, error: code });
}

const json = { 'content-type': 'application/json' };
/** What the app's page sends without a session: its Origin (else the CSRF guard refuses first). */
const fromPage = (headers: Record<string, string> = {}) => ({ ...headers, origin: org.server.config.origins[0]! });
const withSession = (headers: Record<string, string> = {}) => ({ ...fromPage(headers), cookie: org.admin.cookie });

beforeAll(async () => {
  org = await startTestOrganisation();
  const document = (await send({ method: 'GET', url: '/api/openapi.json' })).json<{
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown; security?: unknown }>>;
  }>();
  routes = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase() as Method,
      path,
      queryNames: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      takesBody: operation.requestBody !== undefined,
      auth: operation.security === undefined ? 'public' as const : 'session' as const,
    })));
});
afterAll(async () => {
  await org?.close();
});

describe('named attacks', () => {
  it('finds the routes to attack in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/sync/push', 'GET /api/sync/pull', 'PUT /api/sync/blobs/{sha256}/chunks/{index}', 'POST /api/units']));
  });

  it('refuses a fact body nested 200,000 levels deep (400 too_deep), arrays and objects alike', async () => {
    const deepObject = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const deepArray = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    for (const deep of [deepObject, deepArray]) {
      const row = `{"id":"f1","type":"fact","kind":"attachment","body":${deep}}`;
      await expectRefused({ method: 'POST', url: '/api/sync/push', headers: withSession(json), payload: `{"rows":[${row}]}` }, 400, 'too_deep');
    }
    // Within the default body bound (256 KiB), on other routes, before the session is looked at too.
    const deepButSmall = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: deepButSmall }, 400, 'too_deep');
    await expectRefused({ method: 'POST', url: '/api/auth/login/verify', headers: fromPage(json), payload: deepButSmall }, 400, 'too_deep');
    // Just past the bound: 33 levels where 32 is the most any request may nest.
    await expectRefused({ method: 'POST', url: '/api/sync/push', headers: withSession(json), payload: `{"rows":${'['.repeat(32)}${']'.repeat(32)}}` }, 400, 'too_deep');
  });

  it('refuses lone surrogates in values and in keys, at any depth (400 bad_unicode), and creates nothing', async () => {
    const parentId = org.east;
    const bodies = [
      `{"name":"lone\\ud800surrogate","kind":"site","parentId":"${parentId}"}`,
      `{"name":"low first \\udc00\\ud800","kind":"site","parentId":"${parentId}"}`,
      `{"name":"ends high \\udbff","kind":"site","parentId":"${parentId}"}`,
      `{"name":"ok","kind":"site","parentId":"${parentId}","\\ud800":1}`,
      `{"name":"ok","kind":"site","parentId":"${parentId}","geofence":{"lat":1,"lon":2,"radiusM":3,"x":["\\udfff"]}}`,
    ];
    const unitsBefore = (await org.server.repos.units.list()).length;
    for (const payload of bodies) await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload }, 400, 'bad_unicode');
    expect((await org.server.repos.units.list()).length).toBe(unitsBefore);
    // A well-formed pair is text like any other.
    const paired = await send({ method: 'POST', url: '/api/units', headers: withSession(json), payload: `{"name":"paired \\ud83d\\ude00","kind":"site","parentId":"${parentId}"}` });
    expect(paired.statusCode).toBe(201);
    expect(paired.json<{ unit: { name: string } }>().unit.name).toBe('paired 😀');
  });

  it('refuses bytes that are not UTF-8 in a body (400 bad_unicode), instead of storing U+FFFD', async () => {
    const head = Buffer.from('{"name":"bad ');
    const tail = Buffer.from(`","kind":"site","parentId":"${org.east}"}`);
    for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: Buffer.concat([head, Buffer.from(bad), tail]) }, 400, 'bad_unicode');
    }
    expect((await org.server.repos.units.list()).some((u) => u.name.startsWith('bad '))).toBe(false);
  });

  it('refuses a key named twice (400 duplicate_key) and a __proto__ key (400 forbidden_key)', async () => {
    await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: `{"name":"a","name":"b","kind":"site","parentId":"${org.east}"}` }, 400, 'duplicate_key');
    await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: `{"name":"a","\\u006eame":"b","kind":"site","parentId":"${org.east}"}` }, 400, 'duplicate_key');
    await expectRefused({ method: 'POST', url: '/api/sync/push', headers: withSession(json), payload: '{"rows":[],"__proto__":{"admin":true}}' }, 400, 'forbidden_key');
  });

  it('refuses numbers out of range (1e309 parses to Infinity) with 400', async () => {
    await expectRefused({ method: 'POST', url: '/api/invitations', headers: withSession(json), payload: `{"unitId":"${org.east}","roles":["staff"],"ttlHours":1e309}` }, 400, 'too_large');
  });

  it('refuses query strings, path parameters and cookies that do not decode to well-formed Unicode', async () => {
    await expectRefused({ method: 'GET', url: '/api/sync/pull?since=%ED%A0%80', headers: withSession() }, 400, 'bad_unicode');
    await expectRefused({ method: 'GET', url: '/api/audit?after=%FF', headers: withSession() }, 400, 'bad_unicode');
    await expectRefused({ method: 'GET', url: '/api/users/%ED%B0%80', headers: withSession() }, 400, 'bad_unicode');
    await expectRefused({ method: 'GET', url: '/api/users/%C0%AF', headers: withSession() }, 400, 'bad_unicode');
    await expectRefused({ method: 'GET', url: '/api/units?x=%zz', headers: withSession() }, 400, 'bad_request');
    await expectRefused({ method: 'GET', url: '/api/units', headers: { cookie: `sealctl_session=${Buffer.from([0xff, 0xfe]).toString('latin1')}` } }, 400, 'bad_unicode');
    await expectRefused({ method: 'GET', url: '/api/units', headers: { cookie: `sealctl_session=${'a'.repeat(20_000)}` } }, 400, 'too_large');
    await expectRefused({ method: 'GET', url: '/api/units', headers: { cookie: 'sealctl_session=%ED%A0%80' } }, 401, 'session_expired');
    await expectRefused({ method: 'GET', url: `/api/units?x=${'a'.repeat(20_000)}`, headers: withSession() }, 400, 'too_large');
  });

  it('refuses bodies that are not JSON in UTF-8 (415), empty JSON (400), and oversize bodies (413)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1']) {
      await expectRefused({ method: 'POST', url: '/api/units', headers: withSession({ 'content-type': type }), payload: '{"name":"x"}' }, 415, 'unsupported_media_type');
    }
    await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: '' }, 400, 'invalid_json');
    await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: '   ' }, 400, 'invalid_json');
    await expectRefused({ method: 'POST', url: '/api/units', headers: withSession(json), payload: JSON.stringify({ name: 'x'.repeat(DEFAULT_BODY_LIMIT) }) }, 413, 'payload_too_large');
  });
});

/** Bodies no route accepts, or that test each route's own schema: none may reach a 5xx. */
const HOSTILE_BODIES: readonly (string | Buffer)[] = [
  `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
  `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
  JSON.stringify({ x: 'y'.repeat(200_000) }),
  '{"s":"\\ud800"}', '{"\\udc00":1}', '["\\udbff\\udbff"]',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
  Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // a UTF-8 BOM before {}
  'null', 'true', '0', '-1', '1e309', '-1e309', '"str"', '[]', '{}', '[{}]', '[null]',
  '{"rows":{}}', '{"rows":null}', '{"rows":[null,1,"x",[],{}]}', '{"rows":"NaN"}',
  '{"name":null,"kind":[],"parentId":{}}', '{"name":"NaN","kind":"Infinity","parentId":"-0"}',
  '{"role":"admin","unitId":"__proto__"}', '{"role":"admin","unitId":"_all_docs"}', '{"unitId":"_design/x","roles":["admin"]}',
  '{"ttlHours":-1,"unitId":"x","roles":[]}', '{"limit":99999999999999999999999,"after":-0.5}',
  '{"a":1,"a":2}', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"response":{"id":"x","rawId":"x","type":"public-key","response":{"clientDataJSON":"\\ud800","attestationObject":""}}}',
  '{"response":{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"","signature":""}}}',
  '{"data":"!!!not base64url!!!"}', `{"data":"${'A'.repeat(300_000)}"}`,
  '{', '{"a":', '[1,]', '{"a":1,}', "{'a':1}", '\u0000', 'NaN', 'undefined',
];

/** Path parameter values: each replaces every `{name}` in a route. */
const HOSTILE_PARAMS: readonly string[] = [
  '%ED%A0%80', '%FF', '%C0%AF', '%', '%zz', '%00', '..%2F..%2F_config', '_all_docs', '_design%2Faudit', '__proto__', 'constructor',
  'NaN', '-1', '1e309', '0x10', '9'.repeat(400), 'a'.repeat(9_000), '%F0%9F%98%80', 'null', '%20',
];

/** Query strings, appended as they are. */
const HOSTILE_QUERIES: readonly string[] = [
  'since=%ED%A0%80', 'limit=NaN', 'limit=1e309', 'limit=-1', 'after=Infinity', 'fact=__proto__&fact=x', 'since[a]=1',
  'replica=%FF', 'fact=%00', `since=${'9'.repeat(5_000)}`, 'limit=1&limit=2', '%ED%B0%80=1', '=&&=', 'fact',
];

const fill = (path: string, value: string): string => path.replace(/\{[A-Za-z0-9]+\}/g, value);
/** The live stream never ends by itself: it is only attacked where it must refuse before streaming. */
const streams = (route: Route): boolean => route.path === '/api/sync/stream';
/** Logging out would end the session the rest of the sweep uses. */
const endsSession = (route: Route): boolean => route.path === '/api/auth/logout';

describe('every route the server lists', () => {
  it('never answers 5xx to hostile path parameters, query strings or bodies, signed in or not', async () => {
    let requests = 0;
    for (const route of routes) {
      const sessions = [fromPage(), ...(streams(route) || endsSession(route) ? [] : [withSession()])];
      for (const session of sessions) {
        const signedIn = 'cookie' in session;
        const urls = [
          ...(route.path.includes('{') ? HOSTILE_PARAMS.map((value) => fill(route.path, value)) : [route.path]),
          // Routes that read a query get every one; the others (which ignore it once it decodes) a sample.
          ...(route.queryNames.length > 0 || !signedIn ? HOSTILE_QUERIES : HOSTILE_QUERIES.slice(0, 4)).map((query) => `${fill(route.path, 'x')}?${query}`),
        ];
        for (const url of urls) {
          const request = { method: route.method, url, headers: session };
          expectHandled(request, await send(request));
          requests++;
        }
        // Fastify reads no body on GET, and a route that takes none ignores it: a few are sent
        // anyway. Without a session a session route refuses after the same parsing: a sample.
        const full = route.takesBody && (signedIn || route.auth === 'public');
        for (const payload of full ? HOSTILE_BODIES : HOSTILE_BODIES.slice(0, 8)) {
          const request = { method: route.method, url: fill(route.path, 'x'), headers: { ...session, ...json }, payload };
          expectHandled(request, await send(request));
          requests++;
        }
      }
    }
    expect(requests).toBeGreaterThan(1_500);
  }, 600_000);

  it('never answers 5xx to random JSON with random poison, on a random route (fast-check)', async () => {
    const poison = fc.oneof(
      fc.constant('\ud800'), fc.constant('\udfff'), fc.constant('\u0000'), fc.constant('NaN'), fc.constant('__proto__'),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }).map((units) => String.fromCharCode(...units)),
    );
    const value: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string(), poison),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), poison), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    const bodyRoutes = routes.filter((r) => r.takesBody);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyRoutes), value, fc.boolean(), fc.nat({ max: 40 }), async (route, body, signedIn, wrapDepth) => {
        // JSON.stringify writes a lone surrogate as a `\udXXX` escape, exactly as an attacker would.
        const text = `${'['.repeat(wrapDepth)}${JSON.stringify(body) ?? 'null'}${']'.repeat(wrapDepth)}`;
        const request = { method: route.method, url: fill(route.path, 'x'), headers: signedIn ? withSession(json) : fromPage(json), payload: text };
        expectHandled(request, await send(request));
      }),
      { numRuns: 300 },
    );
  }, 300_000);

  it('never answers 5xx to random bytes in a path parameter, a query value or a body (fast-check)', async () => {
    const percentEncoded = fc.uint8Array({ maxLength: 24 }).map((bytes) => Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes.filter((r) => !streams(r) && !endsSession(r))), percentEncoded, fc.uint8Array({ maxLength: 64 }), async (route, encoded, bytes) => {
        const url = `${fill(route.path, encoded || 'x')}?${route.queryNames[0] ?? 'q'}=${encoded}`;
        const request = { method: route.method, url, headers: withSession(json), ...(route.method === 'GET' ? {} : { payload: Buffer.from(bytes) }) };
        expectHandled(request, await send(request));
      }),
      { numRuns: 300 },
    );
  }, 300_000);
});
