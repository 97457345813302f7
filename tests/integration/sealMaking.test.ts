/**
 * Making a seal on a tablet (`makeSeal`, what the new-seal form does), when the app is closed
 * right after its first write: the seal is never left without its creation move — a seal whose
 * status nobody can tell, and nobody can move — and what was made reaches the office active.
 * A seal locked in a device, made or moved to another device (`bindSeal`), is never left naming
 * a device that does not name it back, nor a device naming a seal that left it.
 */
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectOf, type Device, type NewSeal, type OrgUnit, type User } from '@seal/shared';
import { bindSeal, makeSeal } from '../../app/src/routes/seals/sealActions';
import type { RecordUpdate } from '../../app/src/store/recordEditor';
import { closedAfterWrites } from './appClosed';
import { deviceWithLog, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let units: OrgUnit[];
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const listed = await running.server.call('GET', '/api/units', { cookie: world.admin.cookie });
  units = listed.json<{ units: OrgUnit[] }>().units;
}, 60_000);
afterAll(async () => running?.close());

/** The administrator as the policy sees them (an admin grant on the root unit). */
const admin = (): User => ({ id: world.admin.userId, name: 'Administrator', unitId: world.admin.rootUnitId, grants: [{ role: 'admin', unitId: world.admin.rootUnitId }], active: true }) as User;

/** Every seal `replica` holds, with how many lifecycle moves it holds of each. */
async function heldSeals(replica: Replica): Promise<{ id: string; moves: number }[]> {
  await replica.store.whenProjected();
  const seals = await firstValueFrom(replica.store.query.records$('seal'));
  return Promise.all(seals.map(async ({ record }) => ({ id: record.id, moves: (await replica.store.query.facts('seal_status_change', { subject: subjectOf('seal', record.id) })).length })));
}

/** The outbox's entries (one per write), as the rows each holds. */
async function outboxWrites(replica: Replica): Promise<string[][]> {
  const states = await replica.store.db.local.find({ selector: { type: 'state' } }).exec();
  return states.filter((doc) => doc.key.startsWith('outbox~')).map((doc) => [...(doc.toJSON().data as { ids: string[] }).ids]);
}

describe('making a seal', () => {
  it('closed after its first write, leaves no seal without its creation move; the seal made reaches the office active', async () => {
    const databaseName = `seal-making-${process.pid}`;
    let tablet = await replicas.open(world.admin, 'admin-tablet', { databaseName });
    const input = sealRecord('seal-making-1', world.siteId, world.admin.userId, '合同专用章') as unknown as NewSeal;
    await makeSeal(closedAfterWrites(tablet.store), input, admin(), 'new contract seal for the site', units, []).catch(() => undefined);
    await replicas.close(tablet);
    tablet = await replicas.open(world.admin, 'admin-tablet-again', { databaseName });
    // Whatever the first write was, it held the seal with its move, or nothing of it.
    for (const seal of await heldSeals(tablet)) expect(seal).toEqual({ id: seal.id, moves: 1 });

    const office = await replicas.open(world.admin, 'office');
    await syncAll([tablet, office]);
    expect(await heldSeals(office)).toEqual([{ id: 'seal-making-1', moves: 1 }]);
    expect(tablet.store.status.get().refusals).toEqual([]);
    expect(await tablet.store.book.outboxIds()).toEqual([]);
  }, 90_000);

  /** The seals and devices `replica` holds, as who names whom: each seal's device, each device's seal and state. */
  async function locks(replica: Replica): Promise<{ seals: Record<string, string | null>; devices: Record<string, [string | null, string]> }> {
    await replica.store.whenProjected();
    const seals = await firstValueFrom(replica.store.query.records$('seal'));
    const devices = await firstValueFrom(replica.store.query.records$('device'));
    return {
      seals: Object.fromEntries(seals.map(({ record }) => [record.id, (record as { deviceId?: string | null }).deviceId ?? null])),
      devices: Object.fromEntries(devices.map(({ record }) => [record.id, [(record).sealId, (record).state]])),
    };
  }

  /** `seals` and `devices` agree: a seal names a device iff that device names it back (and is bound). */
  function agree({ seals, devices }: Awaited<ReturnType<typeof locks>>): void {
    for (const [sealId, deviceId] of Object.entries(seals)) {
      if (deviceId !== null && devices[deviceId] !== undefined) expect(devices[deviceId], `${sealId} names ${deviceId}`).toEqual([sealId, 'bound']);
    }
    for (const [deviceId, [sealId, state]] of Object.entries(devices)) {
      if (sealId !== null) expect(seals[sealId], `${deviceId} names ${sealId}`).toBe(deviceId);
      else expect(state, `${deviceId} holds no seal`).toBe('provisioned');
    }
  }

  it('locked in a device, made or moved to another, closed after its first write: seal and devices name each other, or nothing changed', async () => {
    const databaseName = `seal-locking-${process.pid}`;
    let tablet = await replicas.open(world.admin, 'admin-locking', { databaseName });
    const [first, second] = [await deviceWithLog('dev-lock-a', world.siteId, 1), await deviceWithLog('dev-lock-b', world.siteId, 1)];
    await tablet.store.records.create('device', first.record);
    await tablet.store.records.create('device', second.record);
    const devices = async () => (await firstValueFrom(tablet.store.query.records$('device'))).map(({ record }) => record);
    const input = { ...(sealRecord('seal-locked-1', world.siteId, world.admin.userId, '项目部公章') as object), kind: 'contract', form: 'physical', antiCounterfeitCode: '3301020012345', deviceId: 'dev-lock-a' } as unknown as NewSeal;
    const writesBefore = (await outboxWrites(tablet)).length;
    await makeSeal(closedAfterWrites(tablet.store), input, admin(), 'a seal locked in a device', units, await devices()).catch(() => undefined);
    // One write: the seal, its creation move, the device naming it — in the order they go up.
    const [lastWrite] = (await outboxWrites(tablet)).slice(writesBefore);
    expect((await outboxWrites(tablet)).length).toBe(writesBefore + 1);
    expect(lastWrite!.map((id) => id.split(':').slice(0, 2).join(':'))).toEqual(['change:seal', 'fact:seal_status_change', 'change:device']);
    const made = await locks(tablet);
    expect(made.seals).toEqual({ 'seal-locked-1': 'dev-lock-a' });
    agree(made);

    // Moved to the other device, the app closed after its first write: all of it, or none.
    const seal = (await firstValueFrom(tablet.store.query.records$('seal'))).find(({ record }) => record.id === 'seal-locked-1')!.record;
    await bindSeal(closedAfterWrites(tablet.store), seal, 'dev-lock-b', await devices()).catch(() => undefined);
    await replicas.close(tablet);
    tablet = await replicas.open(world.admin, 'admin-locking-again', { databaseName });
    const moved = await locks(tablet);
    expect(moved.seals['seal-locked-1']).toBe('dev-lock-b');
    expect(moved.devices).toEqual({ 'dev-lock-a': [null, 'provisioned'], 'dev-lock-b': ['seal-locked-1', 'bound'] });
    agree(moved);

    // As the office sees it once synced: the same, nothing refused.
    const office = await replicas.open(world.admin, 'office-locking');
    await syncAll([tablet, office]);
    expect(tablet.store.status.get().refusals).toEqual([]);
    const seen = await locks(office);
    expect(seen.devices).toEqual(moved.devices);
    agree(seen);
  }, 90_000);

  it('edits of several records written together: judged first, all or nothing; two edits of one record are one change', async () => {
    const tablet = await replicas.open(world.admin, 'admin-together');
    const [one, two] = [await deviceWithLog('dev-together-a', world.siteId, 1), await deviceWithLog('dev-together-b', world.siteId, 1)];
    await tablet.store.records.create('device', one.record);
    await tablet.store.records.create('device', two.record);
    const rowsNow = async () => (await tablet.store.db.rows.find().exec()).map((doc) => doc.id).sort();
    const before = { rows: await rowsNow(), outbox: await tablet.store.book.outboxIds() };
    const named = (deviceId: string, name: string) => ({ kind: 'device', recordId: deviceId, edit: (doc: Device) => void (doc.serial = name) }) as unknown as RecordUpdate;
    // One of them breaks the rules (a device's key is fixed at its creation): neither is written.
    const rekeyed = { kind: 'device', recordId: 'dev-together-b', edit: (doc: Device) => void (doc.publicKeyJwk = JSON.parse(JSON.stringify((one.record as Device).publicKeyJwk)) as Device['publicKeyJwk']) } as unknown as RecordUpdate;
    await expect(tablet.store.records.updateTogether([named('dev-together-a', 'SN-renamed'), rekeyed])).rejects.toThrow(/expected device "dev-together-b" to keep/);
    // Nor when one of them names a record not held here.
    await expect(tablet.store.records.updateTogether([named('dev-together-a', 'SN-renamed'), named('dev-nowhere', 'SN-x')])).rejects.toThrow(/not held here/);
    expect({ rows: await rowsNow(), outbox: await tablet.store.book.outboxIds() }).toEqual(before);

    // Two edits of one record and one of another: two changes, in one outbox write, both kept.
    const state = { kind: 'device', recordId: 'dev-together-a', edit: (doc: Device) => void (doc.state = 'retired') } as unknown as RecordUpdate;
    const writesBefore = await outboxWrites(tablet);
    const [first, second, third] = await tablet.store.records.updateTogether([named('dev-together-a', 'SN-renamed'), named('dev-together-b', 'SN-b2'), state]);
    expect((await outboxWrites(tablet)).slice(writesBefore.length)).toEqual([[first!.id, second!.id]]);
    expect(first).not.toBeNull();
    expect(third).toEqual(first);
    expect(second!.id).not.toBe(first!.id);
    expect(await rowsNow()).toEqual([...before.rows, first!.id, second!.id].sort());
    await tablet.store.whenProjected();
    const devices = Object.fromEntries((await firstValueFrom(tablet.store.query.records$('device'))).map(({ record }) => [record.id, record]));
    expect([devices['dev-together-a']!.serial, devices['dev-together-a']!.state, devices['dev-together-b']!.serial]).toEqual(['SN-renamed', 'retired', 'SN-b2']);
    // An edit that changes nothing is no change, and nothing is written.
    const rowsBefore = await rowsNow();
    expect(await tablet.store.records.updateTogether([{ kind: 'device', recordId: 'dev-together-b', edit: () => undefined }])).toEqual([null]);
    expect(await rowsNow()).toEqual(rowsBefore);
    await syncAll([tablet]);
    expect(tablet.store.status.get().refusals).toEqual([]);
  }, 60_000);

  it('moving a seal to a device the screen showed free, which took another seal since, writes nothing', async () => {
    const tablet = await replicas.open(world.admin, 'admin-stale');
    for (const id of ['dev-stale-c', 'dev-stale-d', 'dev-stale-e', 'dev-stale-f']) await tablet.store.records.create('device', (await deviceWithLog(id, world.siteId, 1)).record);
    const devices = async () => (await firstValueFrom(tablet.store.query.records$('device'))).map(({ record }) => record);
    const physical = (id: string, deviceId: string) => ({ ...(sealRecord(id, world.siteId, world.admin.userId, '合同专用章') as object), form: 'physical', antiCounterfeitCode: '3301020012345', deviceId }) as unknown as NewSeal;
    const seal = await makeSeal(tablet.store, physical('seal-stale-1', 'dev-stale-c'), admin(), 'first seal', units, await devices());
    await tablet.store.whenProjected();
    // The screen's list, then another seal locked in D (another tab, or a pull) before the move is made.
    const shown = await devices();
    await makeSeal(tablet.store, physical('seal-stale-2', 'dev-stale-d'), admin(), 'second seal', units, await devices());
    await tablet.store.whenProjected();
    const rows = async () => (await tablet.store.db.rows.find().exec()).map((doc) => doc.id).sort();
    const before = await rows();
    await expect(bindSeal(tablet.store, seal, 'dev-stale-d', shown)).rejects.toMatchObject({ code: 'device_unavailable' });
    expect(await rows()).toEqual(before);
    const now = await locks(tablet);
    expect(now.seals).toEqual({ 'seal-stale-1': 'dev-stale-c', 'seal-stale-2': 'dev-stale-d' });
    agree(now);

    // The seal itself moved since the screen showed it (to E, in another tab): a move from where the screen showed it (C) to F is refused too.
    await bindSeal(tablet.store, seal, 'dev-stale-e', await devices());
    await tablet.store.whenProjected();
    const movedSince = await rows();
    await expect(bindSeal(tablet.store, seal, 'dev-stale-f', await devices())).rejects.toMatchObject({ code: 'device_unavailable' });
    expect(await rows()).toEqual(movedSince);
    const after = await locks(tablet);
    expect(after.seals['seal-stale-1']).toBe('dev-stale-e');
    expect(after.devices['dev-stale-f']).toEqual([null, 'provisioned']);
    agree(after);
  }, 60_000);
});

