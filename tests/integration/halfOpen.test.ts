/**
 * Half-open connections: a request reaches the server and is handled, and its answer never
 * arrives (the tablet moved to another network, the site's hotspot dropped, a proxy stalled).
 * The replica gives up on it once past its deadline and carries on: a push is sent again and
 * answered as held (`duplicate`), nothing stored twice; a pull is asked again from the same
 * checkpoint. Before, either one held the sync still for good. Short deadlines here (1 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { sealMove, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type RunningSync, type World } from './harness';
import { serverRows } from './serverView';

const DEADLINE = { baseMs: 1_000, bytesPerSecond: 1_000_000_000 };
let running: RunningSync;
let world: World;
const replicas = replicaPool(() => running.url);
let clock = 1_790_001_200_000;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
}, 60_000);
afterAll(async () => running?.close());

describe('a sync request whose answer never comes', () => {
  it('a push: sent again past its deadline, answered as held (`duplicate`), every row on the server', async () => {
    const siteId = await createUnit(running.server, world.admin.cookie, world.branchId, 'Half-open push', 'site');
    const custodian = await world.person(siteId, ['custodian'], 'Half-open custodian');
    const tablet = await replicas.open(custodian, 'half-open-push', { deadline: DEADLINE });
    // Caught up first: a fresh replica's back-fill brings its own rows too, so the held push's rows
    // could come back by the pull and never be sent again (see durability.test.ts).
    tablet.start();
    await tablet.sync!.awaitInSync();
    const answers: string[] = [];
    tablet.network.onPushAnswer = (answer) => answers.push(...answer.results.map((r) => r.status));
    tablet.network.holdNextAnswers = { path: /^\/api\/sync\/push$/, count: 1 };
    await tablet.store.records.create('seal', sealRecord('seal-half-open', siteId, custodian.userId));
    await tablet.store.facts.append('seal_status_change', sealMove('seal-half-open', null, 'active', custodian.userId, 'custodian', ++clock), siteId);
    await syncAll([tablet]);
    expect(tablet.network.holdNextAnswers.count, 'the first push was held').toBe(0);
    // The held push was stored; its rows came back `duplicate` when sent again.
    expect(answers).toContain('duplicate');
    // Every row the tablet recorded is on the server (the store keys rows by id: a second copy
    // could only be a second body under the id, which the push would have refused, not answered `duplicate`).
    const held = (await serverRows(running.server, siteId)).map((r) => r.id).sort();
    const local = (await tablet.store.db.rows.find().exec()).filter((d) => d.scopeUnitId === siteId).map((d) => d.id).sort();
    expect(held).toEqual(local);
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(answers.filter((status) => status !== 'accepted' && status !== 'duplicate')).toEqual([]);
  }, 30_000);

  it('a pull: asked again from the same checkpoint, the rows arrive', async () => {
    const siteId = await createUnit(running.server, world.admin.cookie, world.branchId, 'Half-open pull', 'site');
    const custodian = await world.person(siteId, ['custodian'], 'Half-open pull custodian');
    const writer = await replicas.open(custodian, 'half-open-writer');
    await writer.store.records.create('seal', sealRecord('seal-half-open-pull', siteId, custodian.userId));
    await syncAll([writer]);
    const reader = await replicas.open(custodian, 'half-open-reader', { deadline: DEADLINE });
    reader.network.holdNextAnswers = { path: /^\/api\/sync\/pull$/, count: 1 };
    await syncAll([reader]);
    expect(reader.network.holdNextAnswers.count, 'the first pull was held').toBe(0);
    const rows = (await reader.store.db.rows.find().exec()).map((d) => d.id).sort();
    expect(rows).toEqual((await serverRows(running.server, siteId)).map((r) => r.id).sort());
  }, 30_000);
});

