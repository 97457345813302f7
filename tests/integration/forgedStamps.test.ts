/**
 * A stamp entry names its request only because the device that logged it says so, and whoever may
 * register a device in some unit chooses its key. A custodian elsewhere registering a device of
 * their own, and logging stamps that name another unit's approved request (under its real grant, a
 * made-up one, or none), must not have them shown on that request's public record (`/verify`) nor
 * counted against its approved uses: its honest stamp stays its only one, and authorised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEventHash, processSheetCode, type DeviceEvent, type RequestId, type UnsignedDeviceEvent } from '@seal/shared';
import { seedEvidence } from './evidenceSeed';
import { deviceWithLog, signDeviceEntry } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, push } from './hostileClient';
import { httpApi } from './httpWorld';

const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };

let running: RunningSync;
let world: World;
let forger: Person;
let requestId: string;
let honestDevice: string;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  const staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  const approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  forger = await world.person(world.otherBranchId, ['custodian'], 'Custodian elsewhere');
  honestDevice = 'dev-honest-1';
  const seeded = await seedEvidence(httpApi(running.url, running.server.config.origins[0]), { custodian, staff, approver }, {
    siteId: world.siteId, fence: FENCE, deviceId: honestDevice, seal: { id: 'seal-honest-1', name: '项目部合同章' },
    document: { title: '分包合同 Subcontract', sha256: 'ab'.repeat(32) },
  });
  requestId = seeded.requestId;
}, 180_000);
afterAll(async () => running?.close());

interface PublicStamp { deviceId: string; seq: number; authorised: boolean; anomalies: string[] }

async function publicStamps(): Promise<PublicStamp[]> {
  const response = await running.server.call('GET', `/api/verify/${encodeURIComponent(processSheetCode(requestId as RequestId))}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ record: { stamps: PublicStamp[] } }>().record.stamps;
}

/** The grant ids the store holds for the request (read from the store, as nobody outside could). */
async function grantIdsOf(id: string): Promise<string[]> {
  const rows = running.server.store.couch.use<{ kind: string; body: { id: string; requestId: string } }>(running.server.store.dbName('rows'));
  const page = await rows.list({ include_docs: true, startkey: 'fact:grant:', endkey: 'fact:grant:\ufff0' });
  return page.rows.flatMap((r) => (r.doc && r.doc.body.requestId === id ? [r.doc.body.id] : []));
}

describe("stamps logged by another unit's device naming a request", () => {
  it('are not that request\'s stamps on its public record, and do not use up its approved uses', async () => {
    const before = await publicStamps();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((s) => s.deviceId === honestDevice && s.authorised)).toBe(true);
    const [grantId] = await grantIdsOf(requestId);
    expect(grantId).toBeDefined();

    // The forger's own device, registered in their unit with a key of their own; its log: boot,
    // then stamps dated before the honest one, naming the request under its real grant, a
    // made-up grant, and none.
    const device = await deviceWithLog('dev-forged-1', world.otherBranchId, 1);
    const log: DeviceEvent[] = [...device.log];
    const stamp = (grant: string | null) => ({ requestId, grantId: grant, useIndex: 1, photoSha256: null });
    for (const grant of [grantId!, 'grant-made-up-1', null]) {
      const last = log.at(-1)!;
      const unsigned = { deviceId: 'dev-forged-1', seq: last.seq + 1, prevHash: await deviceEventHash(last), at: last.at + 1, type: 'stamp', payload: stamp(grant) };
      log.push(await signDeviceEntry(device.privateKey, unsigned as UnsignedDeviceEvent));
    }
    const registered = await creation(forger, 'device', device.record);
    const entries = await Promise.all(log.map((event) => factRowOf(forger, 'device_event', event as never, world.otherBranchId)));
    await push(running, forger, [registered.row, ...entries]);

    // Whatever the server made of those entries, the request's public record is as it was.
    const after = await publicStamps();
    expect(after).toEqual(before);
    expect(after.map((s) => s.deviceId)).not.toContain('dev-forged-1');
  });
});
