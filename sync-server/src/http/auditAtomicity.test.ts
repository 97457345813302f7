import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLog } from '../couch/auditLog';
import type { Store } from '../couch/store';
import {
  createUnit, inviteAndRegister, sessionCookieOf, setUpOrganisation, startTestServer, startTestStore,
  type TestServer, type TestStore,
} from '../testing/testServer';
import { buildServer } from './buildServer';

/**
 * A state change never stands without its audit record. The audit log is wrapped so that a test
 * can make its appends fail (the store's audit database refusing), or hang for ever after some
 * of them (the server killed between the change and its record); the store is then read
 * directly, database by database, to see what changed.
 */

/** `hang-after`: lets `appends` more appends through, then hangs every one after them. */
type AuditMode = { kind: 'ok' } | { kind: 'fail' } | { kind: 'hang-after'; appends: number };

interface ControllableAudit {
  mode: AuditMode;
  wrap(log: AuditLog): AuditLog;
  /** Ends every hung append (with a failure), so the requests waiting on them finish. */
  release(): void;
  /** Resolves once an append has hung (the "crash" point was reached). */
  hung(): Promise<void>;
}

function controllableAudit(): ControllableAudit {
  const waiting: ((error: Error) => void)[] = [];
  let onHang: (() => void) | undefined;
  const control: ControllableAudit = {
    mode: { kind: 'ok' },
    wrap: (log) => ({
      ...log,
      async append(entry) {
        const mode = control.mode;
        if (mode.kind === 'fail') throw new Error('the audit database refused the write (test)');
        if (mode.kind === 'hang-after') {
          if (mode.appends === 0) {
            onHang?.();
            return new Promise((_resolve, reject) => waiting.push(reject));
          }
          mode.appends--;
        }
        return log.append(entry);
      },
    }),
    release() {
      for (const reject of waiting.splice(0)) reject(new Error('released after the simulated crash'));
    },
    hung: () => new Promise<void>((resolve) => (onHang = resolve)),
  };
  return control;
}

/** Where administrative state lives (challenges and sessions are ceremony state, not audited changes). */
const STATE_DATABASES = ['meta', 'units', 'users', 'credentials', 'invitations', 'audit'] as const;

/** Every document of every state database, read from the store itself, without revisions. */
async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const state: Record<string, unknown[]> = {};
  for (const logical of STATE_DATABASES) {
    const page = await store.couch.use(store.dbName(logical)).list({ include_docs: true });
    state[logical] = page.rows
      .filter((row) => !row.id.startsWith('_design/'))
      .map((row) => {
        const { _rev: _r, ...doc } = row.doc as unknown as Record<string, unknown>;
        return doc;
      });
  }
  return state;
}

/** Audit records in the store, straight from its database. */
async function auditRecords(store: Store): Promise<{ action: string; change?: string }[]> {
  return (await snapshot(store)).audit as { action: string; change?: string }[];
}

const expectServerFailure = (res: { statusCode: number; json: () => unknown }): void => {
  expect(res.statusCode).toBe(500);
  expect(res.json()).toEqual({ error: 'internal_error', message: 'The server failed to handle this request' });
};

describe('a change and its audit record: both or neither', () => {
  let testStore: TestStore;
  let server: TestServer;
  let audit: ControllableAudit;
  let admin: Awaited<ReturnType<typeof setUpOrganisation>>;
  let east: string;

  beforeAll(async () => {
    testStore = await startTestStore();
    audit = controllableAudit();
    server = await startTestServer(testStore, {}, { auditLog: (log) => audit.wrap(log) });
    admin = await setUpOrganisation(server);
    east = await createUnit(server, admin.cookie, admin.rootUnitId, 'East branch');
  });
  afterAll(async () => {
    audit?.release();
    await server?.close();
    await testStore?.close();
  });

  /** Runs `request` with the audit log failing: it must fail and leave every state database as it was. */
  async function failsWithoutTrace(request: () => Promise<{ statusCode: number; json: () => unknown }>): Promise<void> {
    const before = await snapshot(server.store);
    audit.mode = { kind: 'fail' };
    try {
      expectServerFailure(await request());
    } finally {
      audit.mode = { kind: 'ok' };
    }
    expect(await snapshot(server.store)).toEqual(before);
  }

  it('a unit named with a lone surrogate is refused (400 bad_unicode) and leaves nothing behind', async () => {
    const before = await snapshot(server.store);
    const res = await server.app.inject({
      method: 'POST', url: '/api/units', headers: { cookie: admin.cookie, origin: server.config.origins[0]!, 'content-type': 'application/json' },
      payload: `{"name":"lone\\ud800surrogate","kind":"site","parentId":"${east}"}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_unicode' });
    expect(await snapshot(server.store)).toEqual(before);
  });

  it('creating a unit: no unit, no roster version, no record while the audit write fails; then both', async () => {
    await failsWithoutTrace(() => server.call('POST', '/api/units', { cookie: admin.cookie, body: { name: 'Site A', kind: 'site', parentId: east } }));
    const versionBefore = await server.repos.meta.rosterVersion();
    const res = await server.call('POST', '/api/units', { cookie: admin.cookie, body: { name: 'Site A', kind: 'site', parentId: east } });
    expect(res.statusCode).toBe(201);
    expect(await server.repos.meta.rosterVersion()).toBe(versionBefore + 1);
    expect((await auditRecords(server.store)).at(-1)).toMatchObject({ action: 'unit.create' });
  });

  it('renaming a unit and moving a geofence', async () => {
    const site = await createUnit(server, admin.cookie, east, 'Site B', 'site');
    await failsWithoutTrace(() => server.call('PATCH', `/api/units/${site}`, { cookie: admin.cookie, body: { name: 'Site B renamed' } }));
    await failsWithoutTrace(() => server.call('PATCH', `/api/units/${site}`, { cookie: admin.cookie, body: { geofence: { lat: 31.2, lon: 121.5, radiusM: 500 } } }));
  });

  it('granting, revoking roles, deactivating and reactivating a user', async () => {
    const person = await inviteAndRegister(server, admin.cookie, east, ['staff'], 'Li Staff');
    await failsWithoutTrace(() => server.call('POST', `/api/users/${person.userId}/grants`, { cookie: admin.cookie, body: { role: 'approver', unitId: east } }));
    await failsWithoutTrace(() => server.call('POST', `/api/users/${person.userId}/grants/revoke`, { cookie: admin.cookie, body: { role: 'staff', unitId: east } }));
    await failsWithoutTrace(() => server.call('POST', `/api/users/${person.userId}/deactivate`, { cookie: admin.cookie }));
    // The person is still active: their session still opens.
    expect((await server.call('GET', '/api/auth/session', { cookie: person.cookie })).statusCode).toBe(200);
    expect((await server.call('POST', `/api/users/${person.userId}/deactivate`, { cookie: admin.cookie })).statusCode).toBe(200);
    await failsWithoutTrace(() => server.call('POST', `/api/users/${person.userId}/activate`, { cookie: admin.cookie }));
  });

  it('creating and withdrawing an invitation', async () => {
    await failsWithoutTrace(() => server.call('POST', '/api/invitations', { cookie: admin.cookie, body: { unitId: east, roles: ['staff'] } }));
    const made = await server.call('POST', '/api/invitations', { cookie: admin.cookie, body: { unitId: east, roles: ['staff'] } });
    const { id } = made.json<{ invitation: { id: string } }>().invitation;
    await failsWithoutTrace(() => server.call('POST', `/api/invitations/${id}/revoke`, { cookie: admin.cookie }));
  });

  it('registering with an invitation: the code is not used up by a registration that failed', async () => {
    const made = await server.call('POST', '/api/invitations', { cookie: admin.cookie, body: { unitId: east, roles: ['staff'] } });
    const { code } = made.json<{ code: string }>();
    const authenticator = server.authenticator();
    const register = async () => {
      const options = await server.call('POST', '/api/auth/register/options', { body: { invitationCode: code, name: 'Zhao New' } });
      return server.call('POST', '/api/auth/register/verify', { body: { response: await authenticator.register(options.json()) } });
    };
    await failsWithoutTrace(register);
    const done = await register();
    expect(done.statusCode).toBe(201);
    const actions = (await auditRecords(server.store)).slice(-3).map((r) => r.action);
    expect(actions).toEqual(['invitation.use', 'user.create', 'credential.register']);
  });

  it('adding and revoking a passkey', async () => {
    const second = server.authenticator();
    const add = async () => {
      const options = await server.call('POST', '/api/auth/passkeys/options', { cookie: admin.cookie });
      return server.call('POST', '/api/auth/passkeys/verify', { cookie: admin.cookie, body: { response: await second.register(options.json()) } });
    };
    await failsWithoutTrace(add);
    const added = await add();
    expect(added.statusCode).toBe(201);
    const { id } = added.json<{ credential: { id: string } }>().credential;
    await failsWithoutTrace(() => server.call('POST', `/api/credentials/${id}/revoke`, { cookie: admin.cookie }));
  });

  it('keeps the chain whole through all of it', async () => {
    expect(await server.repos.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('first-start setup with a failing audit write', () => {
  it('stays pending (the same code works again) and creates no HQ, no administrator, no passkey', async () => {
    const testStore = await startTestStore();
    const audit = controllableAudit();
    const server = await startTestServer(testStore, {}, { auditLog: (log) => audit.wrap(log) });
    try {
      const before = await snapshot(server.store);
      audit.mode = { kind: 'fail' };
      const authenticator = server.authenticator();
      const options = await server.call('POST', '/api/setup/options', { body: { setupCode: server.setupCode, adminName: 'Wang', organisationName: 'HQ' } });
      expectServerFailure(await server.call('POST', '/api/setup/verify', { body: { response: await authenticator.register(options.json()) } }));
      expect(await snapshot(server.store)).toEqual(before);
      audit.mode = { kind: 'ok' };
      const admin = await setUpOrganisation(server);
      expect((await server.call('GET', '/api/auth/session', { cookie: admin.cookie })).statusCode).toBe(200);
    } finally {
      await server.close();
      await testStore.close();
    }
  });
});

describe('a server that dies between a change and its audit record', () => {
  let testStore: TestStore;

  beforeAll(async () => {
    testStore = await startTestStore();
  });
  afterAll(async () => {
    await testStore?.close();
  });

  /** Starts another server on the same databases, past the grace period: what a restart sees. */
  async function restart(server: TestServer) {
    server.clock.advance(60_000);
    return buildServer({ config: server.config, store: server.store, orgKey: server.orgKey, now: () => server.clock.now() });
  }

  it('undoes the change when none of its records was written', async () => {
    const audit = controllableAudit();
    const server = await startTestServer(testStore, {}, { auditLog: (log) => audit.wrap(log) });
    const admin = await setUpOrganisation(server);
    const before = await snapshot(server.store);
    const versionBefore = await server.repos.meta.rosterVersion();
    audit.mode = { kind: 'hang-after', appends: 0 };
    const hung = audit.hung();
    // The request never completes: the process is "killed" once its audit append is under way.
    const inFlight = server.call('POST', '/api/units', { cookie: admin.cookie, body: { name: 'Half made', kind: 'branch', parentId: admin.rootUnitId } });
    await hung;
    const units = (await snapshot(server.store)).units as { name: string }[];
    expect(units.map((u) => u.name)).toContain('Half made');

    const restarted = await restart(server);
    try {
      expect(await snapshot(server.store)).toEqual(before);
      expect(await server.repos.meta.rosterVersion()).toBe(versionBefore);
      // The restarted server takes the same change normally.
      const res = await restarted.inject({ method: 'POST', url: '/api/units', headers: { cookie: admin.cookie, origin: server.config.origins[0]! }, payload: { name: 'Whole', kind: 'branch', parentId: admin.rootUnitId } });
      expect(res.statusCode).toBe(201);
    } finally {
      audit.release();
      await inFlight;
      await restarted.close();
      await server.close();
    }
  });

  it('finishes the change when its first record was written: every record chained, the roster version moved', async () => {
    const audit = controllableAudit();
    const server = await startTestServer(testStore, {}, { auditLog: (log) => audit.wrap(log) });
    const admin = await setUpOrganisation(server);
    const made = await server.call('POST', '/api/invitations', { cookie: admin.cookie, body: { unitId: admin.rootUnitId, roles: ['auditor'] } });
    const { code } = made.json<{ code: string }>();
    const authenticator = server.authenticator();
    const options = await server.call('POST', '/api/auth/register/options', { body: { invitationCode: code, name: 'Chen Auditor' } });
    const response = await authenticator.register(options.json());
    const recordsBefore = (await auditRecords(server.store)).length;
    const versionBefore = await server.repos.meta.rosterVersion();
    audit.mode = { kind: 'hang-after', appends: 1 };
    const hung = audit.hung();
    const inFlight = server.call('POST', '/api/auth/register/verify', { body: { response } });
    await hung;

    const restarted = await restart(server);
    try {
      const records = await auditRecords(server.store);
      expect(records.slice(recordsBefore).map((r) => r.action)).toEqual(['invitation.use', 'user.create', 'credential.register']);
      expect(new Set(records.slice(recordsBefore).map((r) => r.change)).size).toBe(1);
      expect(await server.repos.meta.rosterVersion()).toBeGreaterThan(versionBefore);
      expect(await server.repos.audit.verify()).toMatchObject({ ok: true, length: records.length });
      // The invitee exists and can sign in with the passkey registered before the "crash".
      const origin = server.config.origins[0]!;
      const login = await restarted.inject({ method: 'POST', url: '/api/auth/login/options', headers: { origin } });
      const assertion = await authenticator.assert(login.json<{ challenge: string }>().challenge);
      const signedIn = await restarted.inject({ method: 'POST', url: '/api/auth/login/verify', headers: { origin }, payload: { response: assertion } });
      expect(signedIn.statusCode).toBe(200);
      expect(sessionCookieOf(signedIn)).toMatch(/sealctl_session=/);
    } finally {
      audit.release();
      await inFlight;
      await restarted.close();
      await server.close();
    }
  });
});
