/**
 * A deactivation cut short: the store fails (or the server stops) after the commit that makes the
 * user inactive and before what it sets off is done (their sessions ended, their open requests
 * withdrawn, the withdrawals recorded). The next deactivation asked, or the next server start,
 * finishes it: each request withdrawn exactly once, one record of the withdrawals, whether the
 * repeat comes once, twice at once, or after a restart; a reactivation meanwhile stops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UseRequest } from '@seal/shared';
import { hashSecret } from '../../sync-server/src/auth/secrets';
import type { AuditLog } from '../../sync-server/src/couch/auditLog';
import type { AuditRecord } from '../../sync-server/src/couch/model';
import type { SessionsRepo } from '../../sync-server/src/couch/sessionsRepo';
import { rowsRepo } from '../../sync-server/src/sync/rowsRepo';
import { signIn, startTestServer, type TestServer } from '../../sync-server/src/testing/testServer';
import { sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const DAY = 86_400_000;

/** What the test makes fail next: the sessions' end of a deactivation, or the record of its withdrawals. */
const failNext = { revokeWhere: false, haltedRecord: false };

let running: RunningSync;
let world: World;
let custodian: Person;
const replicas = replicaPool(() => running.url);

const failing = {
  sessions: (repo: SessionsRepo): SessionsRepo => ({
    ...repo,
    async revokeWhere(by, now) {
      if ('userId' in by && failNext.revokeWhere) {
        failNext.revokeWhere = false;
        throw new Error('the store went away (test)');
      }
      return repo.revokeWhere(by, now);
    },
  }),
  auditLog: (log: AuditLog): AuditLog => ({
    ...log,
    async append(entry) {
      if (entry.action === 'user.requests_halted' && failNext.haltedRecord) {
        failNext.haltedRecord = false;
        throw new Error('the store went away (test)');
      }
      return log.append(entry);
    },
  }),
};

beforeAll(async () => {
  running = await startSyncServer({}, failing);
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Keeper 保管员');
  const custody = await replicas.open(custodian, 'custody');
  await custody.store.records.create('seal', sealRecord('seal-site', world.siteId, custodian.userId));
  await syncAll([custody]);
  await replicas.close(custody);
}, 60_000);
afterAll(async () => running?.close());

/** Someone at the site with `count` open requests, pushed from their tablet. */
async function leaverWithRequests(name: string, count: number): Promise<{ leaver: Person; requestIds: string[] }> {
  const leaver = await world.person(world.siteId, ['staff'], name);
  const now = running.server.clock.now();
  const tablet = await replicas.open(leaver, `${name}-tablet`);
  const requestIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `req-${leaver.userId.slice(-6)}-${i}`;
    const open: UseRequest = { ...useRequest(id, leaver.userId, world.siteId, 'seal-site'), window: { notBefore: now - DAY, notAfter: now + 7 * DAY }, createdAt: now - DAY };
    await tablet.store.records.create('request', open);
    requestIds.push(id);
  }
  await syncAll([tablet]);
  await replicas.close(tablet);
  return { leaver, requestIds: requestIds.sort() };
}

const deactivate = (server: TestServer, who: Person) => server.call('POST', `/api/users/${who.userId}/deactivate`, { cookie: world.admin.cookie });

/** The stored cancellations of each request, by request id. */
async function cancellationsOf(requestIds: readonly string[]): Promise<Record<string, number>> {
  const { store } = running.server;
  const stored = await rowsRepo(store.couch.use(store.dbName('rows'))).factsOfKind('cancellation');
  const found: Record<string, number> = Object.fromEntries(requestIds.map((id) => [id, 0]));
  for (const row of stored) {
    const { requestId } = row.body as { requestId: string };
    if (requestId in found) found[requestId]! += 1;
  }
  return found;
}

async function recordsAbout(userId: string): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for (let after = 0; ;) {
    const page = (await running.server.call('GET', `/api/audit?limit=500&after=${after}`, { cookie: world.admin.cookie })).json<{ records: AuditRecord[]; nextAfter: number }>();
    all.push(...page.records);
    if (page.nextAfter === after) return all.filter((r) => r.target.id === userId && r.action !== 'user.create');
    after = page.nextAfter;
  }
}

const marked = async (userId: string): Promise<boolean> => (await running.server.repos.users.get(userId))?.followUpsOwed !== undefined;
const sessionOpen = async (who: Person): Promise<boolean> => {
  const token = who.cookie.slice(who.cookie.indexOf('=') + 1);
  const session = await running.server.repos.sessions.get(hashSecret(token));
  return session !== undefined && session.revokedAt === undefined;
};

describe('a deactivation cut short', () => {
  it('is finished by the next deactivation asked: each request withdrawn once, one record of it', async () => {
    const { leaver, requestIds } = await leaverWithRequests('Leaver A 离职甲', 3);
    failNext.revokeWhere = true;
    const cut = await deactivate(running.server, leaver);
    expect(cut.statusCode).toBeGreaterThanOrEqual(500); // the store failed: said so, not answered as done
    // The deactivation stands (nobody acts as them: every request of theirs is refused), the rest is owed.
    expect((await running.server.repos.users.get(leaver.userId))?.active).toBe(false);
    expect(await marked(leaver.userId)).toBe(true);
    expect(await sessionOpen(leaver)).toBe(true);
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 0])));

    const again = await deactivate(running.server, leaver);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ user: { active: false }, haltedRequests: requestIds, requestsOutOfScope: [] });
    expect(await sessionOpen(leaver)).toBe(false);
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
    expect(await marked(leaver.userId)).toBe(false);

    // Asked a third time: nothing more to do, nothing written, nothing recorded.
    expect((await deactivate(running.server, leaver)).json()).toMatchObject({ haltedRequests: [] });
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
    const records = await recordsAbout(leaver.userId);
    expect(records.map((r) => r.action)).toEqual(['user.deactivate', 'user.requests_halted']);
    expect(records[1]!.after).toEqual({ haltedRequests: requestIds, requestsOutOfScope: [] });
  });

  it('cut after its withdrawals were written, before their record: the repeat records the same requests once and writes nothing twice', async () => {
    const { leaver, requestIds } = await leaverWithRequests('Leaver B 离职乙', 2);
    failNext.haltedRecord = true;
    expect((await deactivate(running.server, leaver)).statusCode).toBeGreaterThanOrEqual(500);
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
    expect(await marked(leaver.userId)).toBe(true);
    expect((await recordsAbout(leaver.userId)).map((r) => r.action)).toEqual(['user.deactivate']);

    // Two repeats at once (a retry and a second administrator's click).
    const both = await Promise.all([deactivate(running.server, leaver), deactivate(running.server, leaver)]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    // Each says what the deactivation withdrew, or (finding it all done already) nothing more.
    const lists = both.map((r) => r.json<{ haltedRequests: string[] }>().haltedRequests);
    expect(lists).toContainEqual(requestIds);
    for (const list of lists) expect([requestIds, []]).toContainEqual(list);
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
    const records = await recordsAbout(leaver.userId);
    expect(records.map((r) => r.action)).toEqual(['user.deactivate', 'user.requests_halted']);
    expect(records[1]!.after).toEqual({ haltedRequests: requestIds, requestsOutOfScope: [] });
    expect(await marked(leaver.userId)).toBe(false);
  });

  it('is finished by the next server start, with nobody asking again', async () => {
    const { leaver, requestIds } = await leaverWithRequests('Leaver C 离职丙', 2);
    failNext.revokeWhere = true;
    expect((await deactivate(running.server, leaver)).statusCode).toBeGreaterThanOrEqual(500);
    expect(await marked(leaver.userId)).toBe(true);
    // Another server on the same store and databases (as after a restart) finishes it as it starts.
    const restarted = await startTestServer(running.store, { DB_PREFIX: running.server.config.dbPrefix });
    try {
      expect(await marked(leaver.userId)).toBe(false);
      expect(await sessionOpen(leaver)).toBe(false);
      expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
      expect((await recordsAbout(leaver.userId)).map((r) => r.action)).toEqual(['user.deactivate', 'user.requests_halted']);
    } finally {
      await restarted.close();
    }
  });

  it('is not finished once they were reactivated: their requests stay open; the session from before opens nothing, a new sign-in does', async () => {
    const { leaver, requestIds } = await leaverWithRequests('Leaver D 离职丁', 2);
    failNext.revokeWhere = true;
    expect((await deactivate(running.server, leaver)).statusCode).toBeGreaterThanOrEqual(500);
    const back = await running.server.call('POST', `/api/users/${leaver.userId}/activate`, { cookie: world.admin.cookie });
    expect(back.statusCode).toBe(200);
    expect(await marked(leaver.userId)).toBe(false);
    const restarted = await startTestServer(running.store, { DB_PREFIX: running.server.config.dbPrefix });
    try {
      // Not ended in the store (the deactivation's follow-ups never ran), yet over: it predates the deactivation.
      expect(await sessionOpen(leaver)).toBe(true);
      expect((await running.server.call('GET', '/api/auth/session', { cookie: leaver.cookie })).statusCode).toBe(401);
      expect((await signIn(running.server, leaver.authenticator)).statusCode).toBe(200);
      expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 0])));
      expect((await recordsAbout(leaver.userId)).map((r) => r.action)).toEqual(['user.deactivate', 'user.activate']);
    } finally {
      await restarted.close();
    }
  });

  it('cut before its record, then the administrator who deactivated loses the role: the requests they withdrew are still recorded as theirs', async () => {
    const { leaver, requestIds } = await leaverWithRequests('Leaver E 离职戊', 2);
    const branchAdmin = await world.person(world.branchId, ['admin'], 'Branch admin 分公司管理员');
    failNext.haltedRecord = true;
    const cut = await running.server.call('POST', `/api/users/${leaver.userId}/deactivate`, { cookie: branchAdmin.cookie });
    expect(cut.statusCode).toBeGreaterThanOrEqual(500);
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
    const demoted = await running.server.call('POST', `/api/users/${branchAdmin.userId}/grants/revoke`, { cookie: world.admin.cookie, body: { role: 'admin', unitId: world.branchId } });
    expect(demoted.statusCode).toBe(200);
    // The organisation's administrator asks again: the record names the withdrawals, in the branch administrator's name.
    const again = await deactivate(running.server, leaver);
    expect(again.json()).toMatchObject({ haltedRequests: requestIds, requestsOutOfScope: [] });
    const records = await recordsAbout(leaver.userId);
    expect(records.map((r) => r.action)).toEqual(['user.deactivate', 'user.requests_halted']);
    expect(records[1]!.after).toEqual({ haltedRequests: requestIds, requestsOutOfScope: [] });
    expect(records.every((r) => 'userId' in r.actor && r.actor.userId === branchAdmin.userId)).toBe(true);
    expect(await cancellationsOf(requestIds)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
  });

  it('cut before its record, then reactivated: the reactivation records the withdrawals already made', async () => {
    const { leaver, requestIds } = await leaverWithRequests('Leaver F 离职己', 2);
    failNext.haltedRecord = true;
    expect((await deactivate(running.server, leaver)).statusCode).toBeGreaterThanOrEqual(500);
    expect((await running.server.call('POST', `/api/users/${leaver.userId}/activate`, { cookie: world.admin.cookie })).statusCode).toBe(200);
    const records = await recordsAbout(leaver.userId);
    expect(records.map((r) => r.action)).toEqual(['user.deactivate', 'user.requests_halted', 'user.activate']);
    expect(records[1]!.after).toEqual({ haltedRequests: requestIds }); // which were out of scope is not known here
    expect(await marked(leaver.userId)).toBe(false);
  });

  it('at a start, one deactivation that still cannot be finished does not hold up the others', async () => {
    const stuck = await leaverWithRequests('Leaver G 离职庚', 1);
    const next = await leaverWithRequests('Leaver H 离职辛', 1);
    for (const { leaver } of [stuck, next]) {
      failNext.revokeWhere = true;
      expect((await deactivate(running.server, leaver)).statusCode).toBeGreaterThanOrEqual(500);
    }
    // A server whose store keeps failing to end the first one's sessions (in id order, it may come first or last).
    const restarted = await startTestServer(running.store, { DB_PREFIX: running.server.config.dbPrefix }, {
      sessions: (repo) => ({
        ...repo,
        revokeWhere: (by, at) => ('userId' in by && by.userId === stuck.leaver.userId ? Promise.reject(new Error('the store went away (test)')) : repo.revokeWhere(by, at)),
      }),
    });
    try {
      expect(await marked(stuck.leaver.userId)).toBe(true);
      expect(await marked(next.leaver.userId)).toBe(false);
      expect(await cancellationsOf(next.requestIds)).toEqual({ [next.requestIds[0]!]: 1 });
    } finally {
      await restarted.close();
    }
    // The next server that can finishes it.
    expect((await deactivate(running.server, stuck.leaver)).json()).toMatchObject({ haltedRequests: stuck.requestIds });
  });
});
