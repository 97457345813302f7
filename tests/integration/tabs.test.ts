/**
 * Two people, one browser: tabs share the session cookie. Person 1's store runs in tab A; person
 * 2 signs in in tab B, so tab A's requests now carry person 2's session. Every sync request names
 * the replica's user; the server answers a session of anyone else as signed out (401
 * `replica_user_mismatch`) before reading or writing anything, and tab A's replica stops: its
 * outbox intact, no refusal recorded, nothing of person 2's pulled. When person 1 signs in again
 * it syncs on, and ends equal to a fresh replica of person 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICA_USER_HEADER } from '@seal/shared';
import { sealMove, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { CookieJar } from './network';
import { canon, replicaRows, replicaView, rowDiff, serverRows } from './serverView';

let running: RunningSync;
let world: World;
let first: Person;
let second: Person;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_700_000;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  first = await world.person(world.siteId, ['custodian'], 'Person 1 (site)');
  second = await world.person(world.otherBranchId, ['custodian'], 'Person 2 (other branch)');
}, 60_000);
afterAll(async () => running?.close());

async function activeSeal(replica: Replica, sealId: string, unitId: string): Promise<void> {
  await replica.store.records.create('seal', sealRecord(sealId, unitId, replica.person.userId));
  await replica.store.facts.append('seal_status_change', sealMove(sealId, null, 'active', replica.person.userId, 'custodian', ++clock), unitId);
}

async function eventually(probe: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('another person signing in in a second tab', () => {
  it('stops the first tab\'s replica with its outbox intact and nothing of theirs pulled; it syncs on when its person signs in again', async () => {
    const jar = new CookieJar(first.cookie);
    const stops: Error[] = [];
    const tabA = await replicas.open(first, 'tab-a', { jar, onSignedOut: (error) => stops.push(error) });
    await activeSeal(tabA, 'seal-first', world.siteId);
    await syncAll([tabA]);
    const phone = await replicas.open(second, 'second-phone');
    await activeSeal(phone, 'seal-second', world.otherBranchId);
    await syncAll([phone]);
    await replicas.close(phone);

    // Person 2 signs in in tab B: the cookie every tab sends is now theirs.
    jar.cookie = second.cookie;
    const tabB = await replicas.open(second, 'tab-b', { jar });
    await syncAll([tabB]);
    expect((await tabB.store.projection('seal:seal-second'))?.derived.status).toBe('active');

    // Tab A still runs person 1's store: person 1 suspends their seal there, and their other
    // device makes a new seal meanwhile.
    const move = await tabA.store.facts.append('seal_status_change', sealMove('seal-first', 'active', 'suspended', first.userId, 'custodian', ++clock), world.siteId);
    const otherDevice = await replicas.open(first, 'first-laptop');
    await activeSeal(otherDevice, 'seal-first-2', world.siteId);
    await syncAll([otherDevice]);
    // RxDB's open core allows 13 collections per JS context: four stores at most.
    await replicas.close(otherDevice);
    tabA.sync!.syncNow();
    await eventually(() => stops.length > 0, 'tab A stopped as signed out');
    expect(stops[0]).toMatchObject({ status: 401, code: 'replica_user_mismatch' });
    await expect(tabA.sync!.awaitInSync()).rejects.toMatchObject({ code: 'replica_user_mismatch' });
    expect(tabA.store.status.get().connection).toBe('signed_out');
    expect(await tabA.store.book.outboxIds()).toEqual([move.row.id]);
    expect(tabA.store.status.get().refusals).toEqual([]);
    expect((await replicaRows(tabA)).filter((row) => row.scopeUnitId !== world.siteId)).toEqual([]);
    expect((await serverRows(running.server)).some((row) => row.id === move.row.id)).toBe(false);
    // Stopped means stopped: a hint or a retry sends nothing more.
    const sent = tabA.network.counts.get('/api/sync/push') ?? 0;
    tabA.sync!.syncNow();
    await new Promise((r) => setTimeout(r, 300));
    expect(tabA.network.counts.get('/api/sync/push') ?? 0).toBe(sent);

    // Person 1 signs in again in tab A: the suspension goes up, the new seal comes down.
    await replicas.close(tabB);
    jar.cookie = first.cookie;
    tabA.sync!.resume();
    await syncAll([tabA]);
    expect(await tabA.store.book.outboxIds()).toEqual([]);
    expect(tabA.store.status.get().refusals).toEqual([]);
    expect((await tabA.store.projection('seal:seal-first'))?.derived.status).toBe('suspended');
    expect((await tabA.store.projection('seal:seal-first-2'))?.derived.status).toBe('active');
    expect(await tabA.store.projection('seal:seal-second')).toBeUndefined();
    const fresh = await replicas.open(first, 'first-fresh');
    await syncAll([fresh]);
    const [mine, theirs] = [await replicaView(tabA), await replicaView(fresh)];
    expect(canon(mine.rows), rowDiff(mine.rows, theirs.rows)).toBe(canon(theirs.rows));
    expect(canon(mine.projections)).toBe(canon(theirs.projections));
  }, 60_000);

  it('is refused at the server for every sync request naming another user, before anything is read or written', async () => {
    const tablet = await replicas.open(first, 'row-maker');
    tablet.network.setOnline(false);
    tablet.start();
    const { row } = await tablet.store.facts.append('seal_status_change', sealMove('seal-first', 'suspended', 'active', first.userId, 'custodian', ++clock), world.siteId);
    const as = (userId: string) => ({ cookie: second.cookie, headers: { [REPLICA_USER_HEADER]: userId } });
    const push = await running.server.call('POST', '/api/sync/push', { ...as(first.userId), body: { rows: [row] } });
    expect(push.statusCode).toBe(401);
    expect(push.json()).toMatchObject({ error: 'replica_user_mismatch' });
    expect((await serverRows(running.server)).some((r) => r.id === row.id)).toBe(false);
    for (const claimed of [first.userId, '', 'x'.repeat(5000), `${second.userId},${second.userId}`]) {
      const pull = await running.server.call('GET', '/api/sync/pull', as(claimed));
      expect(pull.statusCode, `claimed ${claimed.slice(0, 20)}`).toBe(401);
      expect(pull.json()).toMatchObject({ error: 'replica_user_mismatch' });
    }
    // The session's own user, or no claim at all (an older app), is served as before.
    expect((await running.server.call('GET', '/api/sync/pull', as(second.userId))).statusCode).toBe(200);
    expect((await running.server.call('GET', '/api/sync/pull', { cookie: second.cookie })).statusCode).toBe(200);
  }, 30_000);

  it('answers a forged or broken checkpoint 400, never 500, and never with rows outside the scope', async () => {
    for (const since of ['{"v":1,', '{"v":1,"seq":"0","units":[],"fill":null,"selector":{}}', `{"v":1,"seq":"1","units":[],"fill":${'['.repeat(3000)}${']'.repeat(3000)}}`, 'x'.repeat(9000)]) {
      const res = await running.server.call('GET', `/api/sync/pull?since=${encodeURIComponent(since)}`, { cookie: second.cookie });
      expect(res.statusCode, since.slice(0, 40)).toBe(400);
      // Refused by the checkpoint's own check, or earlier by the input guards (too large, too deep).
      expect(['invalid_query', 'too_large', 'too_deep'], since.slice(0, 40)).toContain(res.json<{ error?: string }>().error);
    }
    // A checkpoint claiming the whole organisation as delivered, with a back-fill of it: only person 2's rows come.
    const claim = JSON.stringify({ v: 1, seq: '1', units: [world.admin.rootUnitId], fill: { seq: '0', units: [world.admin.rootUnitId, world.siteId] } });
    const res = await running.server.call('GET', `/api/sync/pull?since=${encodeURIComponent(claim)}&limit=2000`, { cookie: second.cookie });
    expect(res.statusCode).toBe(200);
    const rows = res.json<{ rows: { scopeUnitId: string }[] }>().rows;
    expect(rows.filter((row) => row.scopeUnitId !== world.otherBranchId)).toEqual([]);
  }, 30_000);
});
