import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config';
import { startEmbeddedStore, type EmbeddedStore } from '../couch/embeddedStore';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connectStore } from '../couch/store';
import { storeMac } from '../couch/storeMac';
import { buildServer, DEFAULT_BODY_LIMIT } from './buildServer';

describe('sync-server HTTP basics against the real embedded store', () => {
  let dataDir: string;
  let embedded: EmbeddedStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sealctl-http-'));
    embedded = await startEmbeddedStore(dataDir);
    const config = loadConfig({ DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-app') });
    const store = connectStore(embedded.url, 'embedded', 'test_', storeMac(randomBytes(32)));
    await store.ensureDatabases(['meta']);
    await store.ensureDatabases(['meta']); // idempotent: a second start changes nothing
    app = await buildServer({ config, store });
    app.post('/api/echo', (request, reply) => reply.send({ got: request.body }));
    // What the store says when a write is refused: a real CouchDB answer, through nano.
    app.post('/api/store-refuses', async () => store.couch.use(store.dbName('meta')).insert({ _id: '_bad id' }));
  });

  afterAll(async () => {
    await app?.close();
    await embedded?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz with 200 and says the store is reachable', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', store: { reachable: true, kind: 'embedded' } });
  });

  it('answers /healthz with 503 when the store is gone', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const unreachable = connectStore('http://127.0.0.1:9', 'couchdb', 'test_', storeMac(randomBytes(32)));
    const down = await buildServer({ config, store: unreachable });
    const res = await down.inject({ method: 'GET', url: '/healthz' });
    await down.close();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', store: { reachable: false, kind: 'couchdb' } });
  });

  it('reports a store that takes the connection and never answers as unreachable, within its bound', async () => {
    const sockets = new Set<Socket>();
    const wedged = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((done) => wedged.listen(0, '127.0.0.1', done));
    try {
      // (What /healthz reports is the store's health, as the test above shows: here the store's own answer.)
      const silent = connectStore(`http://127.0.0.1:${(wedged.address() as AddressInfo).port}`, 'couchdb', 'test_', storeMac(randomBytes(32)), 300);
      const health = await silent.health();
      expect(sockets.size).toBeGreaterThan(0);
      expect(health).toMatchObject({ reachable: false, kind: 'couchdb' });
      expect(health.error).toContain('did not answer');
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((done) => wedged.close(done));
    }
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'application/json', origin: 'http://localhost:8080' }, payload: '{"a":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_json' });
  });

  it('refuses an oversize body with 413 payload_too_large', async () => {
    const payload = JSON.stringify({ blob: 'x'.repeat(DEFAULT_BODY_LIMIT + 1) });
    const res = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'application/json', origin: 'http://localhost:8080' }, payload });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it("answers a store's refusal as the server's own failure (500), not the client's, and keeps its words in", async () => {
    const res = await app.inject({ method: 'POST', url: '/api/store-refuses', headers: { 'content-type': 'application/json', origin: 'http://localhost:8080' }, payload: '{}' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal_error', message: 'The server failed to handle this request' });
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'No route for GET /api/nothing-here' });
  });
});
