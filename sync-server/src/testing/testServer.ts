import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type ServerConfig } from '../config';
import { startEmbeddedStore, type EmbeddedStore } from '../couch/embeddedStore';
import { connectStore, type Store } from '../couch/store';
import { loadOrCreateStoreMac, type StoreMac } from '../couch/storeMac';
import { openRepositories, prepareStore, type Repositories } from '../couch/repositories';
import { loadOrCreateOrgKey, type OrgKey } from '../auth/orgKey';
import { prepareSetup } from '../auth/bootstrap';
import { buildServer, type ServerDeps } from '../http/buildServer';
import { SoftAuthenticator } from './softAuthenticator';

/** A sync-server on the real embedded store in a temporary directory, driven with `inject`. */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly config: ServerConfig;
  readonly store: Store;
  readonly repos: Repositories;
  readonly orgKey: OrgKey;
  /** The one-time setup code this start issued. */
  readonly setupCode: string;
  /** The server's clock: starts at the real time, moves only when told. */
  readonly clock: { now(): number; advance(ms: number): void };
  /** A passkey authenticator in a "browser" at the server's origin. */
  authenticator(counting?: boolean): SoftAuthenticator;
  call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, options?: { body?: unknown; cookie?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A shared embedded store for one test file; each test server uses its own database prefix. */
export interface TestStore {
  readonly dataDir: string;
  readonly embedded: EmbeddedStore;
  /** The MAC key of this store's data directory (as the server loads it from STORE_MAC_KEY_PATH). */
  readonly mac: StoreMac;
  close(): Promise<void>;
}

let prefixCounter = 0;

export async function startTestStore(): Promise<TestStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sealctl-test-'));
  const embedded = await startEmbeddedStore(dataDir);
  const mac = await loadOrCreateStoreMac(join(dataDir, 'store-mac.key'));
  return {
    dataDir,
    embedded,
    mac,
    async close() {
      await embedded.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts a server (fresh databases) on a test store; `env` overrides configuration, `deps` wraps parts (a failing audit log, a session write held back). */
export async function startTestServer(testStore: TestStore, env: Record<string, string> = {}, deps: Pick<ServerDeps, 'auditLog' | 'sessions'> = {}): Promise<TestServer> {
  // A run's own databases, unless `env.DB_PREFIX` names existing ones (a bench's stored organisation).
  const prefix = env.DB_PREFIX ?? `t${process.pid}_${++prefixCounter}_`;
  // The sign-in rate limit is real time and per process: tests that want it set AUTH_RATE_LIMIT.
  const config = loadConfig({ PORT: '8080', DATA_DIR: testStore.dataDir, STATIC_DIR: join(testStore.dataDir, 'no-app'), DB_PREFIX: prefix, AUTH_RATE_LIMIT: '100000', LOG_LEVEL: process.env.LOG_LEVEL, ...env });
  const store = connectStore(testStore.embedded.url, 'embedded', prefix, testStore.mac);
  await prepareStore(store);
  let time = Date.now();
  const clock = { now: () => time, advance: (ms: number) => void (time += ms) };
  const orgKey = await loadOrCreateOrgKey(join(testStore.dataDir, `${prefix}org-key.pem`));
  const repos = openRepositories(store, clock.now);
  const setup = await prepareSetup(repos, clock.now());
  const app = await buildServer({ config, store, orgKey, now: clock.now, ...deps });
  return {
    app, config, store, repos, orgKey, clock,
    setupCode: setup.state === 'pending' ? setup.code : '',
    authenticator: (counting = true) => new SoftAuthenticator(config.origins[0]!, config.rpId, counting),
    call: (method, url, options = {}) =>
      app.inject({
        method, url,
        // As a browser on the app's page does: every request carries the page's Origin (a test
        // that wants another, or none, uses `app.inject` or passes its own `origin` header).
        headers: { origin: config.origins[0]!, ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.headers ?? {}) },
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      }),
    close: () => app.close(),
  };
}

/** The `name=value` of the session cookie a response set (for the next request's Cookie header). */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name.endsWith('sealctl_session'));
  if (!cookie) throw new Error(`no session cookie in the response (${response.statusCode}: ${response.body})`);
  return `${cookie.name}=${cookie.value}`;
}

/** Runs first-start setup with a new passkey: returns the admin's cookie, user and root unit id. */
export async function setUpOrganisation(server: TestServer, authenticator = server.authenticator()) {
  const options = await server.call('POST', '/api/setup/options', { body: { setupCode: server.setupCode, adminName: 'Wang Admin', organisationName: 'HQ 总部' } });
  if (options.statusCode !== 200) throw new Error(`setup options: ${options.statusCode} ${options.body}`);
  const response = await authenticator.register(options.json());
  const done = await server.call('POST', '/api/setup/verify', { body: { response } });
  if (done.statusCode !== 201) throw new Error(`setup verify: ${done.statusCode} ${done.body}`);
  const body = done.json<{ user: { id: string }; unit: { id: string }; credential: { id: string } }>();
  return { cookie: sessionCookieOf(done), userId: body.user.id, rootUnitId: body.unit.id, credentialId: body.credential.id, authenticator };
}

/** Creates a unit under `parentId` as the admin with `cookie`; returns its id. */
export async function createUnit(server: TestServer, cookie: string, parentId: string, name: string, kind: 'branch' | 'site' = 'branch'): Promise<string> {
  const res = await server.call('POST', '/api/units', { cookie, body: { name, kind, parentId } });
  if (res.statusCode !== 201) throw new Error(`create unit: ${res.statusCode} ${res.body}`);
  return res.json<{ unit: { id: string } }>().unit.id;
}

/** Invites a person (as the admin with `cookie`) and registers their first passkey with the code. */
export async function inviteAndRegister(server: TestServer, cookie: string, unitId: string, roles: string[], name: string, authenticator = server.authenticator()) {
  const invitation = await server.call('POST', '/api/invitations', { cookie, body: { unitId, roles } });
  if (invitation.statusCode !== 201) throw new Error(`invite: ${invitation.statusCode} ${invitation.body}`);
  const { code } = invitation.json<{ code: string }>();
  const options = await server.call('POST', '/api/auth/register/options', { body: { invitationCode: code, name } });
  if (options.statusCode !== 200) throw new Error(`register options: ${options.statusCode} ${options.body}`);
  const done = await server.call('POST', '/api/auth/register/verify', { body: { response: await authenticator.register(options.json()) } });
  if (done.statusCode !== 201) throw new Error(`register verify: ${done.statusCode} ${done.body}`);
  const body = done.json<{ user: { id: string }; credential: { id: string } }>();
  return { cookie: sessionCookieOf(done), userId: body.user.id, credentialId: body.credential.id, authenticator, code };
}

/** Signs in with a passkey of `authenticator`; returns the verify response. */
export async function signIn(server: TestServer, authenticator: SoftAuthenticator, credentialId?: string) {
  const options = await server.call('POST', '/api/auth/login/options');
  const { challenge } = options.json<{ challenge: string }>();
  const response = await authenticator.assert(challenge, credentialId);
  return server.call('POST', '/api/auth/login/verify', { body: { response } });
}
