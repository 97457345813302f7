/**
 * One seal device holds one seal. A client that records two seals locked in the same free device,
 * and leaves the device's own record as it was (the app writes both records together), must not
 * get the device signed over to either, nor make its log either seal's evidence; and a device's
 * record takes only a seal whose record names it, one seal at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceRecord, deviceWithLog } from './fixtures';
import type { DeviceInfo } from '@seal/device-bridge';
import type { Device, SealRecord } from '@seal/shared';
import { registerDevice } from '../../app/src/device/registerDevice';
import { bindSeal } from '../../app/src/routes/seals/sealActions';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, outcomes, push } from './hostileClient';

let running: RunningSync;
let world: World;
let custodian: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Site custodian 保管员');
}, 60_000);
afterAll(async () => running?.close());

const physical = (id: string, deviceId: string | null) =>
  ({ id, name: '合同专用章', kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId });

const bindingFor = (deviceId: string, sealId: string) =>
  running.server.call('POST', `/api/devices/${deviceId}/binding`, {
    cookie: custodian.cookie, body: { sealId, sealKind: 'contract', minApprovals: 1, custodianId: custodian.userId, unitId: world.siteId },
  });

/** The device HQ reads as the seal's (its ledger), and how many of its entries. */
async function evidenceOf(sealId: string): Promise<{ deviceId: string | null; entries: number }> {
  const response = await running.server.call('GET', `/api/hq/evidence/seals/${sealId}`, { cookie: world.admin.cookie });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<{ deviceId: string | null; entries: unknown[] }>();
  return { deviceId: body.deviceId, entries: body.entries.length };
}

describe('one device, two seal records', () => {
  it('signs a binding and shows the log only for the seal the device record holds, and the device record takes one seal at a time', async () => {
    const device = await deviceWithLog('dev-shared', world.siteId, 3);
    const registered = await creation(custodian, 'device', device.record);
    const entries = await Promise.all(device.log.map((event) => factRowOf(custodian, 'device_event', event as never, world.siteId)));
    expect(outcomes(await push(running, custodian, [registered.row, ...entries]))).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);

    // Two seals recorded locked in the free device, its record left free: both records stand (a
    // seal may name a free device), but neither seal has the device.
    const first = await creation(custodian, 'seal', physical('seal-first', 'dev-shared'));
    const second = await creation(custodian, 'seal', physical('seal-second', 'dev-shared'));
    const elsewhere = await creation(custodian, 'seal', physical('seal-elsewhere', null));
    expect(outcomes(await push(running, custodian, [first.row, second.row, elsewhere.row]))).toEqual(['accepted', 'accepted', 'accepted']);
    for (const sealId of ['seal-first', 'seal-second']) {
      const refused = await bindingFor('dev-shared', sealId);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ error: 'binding_mismatch', message: expect.stringContaining('does not hold seal') as unknown });
      expect(await evidenceOf(sealId)).toEqual({ deviceId: null, entries: 0 });
    }

    // The device's record takes no seal whose record does not name it, and none nobody recorded.
    const toElsewhere = await edit(custodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-elsewhere'; });
    const toNowhere = await edit(custodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-nowhere'; });
    expect(outcomes(await push(running, custodian, [toElsewhere.row, toNowhere.row]))).toEqual(['refused:wrong_scope', 'refused:unknown_record']);

    // It takes the first seal: that seal has its binding and its log; the second has neither.
    const holdsFirst = await edit(custodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-first'; });
    expect(outcomes(await push(running, custodian, [holdsFirst.row]))).toEqual(['accepted']);
    expect((await bindingFor('dev-shared', 'seal-first')).statusCode).toBe(200);
    expect((await bindingFor('dev-shared', 'seal-second')).statusCode).toBe(409);
    expect(await evidenceOf('seal-first')).toEqual({ deviceId: 'dev-shared', entries: 3 });
    expect(await evidenceOf('seal-second')).toEqual({ deviceId: null, entries: 0 });

    // Straight from the first seal to the second: refused; it lets the first go before it takes another.
    const swapped = await edit(custodian, 'device', holdsFirst.doc, world.siteId, (d) => { d.sealId = 'seal-second'; });
    expect(outcomes(await push(running, custodian, [swapped.row]))).toEqual(['refused:wrong_scope']);
    // Nor does it let the first go while the first seal's record still names it: that would hide
    // the log of a seal still locked in it from the seal's evidence.
    const freedEarly = await edit(custodian, 'device', holdsFirst.doc, world.siteId, (d) => { d.state = 'provisioned'; d.sealId = null; });
    expect(outcomes(await push(running, custodian, [freedEarly.row]))).toEqual(['refused:wrong_scope']);
    expect(await evidenceOf('seal-first')).toEqual({ deviceId: 'dev-shared', entries: 3 });
    // Once the first seal is locked in no device (as the app writes it: the seal's record, then the device's), it may.
    const unlocked = await edit(custodian, 'seal', first.doc, world.siteId, (d) => { d.deviceId = null; });
    const freed = await edit(custodian, 'device', holdsFirst.doc, world.siteId, (d) => { d.state = 'provisioned'; d.sealId = null; });
    const holdsSecond = await edit(custodian, 'device', freed.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-second'; });
    expect(outcomes(await push(running, custodian, [unlocked.row, freed.row, holdsSecond.row]))).toEqual(['accepted', 'accepted', 'accepted']);
    expect((await bindingFor('dev-shared', 'seal-second')).statusCode).toBe(200);
    expect((await bindingFor('dev-shared', 'seal-first')).statusCode).toBe(409);
    expect(await evidenceOf('seal-second')).toEqual({ deviceId: 'dev-shared', entries: 3 });
    expect(await evidenceOf('seal-first')).toEqual({ deviceId: null, entries: 0 });
  });

  it('registers no device already holding a seal whose record does not name it', async () => {
    const elsewhere = await creation(custodian, 'seal', physical('seal-unnamed', null));
    const device = await deviceWithLog('dev-claiming', world.siteId, 1);
    const claiming = await creation(custodian, 'device', { ...(device.record as Record<string, unknown>), state: 'bound', sealId: 'seal-unnamed' });
    expect(outcomes(await push(running, custodian, [elsewhere.row, claiming.row]))).toEqual(['accepted', 'refused:wrong_scope']);
  });

  it('registers a device found bound to a seal as holding it only when the seal record names it, and free otherwise', async () => {
    // A seal recorded locked in serial "dev-early" before registration was required (written into
    // the store as an older server took it), and another locked in no device.
    const early = await creation(custodian, 'seal', physical('seal-early', 'dev-early'));
    const rowsDb = running.server.store.couch.use(running.server.store.dbName('rows'));
    await rowsDb.bulk({ docs: [{ ...early.row, _id: early.row.id }] });
    const loose = await creation(custodian, 'seal', physical('seal-loose', null));
    expect(outcomes(await push(running, custodian, [loose.row]))).toEqual(['accepted']);

    const tablet = await openReplica(running.url, custodian, 'register-tablet');
    try {
      await syncAll([tablet]);
      const found = async (deviceId: string, sealId: string): Promise<DeviceInfo> => ({ deviceId, sealId, publicKey: (await deviceRecord(deviceId, world.siteId)).publicKeyJwk } as unknown as DeviceInfo);
      // Each device says it holds a seal (its binding, installed before it was registered here).
      const named = await registerDevice(tablet.store, await found('dev-early', 'seal-early'), world.siteId);
      const unnamed = await registerDevice(tablet.store, await found('dev-loose', 'seal-loose'), world.siteId);
      await syncAll([tablet]);
      expect(tablet.store.status.get().refusals).toEqual([]);
      expect(named).toMatchObject({ state: 'bound', sealId: 'seal-early' });
      expect(unnamed).toMatchObject({ state: 'provisioned', sealId: null });
      expect((await bindingFor('dev-early', 'seal-early')).statusCode).toBe(200);
      expect((await bindingFor('dev-loose', 'seal-loose')).statusCode).toBe(409);
    } finally {
      await tablet.close();
    }
  });

  it('gives a seal pointed back at a device whose record was freed meanwhile no binding and no evidence, until the seal screen names it in the device record', async () => {
    const device = await deviceWithLog('dev-dodged', world.siteId, 2);
    const registered = await creation(custodian, 'device', device.record);
    const entries = await Promise.all(device.log.map((event) => factRowOf(custodian, 'device_event', event as never, world.siteId)));
    const seal = await creation(custodian, 'seal', physical('seal-dodged', 'dev-dodged'));
    const held = await edit(custodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-dodged'; });
    expect(outcomes(await push(running, custodian, [registered.row, ...entries, seal.row, held.row]))).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
    expect(await evidenceOf('seal-dodged')).toEqual({ deviceId: 'dev-dodged', entries: 2 });

    // In one push: the seal taken out, the device freed (the seal no longer names it), the seal put
    // back. Each step is allowed; it ends with the seal naming a device whose record is free.
    const out = await edit(custodian, 'seal', seal.doc, world.siteId, (d) => { d.deviceId = null; });
    const freed = await edit(custodian, 'device', held.doc, world.siteId, (d) => { d.state = 'provisioned'; d.sealId = null; });
    const back = await edit(custodian, 'seal', out.doc, world.siteId, (d) => { d.deviceId = 'dev-dodged'; });
    expect(outcomes(await push(running, custodian, [out.row, freed.row, back.row]))).toEqual(['accepted', 'accepted', 'accepted']);
    expect((await bindingFor('dev-dodged', 'seal-dodged')).statusCode).toBe(409);
    expect(await evidenceOf('seal-dodged')).toEqual({ deviceId: null, entries: 0 });

    // The seal screen's repair (binding the seal to the device it names already) writes the device's
    // record taking it: the binding is signed again, and HQ reads the device's log as the seal's.
    const tablet = await openReplica(running.url, custodian, 'repair-tablet');
    try {
      await syncAll([tablet]);
      await tablet.store.whenProjected();
      const record = (await tablet.store.projection('seal:seal-dodged'))!.record as SealRecord;
      const devices = [(await tablet.store.projection('device:dev-dodged'))!.record as Device];
      expect(devices[0]).toMatchObject({ state: 'provisioned', sealId: null });
      await bindSeal(tablet.store, record, 'dev-dodged', devices);
      await syncAll([tablet]);
      expect(tablet.store.status.get().refusals).toEqual([]);
    } finally {
      await tablet.close();
    }
    expect((await bindingFor('dev-dodged', 'seal-dodged')).statusCode).toBe(200);
    expect(await evidenceOf('seal-dodged')).toEqual({ deviceId: 'dev-dodged', entries: 2 });
  });
});
