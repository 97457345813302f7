/**
 * A device entry's seq is the client's to name (signed by a device key the custodian who
 * registered the device may hold). One entry claiming seq 10^14 must cost the server what is
 * stored, never a step per seq: HQ's indexer, the seal's evidence and its bundles all answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEventHash, type UnsignedDeviceEvent } from '@seal/shared';
import { deviceWithLog, signDeviceEntry } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';

const FAR = 1e14;

let running: RunningSync;
let world: World;
let custodian: Person;
let hqAuditor: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  hqAuditor = await world.person(world.admin.rootUnitId, ['auditor'], 'Auditor 审计');
}, 60_000);
afterAll(async () => running?.close());

const get = (path: string) => running.server.call('GET', path, { cookie: hqAuditor.cookie });

describe('a device entry naming a seq far beyond its log', () => {
  it('is stored as a gap, and HQ indexes, lists and bundles the device without walking to it', async () => {
    const deviceId = 'dev-far-away';
    const device = await deviceWithLog(deviceId, world.siteId, 1);
    const sealId = 'seal-far-away';
    const seal = await creation(custodian, 'seal', { id: sealId, name: '合同专用章', kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId });
    const registered = await creation(custodian, 'device', device.record);
    const far = await signDeviceEntry(device.privateKey, { deviceId: deviceId, seq: FAR, prevHash: 'ab'.repeat(32), at: 1_790_000_100_000, type: 'low_battery', payload: { percent: 50 } } as UnsignedDeviceEvent);
    const entry = (event: unknown) => factRowOf(custodian, 'device_event', event as never, world.siteId);
    const pushed = await push(running, custodian, [registered.row, seal.row, await entry(device.log[0]), await entry(far)]);
    expect(outcomes(pushed), JSON.stringify(pushed)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    // HQ indexes the far entry: the device's entries now reach seq 10^14 in its index.
    expect((await get('/api/hq/events')).statusCode).toBe(200);
    // Then the device's binding at seq 1: it covers every entry indexed after it, up to 10^14.
    const bound = await signDeviceEntry(device.privateKey, { deviceId: deviceId, seq: 1, prevHash: await deviceEventHash(device.log[0]!), at: 1_790_000_050_000, type: 'seal_bound', payload: { sealId } } as UnsignedDeviceEvent);
    expect(outcomes(await push(running, custodian, [await entry(bound)]))).toEqual(['accepted']);
    const events = await get(`/api/hq/events?seal=${sealId}`);
    expect(events.statusCode, events.body.slice(0, 300)).toBe(200);
    // The far entry was made under the binding: HQ files it under the seal.
    expect(JSON.stringify(events.json())).toContain(`${deviceId}:${FAR}`);
    // The seal's evidence reads the device's whole log: what is stored, three entries.
    const ledger = await get(`/api/hq/evidence/seals/${sealId}`);
    expect(ledger.statusCode, ledger.body.slice(0, 300)).toBeLessThan(500);
  });
});
