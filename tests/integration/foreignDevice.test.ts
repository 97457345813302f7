/**
 * A seal device belongs to a unit. A custodian of another unit must not point their seal at it:
 * HQ would show that device's log as their seal's evidence, and the server would sign them a
 * binding that turns the device over to their seal, their custodian and their approvals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceWithLog } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, outcomes, push } from './hostileClient';

let running: RunningSync;
let world: World;
let siteCustodian: Person;
let otherCustodian: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  siteCustodian = await world.person(world.siteId, ['custodian'], 'Site custodian 保管员');
  otherCustodian = await world.person(world.otherBranchId, ['custodian'], 'Other custodian 保管员');
}, 60_000);
afterAll(async () => running?.close());

const physical = (id: string, unitId: string, custodianId: string, deviceId: string | null) =>
  ({ id, name: '合同专用章', kind: 'contract', unitId, custodianId, createdAt: 1_790_000_000_000, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId });

/** Asks the server, as `person`, for a binding of their contract seal `sealId` in `unitId` to the device. */
const bindingFor = (person: Person, deviceId: string, sealId: string, unitId: string) =>
  running.server.call('POST', `/api/devices/${deviceId}/binding`, {
    cookie: person.cookie, body: { sealId, sealKind: 'contract', minApprovals: 1, custodianId: person.userId, unitId },
  });

describe("another unit's seal device", () => {
  it('takes no seal of theirs, by creation or by edit, and the server signs them no binding for it', async () => {
    const device = await deviceWithLog('dev-site-cabinet', world.siteId, 2);
    const registered = await creation(siteCustodian, 'device', device.record);
    const entries = await Promise.all(device.log.map((event) => factRowOf(siteCustodian, 'device_event', event as never, world.siteId)));
    expect(outcomes(await push(running, siteCustodian, [registered.row, ...entries]))).toEqual(['accepted', 'accepted', 'accepted']);

    // Created locked in it, or edited to be: refused, and the seal (unlocked) stays as it was.
    const grabbing = await creation(otherCustodian, 'seal', physical('seal-other-grab', world.otherBranchId, otherCustodian.userId, 'dev-site-cabinet'));
    const own = await creation(otherCustodian, 'seal', physical('seal-other-own', world.otherBranchId, otherCustodian.userId, null));
    const pointed = await edit(otherCustodian, 'seal', own.doc, world.otherBranchId, (d) => { d.deviceId = 'dev-site-cabinet'; });
    expect(outcomes(await push(running, otherCustodian, [grabbing.row, own.row, pointed.row]))).toEqual(['refused:out_of_scope', 'accepted', 'refused:out_of_scope']);

    // The binding route judges the device too: its unit is not theirs, answered as a device not
    // registered (existenceOracles.test.ts: it must not tell them the device exists elsewhere).
    const bind = await bindingFor(otherCustodian, 'dev-site-cabinet', 'seal-other-own', world.otherBranchId);
    expect(bind.statusCode, bind.body).toBe(409);
    expect(bind.json()).toMatchObject({ error: 'binding_mismatch', message: expect.stringContaining('not registered') as unknown });
    // HQ shows them nothing of the device's log under their seal.
    const evidence = await running.server.call('GET', '/api/hq/evidence/seals/seal-other-own', { cookie: otherCustodian.cookie });
    expect(evidence.body).not.toContain('dev-site-cabinet');

    // The site's own custodian locks a site seal in it as before.
    const siteSeal = await creation(siteCustodian, 'seal', physical('seal-site-cabinet', world.siteId, siteCustodian.userId, 'dev-site-cabinet'));
    const held = await edit(siteCustodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-site-cabinet'; });
    expect(outcomes(await push(running, siteCustodian, [siteSeal.row, held.row]))).toEqual(['accepted', 'accepted']);
    const siteBind = await bindingFor(siteCustodian, 'dev-site-cabinet', 'seal-site-cabinet', world.siteId);
    expect(siteBind.statusCode, siteBind.body).toBe(200);
    // A second seal is not locked in a device that holds one.
    const second = await creation(siteCustodian, 'seal', physical('seal-site-second', world.siteId, siteCustodian.userId, null));
    const crowding = await edit(siteCustodian, 'seal', second.doc, world.siteId, (d) => { d.deviceId = 'dev-site-cabinet'; });
    expect(outcomes(await push(running, siteCustodian, [second.row, crowding.row]))).toEqual(['accepted', 'refused:wrong_scope']);
  });

  it('takes no seal, and gets no binding, before it is registered (its id is only the serial on its case): a device registered later under that id is not claimed', async () => {
    // Created locked in a device nobody registered, or edited to be: refused, the seal (unlocked) kept.
    const early = await creation(otherCustodian, 'seal', physical('seal-other-early', world.otherBranchId, otherCustodian.userId, 'dev-site-new'));
    const own = await creation(otherCustodian, 'seal', physical('seal-other-waiting', world.otherBranchId, otherCustodian.userId, null));
    const pointed = await edit(otherCustodian, 'seal', own.doc, world.otherBranchId, (d) => { d.deviceId = 'dev-site-new'; });
    expect(outcomes(await push(running, otherCustodian, [early.row, own.row, pointed.row]))).toEqual(['refused:unknown_record', 'accepted', 'refused:unknown_record']);
    // No binding for it either, whatever the body says (the seal it names is theirs, and in their unit).
    const preBind = await bindingFor(otherCustodian, 'dev-site-new', 'seal-other-waiting', world.otherBranchId);
    expect(preBind.statusCode, preBind.body).toBe(409);
    expect(preBind.json()).toMatchObject({ error: 'binding_mismatch', message: expect.stringContaining('not registered') as unknown });

    // The site registers its new cabinet, locks its own seal in it, and the device logs.
    const device = await deviceWithLog('dev-site-new', world.siteId, 2);
    const registered = await creation(siteCustodian, 'device', device.record);
    const siteSeal = await creation(siteCustodian, 'seal', physical('seal-site-new', world.siteId, siteCustodian.userId, 'dev-site-new'));
    const bound = await edit(siteCustodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'seal-site-new'; });
    const entries = await Promise.all(device.log.map((event) => factRowOf(siteCustodian, 'device_event', event as never, world.siteId)));
    expect(outcomes(await push(running, siteCustodian, [registered.row, siteSeal.row, bound.row, ...entries]))).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
    // Registered now, it is the site's: the other unit's edit, pushed again, is refused for that.
    expect(outcomes(await push(running, otherCustodian, [pointed.row]))).toEqual(['refused:out_of_scope']);
    // The site's own seal shows its device's log.
    const ours = await running.server.call('GET', '/api/hq/evidence/seals/seal-site-new', { cookie: siteCustodian.cookie });
    expect(ours.json<{ entries: unknown[] }>().entries).toHaveLength(2);
  });

  it('a seal recorded before registration was required, naming a serial registered later at another site, does not get that log as its evidence', async () => {
    // Written into the store as an older server took it (no device check then): the other unit's
    // seal names the serial "dev-legacy" before anyone registered it.
    const legacy = await creation(otherCustodian, 'seal', physical('seal-other-legacy', world.otherBranchId, otherCustodian.userId, 'dev-legacy'));
    const rowsDb = running.server.store.couch.use(running.server.store.dbName('rows'));
    await rowsDb.bulk({ docs: [{ ...legacy.row, _id: legacy.row.id }] });
    // The site registers the device with that serial and records its log; it holds no seal yet.
    const device = await deviceWithLog('dev-legacy', world.siteId, 2);
    const registered = await creation(siteCustodian, 'device', device.record);
    const entries = await Promise.all(device.log.map((event) => factRowOf(siteCustodian, 'device_event', event as never, world.siteId)));
    expect(outcomes(await push(running, siteCustodian, [registered.row, ...entries]))).toEqual(['accepted', 'accepted', 'accepted']);
    const theirs = await running.server.call('GET', '/api/hq/evidence/seals/seal-other-legacy', { cookie: otherCustodian.cookie });
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(theirs.json()).toMatchObject({ deviceId: null, entries: [] });
    expect(theirs.body).not.toContain('dev-legacy:');
  });
});
