/**
 * A copy of a local database — a browser profile restored from a backup, a kiosk image cloned onto
 * several tablets — carries everything the original held when it was taken: rows, checkpoint, and
 * whatever names the copy to the server. The server leaves a replica's own rows out of its pulls
 * (it holds them); a copy that shared its original's name would never be sent the rows its
 * original pushed after the copy was taken, although it does not hold them. Each opening of the
 * store names itself afresh, so both copies get every row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealMove, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { serverRows } from './serverView';

let running: RunningSync;
let world: World;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_950_000;
let copies = 0;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
}, 60_000);
afterAll(async () => running?.close());

/**
 * A copy of `replica`'s database as it stands, taken as a backup or a disk image would be (every
 * document of every collection, the local book among them), opened as its own replica: the name
 * of the database it is restored into is the copy's only difference.
 */
async function copyOf(replica: Replica, person: Person): Promise<Replica> {
  const databaseName = `restored-copy-${process.pid}-${++copies}`;
  const into = await replicas.open(person, `copy-${copies}-fill`, { databaseName });
  for (const name of ['rows', 'records', 'local'] as const) {
    const docs = (await replica.store.db[name].find().exec()).map((doc) => doc.toJSON());
    await into.store.db[name].bulkUpsert(docs as never[]);
  }
  await replicas.close(into);
  return replicas.open(person, `copy-${copies}`, { databaseName });
}

const photo = (at: number) => ({ sha256: at.toString(16).padStart(64, '0'), about: 'seal:seal-cloned', mime: 'image/jpeg' as const, size: 20_000, at });

const rowIds = async (replica: Replica): Promise<string[]> => (await replica.store.db.rows.find().exec()).map((doc) => doc.id).sort();

describe('a copy of a local database', () => {
  it('restored from a backup, is sent the rows the original pushed after the backup was taken', async () => {
    const custodian = await world.person(world.siteId, ['custodian'], 'Restoring custodian');
    const tablet = await replicas.open(custodian, 'restore-original');
    await tablet.store.records.create('seal', sealRecord('seal-restored', world.siteId, custodian.userId));
    await syncAll([tablet]);
    await tablet.stop();
    const backup = await copyOf(tablet, custodian);
    await replicas.close(backup);

    // After the backup: the tablet records a move and an edit, pushes them and pulls past them.
    const { row: moved } = await tablet.store.facts.append('seal_status_change', sealMove('seal-restored', null, 'active', custodian.userId, 'custodian', ++clock), world.siteId);
    await tablet.store.records.update('seal', 'seal-restored', (seal) => void ((seal as { name: string }).name = '财务专用章'));
    await syncAll([tablet]);
    const pushed = await rowIds(tablet);
    expect(pushed).toContain(moved.id);
    expect((await serverRows(running.server, world.siteId)).map((r) => r.id)).toEqual(expect.arrayContaining(pushed));
    await replicas.close(tablet);

    // The tablet's storage is lost; the profile is restored from the backup and the app opened.
    const restored = await replicas.open(custodian, 'restore-restored', { databaseName: backupName(copies) });
    expect(await rowIds(restored)).not.toContain(moved.id);
    await syncAll([restored]);
    expect(await rowIds(restored)).toEqual(pushed);
    await expect.poll(async () => (await restored.store.projection('seal:seal-restored'))?.derived.status).toBe('active');
    await expect.poll(async () => ((await restored.store.projection('seal:seal-restored'))?.record as { name?: string } | null)?.name).toBe('财务专用章');
  }, 60_000);

  it('cloned onto two tablets, sends each the rows the other pushed', async () => {
    const custodian = await world.person(world.siteId, ['custodian'], 'Cloned custodian');
    const image = await replicas.open(custodian, 'clone-image');
    await image.store.records.create('seal', sealRecord('seal-cloned', world.siteId, custodian.userId));
    await syncAll([image]);
    await image.stop();
    const first = await copyOf(image, custodian);
    const second = await copyOf(image, custodian);
    await replicas.close(image);

    const { row: fromFirst } = await first.store.facts.append('seal_status_change', sealMove('seal-cloned', null, 'active', custodian.userId, 'custodian', ++clock), world.siteId);
    await syncAll([first]);
    const { row: fromSecond } = await second.store.facts.append('attachment', photo(++clock), world.siteId);
    await syncAll([second]);
    await syncAll([first, second]);
    for (const tablet of [first, second]) expect(await rowIds(tablet)).toEqual(expect.arrayContaining([fromFirst.id, fromSecond.id]));
    expect(await rowIds(first)).toEqual(await rowIds(second));
  }, 60_000);
});

/** The database name `copyOf` restored its `n`th copy into. */
function backupName(n: number): string {
  return `restored-copy-${process.pid}-${n}`;
}
