/**
 * Rows go up in the order they were made (ADR 003: the server judges each row against what it
 * holds, so a seal's first lifecycle fact judged before the seal's creation would be refused for
 * good): across push batches, across passes, across a reload of the app, and when the tablet's
 * clock was set back between two sessions. And a replica's sync keeps its place: a reload pulls on
 * from where it stopped, never from the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealMove, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let custodian: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian');
}, 60_000);
afterAll(async () => running?.close());

/** The ids of every push request's rows, in the order the requests left. */
function pushedIds(replica: Replica): string[] {
  const sent: string[] = [];
  replica.network.intercept = (path, init) => {
    if (path === '/api/sync/push' && typeof init.body === 'string') sent.push(...(JSON.parse(init.body) as { rows: { id: string }[] }).rows.map((row) => row.id));
  };
  return sent;
}

describe('the order rows go up in', () => {
  it('is the order they were made, across batches, a reload and a clock set back an hour', async () => {
    const databaseName = `push-order-${process.pid}`;
    let clock = 1_790_000_000_000;
    const made: string[] = [];
    const record = async (replica: Replica, n: number) => {
      const sealId = `seal-order-${n}`;
      made.push((await replica.store.records.create('seal', sealRecord(sealId, world.siteId, custodian.userId))).id);
      made.push((await replica.store.facts.append('seal_status_change', sealMove(sealId, null, 'active', custodian.userId, 'custodian', clock + n), world.siteId)).row.id);
    };
    // First session, offline: four seals made and put in use.
    const first = await replicas.open(custodian, 'order-1', { databaseName, now: () => clock, pushBatchSize: 2 });
    for (let n = 0; n < 4; n++) await record(first, n);
    await replicas.close(first);
    // The app reloads on a tablet whose clock went back an hour; two more.
    clock -= 3_600_000;
    const second = await replicas.open(custodian, 'order-2', { databaseName, now: () => clock, pushBatchSize: 2 });
    for (let n = 4; n < 6; n++) await record(second, n);
    const sent = pushedIds(second);
    second.start();
    await second.sync!.awaitInSync();
    expect(second.store.status.get().refusals).toEqual([]);
    expect(await second.store.book.outboxIds()).toEqual([]);
    // Sent once each, in the order made.
    expect(sent).toEqual(made);
    // And every one of them is on the server: a fresh replica of the site holds them all.
    const office = await replicas.open(custodian, 'order-office');
    await syncAll([office]);
    const held = new Set((await office.store.db.rows.find().exec()).map((doc) => doc.id));
    expect(made.filter((id) => !held.has(id))).toEqual([]);
  }, 60_000);

  it('a reload pulls on from its checkpoint, not from the start', async () => {
    const databaseName = `pull-place-${process.pid}`;
    const writer = await replicas.open(custodian, 'writer');
    for (let n = 10; n < 40; n++) await writer.store.records.create('seal', sealRecord(`seal-place-${n}`, world.siteId, custodian.userId));
    await syncAll([writer]);
    const reader = await replicas.open(custodian, 'reader-1', { databaseName, pullBatchSize: 7 });
    await syncAll([reader]);
    const heldBefore = await reader.store.db.rows.count().exec();
    await replicas.close(reader);
    await writer.store.records.create('seal', sealRecord('seal-place-last', world.siteId, custodian.userId));
    await syncAll([writer]);
    const again = await replicas.open(custodian, 'reader-2', { databaseName, pullBatchSize: 7 });
    await syncAll([again]);
    expect(await again.store.db.rows.count().exec()).toBe(heldBefore + 1);
    // From the start, the 30-odd rows would come down again; from the checkpoint, only the new one.
    const pulled = again.network.pullAnswers.flatMap((text) => (JSON.parse(text) as { rows: { id: string }[] }).rows.map((row) => row.id));
    expect(pulled.length).toBeGreaterThan(0);
    expect(pulled.filter((id) => !id.includes('seal-place-last'))).toEqual([]);
  }, 60_000);
});
