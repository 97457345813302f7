import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, startTestStore, type TestServer, type TestStore } from '../testing/testServer';

interface Operation {
  readonly responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/**
 * Every route Fastify has, read from its own route tree (not from a list kept here). In
 * `printRoutes({ commonPrefix: false })` each line is a node: its depth is where its branch
 * (`├── ` / `└── `) starts, four characters a level; its path continues its parent's.
 */
function registeredRoutes(server: TestServer): { method: string; path: string }[] {
  const parents: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const node = /^(.*?)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    parents.length = depth;
    const path = `${parents.join('')}${node[2]!}`;
    parents.push(node[2]!);
    for (const method of node[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push({ method, path });
  }
  return routes;
}

describe('the generated OpenAPI document', () => {
  let testStore: TestStore;
  let server: TestServer;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore);
    paths = (await server.call('GET', '/api/openapi.json')).json<{ paths: typeof paths }>().paths;
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  it('lists every registered route with a schema for each of its answers, refusals included', () => {
    const routes = registeredRoutes(server);
    expect(routes.length).toBeGreaterThan(30);
    // Both ways: the document lists no operation Fastify does not have.
    expect(routes).toHaveLength(Object.values(paths).flatMap((operations) => Object.keys(operations)).length);
    for (const { method, path } of routes) {
      const operation = paths[path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation, `${method} ${path} is not in the document`).toBeDefined();
      const responses = Object.entries(operation!.responses ?? {});
      const successes = responses.filter(([status]) => status.startsWith('2'));
      expect(successes.length, `${method} ${path}: no success answer`).toBeGreaterThan(0);
      for (const [status, response] of responses) {
        expect(response.description, `${method} ${path} ${status}: no description`).toBeTruthy();
        if (status === '204') continue;
        // A file (the PDF report, a scan, a stamp photo, the font) is described by its own media type; everything else is JSON.
        const [mediaType] = Object.keys(response.content ?? {});
        expect(mediaType === 'application/json' || (status.startsWith('2') && (mediaType === 'application/pdf' || mediaType === 'text/csv' || mediaType === 'image/png' || mediaType === 'image/jpeg' || mediaType === 'font/otf')), `${method} ${path} ${status}: ${mediaType}`).toBe(true);
        const schema = response.content?.[mediaType!]?.schema;
        expect(schema, `${method} ${path} ${status}: no schema`).toBeDefined();
        expect(schema, `${method} ${path} ${status}: an empty schema`).not.toEqual({});
      }
      // Every route says how it fails: hostile input, its own refusals, a server failure.
      for (const status of ['400', '500']) {
        expect(operation!.responses?.[status]?.content?.['application/json']?.schema, `${method} ${path} ${status}`).toMatchObject({
          type: 'object', required: ['error', 'message'],
        });
      }
    }
  });

  it('describes the webhook deliveries: their body and the headers that sign them', async () => {
    const document = (await server.call('GET', '/api/openapi.json')).json<{ webhooks: Record<string, { post: { parameters: { name: string }[]; requestBody: { content: Record<string, { schema: { required?: string[] } }> } } }> }>();
    const delivery = document.webhooks.sealEvent!.post;
    expect(delivery.parameters.map((p) => p.name)).toEqual(['x-seal-event-id', 'x-seal-timestamp', 'x-seal-signature']);
    expect(delivery.requestBody.content['application/json']!.schema.required).toEqual(expect.arrayContaining(['id', 'kind', 'at', 'unitId', 'sealId', 'deviceId', 'requestId', 'summary']));
    expect(paths['/api/hq/report.pdf']!.get!.responses!['200']!.content!['application/pdf']!.schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(paths['/api/hq/events.csv']!.get!.responses!['200']!.content!)).toEqual(['text/csv']);
  });

  it('describes the routes that take bytes by their media type, and every other body as JSON', () => {
    const bodies = Object.entries(paths).flatMap(([path, operations]) => Object.entries(operations).flatMap(([method, operation]) => {
      const body = (operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } }).requestBody;
      return body ? [{ at: `${method} ${path}`, types: Object.keys(body.content ?? {}), body }] : [];
    }));
    const bytes = bodies.filter((b) => !b.types.includes('application/json'));
    expect(bytes.map((b) => b.at).sort()).toEqual(['put /api/sync/blobs', 'put /api/sync/blobs/{sha256}/bytes']);
    for (const { body } of bytes) expect(body.content!['application/octet-stream']!.schema).toEqual({ type: 'string', format: 'binary' });
    expect(bodies.filter((b) => b.types.length !== 1)).toEqual([]);
  });

  it('describes a session route\'s 401 and a state-changing route\'s 403 as { error, message }', () => {
    const post = paths['/api/units']!.post!;
    for (const status of ['401', '403']) {
      expect(post.responses?.[status]?.content?.['application/json']?.schema, status).toMatchObject({ required: ['error', 'message'] });
    }
    expect(post.responses?.['201']?.content?.['application/json']?.schema).toMatchObject({ required: ['unit'] });
    expect(paths['/api/auth/logout']!.post!.responses?.['204']).toBeDefined();
  });
});
