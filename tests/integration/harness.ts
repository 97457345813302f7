/**
 * Integration harness: the real sync-server (in process, on a real loopback port, over the
 * embedded store) and app replicas — RxDB with the dexie storage on fake-indexeddb — talking to
 * it over HTTP exactly as the browser does.
 */
import type { AddressInfo } from 'node:net';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { afterEach } from 'vitest';
import {
  createUnit, inviteAndRegister, setUpOrganisation, startTestServer, startTestStore, type TestServer, type TestStore,
} from '../../sync-server/src/testing/testServer';
import { openLocalStore, type OpenedLocalStore } from '../../app/src/store/localStore';
import { startSync, type SyncEngine } from '../../app/src/store/syncEngine';
import type { SyncDeadline } from '../../app/src/store/syncClient';
import type { SoftAuthenticator } from '../../sync-server/src/testing/softAuthenticator';
import { type CookieJar, NO_FAULTS, TestNetwork } from './network';

/** Node's Automerge entry (the browser uses the slim build and a wasm URL). */
export const loadAutomergeInNode = () => import('@automerge/automerge');

export interface RunningSync {
  readonly store: TestStore;
  readonly server: TestServer;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a store and a sync-server listening on a free loopback port; `env` overrides its configuration (e.g. `PULL_SCAN_LIMIT`). */
export async function startSyncServer(env: Record<string, string> = {}, deps: Parameters<typeof startTestServer>[2] = {}): Promise<RunningSync> {
  const store = await startTestStore();
  const server = await startTestServer(store, env, deps);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  return {
    store, server, url: `http://127.0.0.1:${port}`,
    async close() {
      // Teardown: nothing is waited for. A connection still open (a replica's live stream, a
      // keep-alive socket mid-request) would otherwise hold the close until it times out.
      const closing = server.close();
      server.app.server.closeAllConnections();
      await closing;
      await store.close();
    },
  };
}

/** A person with a session: who they are, their cookie and passkey. */
export interface Person {
  readonly userId: string;
  readonly cookie: string;
  readonly credentialId: string;
  readonly authenticator: SoftAuthenticator;
}

/** The organisation every test starts from: HQ with a branch, its site, and another branch. */
export interface World {
  readonly admin: Person & { readonly rootUnitId: string };
  readonly branchId: string;
  readonly siteId: string;
  readonly otherBranchId: string;
  /** Invites someone with roles on a unit and signs them in. */
  person(unitId: string, roles: string[], name: string): Promise<Person>;
}

export async function setUpWorld(server: TestServer): Promise<World> {
  const admin = await setUpOrganisation(server);
  const branchId = await createUnit(server, admin.cookie, admin.rootUnitId, 'Branch 分公司');
  const siteId = await createUnit(server, admin.cookie, branchId, 'Site 项目部', 'site');
  const otherBranchId = await createUnit(server, admin.cookie, admin.rootUnitId, 'Other branch');
  return {
    admin: { ...admin, userId: admin.userId },
    branchId, siteId, otherBranchId,
    async person(unitId, roles, name) {
      const p = await inviteAndRegister(server, admin.cookie, unitId, roles, name);
      return { userId: p.userId, cookie: p.cookie, credentialId: p.credentialId, authenticator: p.authenticator };
    },
  };
}

let replicaCounter = 0;

/** One app replica: its local store, its network, its running sync. */
export interface Replica {
  readonly name: string;
  readonly person: Person;
  readonly store: OpenedLocalStore;
  readonly network: TestNetwork;
  sync: SyncEngine | undefined;
  start(options?: { live?: boolean }): SyncEngine;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface ReplicaOpenOptions {
  /** The local database (default: a new one): the same name opens what an earlier replica left, as a reload would. */
  readonly databaseName?: string;
  /** The replica's clock (default `Date.now`). */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly retryTimeMs?: number;
  readonly pullBatchSize?: number;
  readonly pushBatchSize?: number;
  /** The cookies this replica's "tab" shares with others (default: its own, holding the person's session). */
  readonly jar?: CookieJar;
  /** Called when the server answers this replica signed out, or under another person's session. */
  readonly onSignedOut?: (error: Error) => void;
  /** When a sync request counts as lost (default: the app's). */
  readonly deadline?: SyncDeadline;
}

export async function openReplica(url: string, person: Person, name: string, options: ReplicaOpenOptions = {}): Promise<Replica> {
  const store = await openLocalStore({
    userId: person.userId,
    storage: localStorageDexie({ indexedDB, IDBKeyRange }),
    loadAutomerge: loadAutomergeInNode,
    databaseName: options.databaseName ?? `replica-${process.pid}-${++replicaCounter}-${name.replace(/[^a-z0-9]/gi, '')}`.toLowerCase(),
    ...(options.now ? { now: options.now } : {}),
  });
  const network = new TestNetwork(options.jar ?? person.cookie, options.random);
  const replica: Replica = {
    name, person, store, network, sync: undefined,
    start(startOptions = {}) {
      replica.sync ??= startSync(store, {
        baseUrl: url, fetch: network.fetch, retryTimeMs: options.retryTimeMs ?? 100, live: startOptions.live ?? true,
        ...(options.pullBatchSize ? { pullBatchSize: options.pullBatchSize } : {}),
        ...(options.pushBatchSize ? { pushBatchSize: options.pushBatchSize } : {}),
        ...(options.onSignedOut ? { onSignedOut: options.onSignedOut } : {}),
        ...(options.deadline ? { deadline: options.deadline } : {}),
      });
      return replica.sync;
    },
    async stop() {
      await replica.sync?.stop();
      replica.sync = undefined;
    },
    async close() {
      await replica.stop();
      await store.close();
    },
  };
  return replica;
}

/**
 * Brings every replica online with a faultless network and syncs them all, round after round,
 * until nothing waits to go up and a whole round brought no replica a new row.
 */
export async function syncAll(replicas: readonly Replica[], rounds = 10): Promise<void> {
  for (const replica of replicas) {
    replica.network.setOnline(true);
    replica.network.faults = NO_FAULTS;
    replica.start();
  }
  let previous = '';
  for (let round = 0; round < rounds; round++) {
    for (const replica of replicas) {
      replica.sync!.syncNow();
      await replica.sync!.awaitInSync();
    }
    const pending = await Promise.all(replicas.map((r) => r.store.book.outboxIds()));
    const counts = (await Promise.all(replicas.map((r) => r.store.db.rows.count().exec()))).join();
    if (pending.every((ids) => ids.length === 0) && counts === previous) return;
    previous = counts;
  }
  throw new Error('the replicas did not settle');
}

/** Options of `openReplica`. */
export type ReplicaOptions = Parameters<typeof openReplica>[3];

/** A test file's replicas: opened on the running server, each closed after its test. */
export interface ReplicaPool {
  open(person: Person, name: string, options?: ReplicaOptions): Promise<Replica>;
  /** Closes one before the test ends (RxDB's open core allows 13 collections per JS context). */
  close(replica: Replica): Promise<void>;
}

/** Registers an `afterEach` that closes every replica the test opened through the pool. */
export function replicaPool(url: () => string): ReplicaPool {
  const open: Replica[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });
  return {
    async open(person, name, options = {}) {
      const replica = await openReplica(url(), person, name, options);
      open.push(replica);
      return replica;
    },
    async close(replica) {
      const at = open.indexOf(replica);
      if (at !== -1) open.splice(at, 1);
      await replica.close();
    },
  };
}

/** Grants (or revokes) `role` on `unitId` to a person, as the organisation's administrator. */
export async function changeGrant(server: TestServer, admin: Person, person: Person, mode: 'grant' | 'revoke', role: string, unitId: string): Promise<void> {
  const res = await server.call('POST', `/api/users/${person.userId}/grants${mode === 'revoke' ? '/revoke' : ''}`, { cookie: admin.cookie, body: { role, unitId } });
  if (res.statusCode !== 200) throw new Error(`${mode} ${role} on ${unitId}: ${res.statusCode} ${res.body}`);
}
