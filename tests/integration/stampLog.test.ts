/**
 * A seal device's log, from the site to HQ, through real parts: a reference device provisioned
 * with the server's org key, signed binding and roster; a custodian's replica registers it; a
 * staff member's replica unlocks it with a grant approved on the server, reads its log after two
 * stamps and records it (entries and photos); the server checks every entry; an HQ replica pulls
 * them — the same entries, photos whose SHA-256 is the one the log names, and no alarm. A later
 * pull from the device records only what is new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware,
  type SealBinding, type Signed,
} from '@seal/device-bridge';
import {
  asId, contentId, deviceIdSchema, grantBody, requestIdSchema, sha256, subjectOf, toHex, unitIdSchema, userIdSchema,
  type DeviceEvent, type Grant, type P256PublicJwk, type PhysicalSeal, type SignedRevocationList, type SignedRoster, type UseRequest,
} from '@seal/shared';
import { captureDeviceLog, heldLogHead, registeredDevice } from '../../app/src/device/deviceLog';
import { registerDevice } from '../../app/src/device/registerDevice';
import { decision, holdingSeal } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

const DEVICE_ID = 'dev-site-7';
const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const T = 1_790_000_000_000;

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let approver: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
}, 60_000);
afterAll(async () => running?.close());

const replica = (person: Person, name: string): Promise<Replica> => replicas.open(person, name);

async function get<T>(url: string, cookie: string, body?: unknown): Promise<T> {
  const response = await running.server.call(body === undefined ? 'GET' : 'POST', url, { cookie, ...(body === undefined ? {} : { body }) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

/** The device at the site, provisioned with the server's org key (not yet holding a seal). */
async function provisionedDevice(): Promise<{ hardware: SimulatedHardware; client: SealDeviceClient }> {
  const hardware = new SimulatedHardware({ position: { lat: FENCE.lat, lon: FENCE.lon, accuracyM: 10 }, batteryPercent: 90 });
  const device = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(T + 3_600_000, { manual: true }), hardware, keys: new MemoryKeys() });
  const client = new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }), { sleep: () => Promise.resolve() });
  const orgKey = await get<{ publicJwk: P256PublicJwk }>('/api/org-key', custodian.cookie);
  await client.provision(asId(deviceIdSchema, DEVICE_ID), orgKey.publicJwk);
  return { hardware, client };
}

/** The seal's binding signed by the org key (for a seal recorded in a registered device), and the server's roster, installed on the device. */
async function bindDevice(client: SealDeviceClient, seal: PhysicalSeal): Promise<void> {
  const binding = await get<Signed<SealBinding>>(`/api/devices/${DEVICE_ID}/binding`, custodian.cookie, {
    sealId: seal.id, sealKind: 'contract', minApprovals: 1, custodianId: custodian.userId, unitId: world.siteId,
  });
  await client.bindSeal(binding);
  await client.installRoster(await get<SignedRoster>('/api/roster', custodian.cookie));
  await client.installRevocations(await get<SignedRevocationList>('/api/revocations', custodian.cookie));
}

/** A request by the staff member, approved on the server by the approver's passkey, and its grant. */
async function approvedGrant(staffReplica: Replica, approverReplica: Replica, seal: PhysicalSeal): Promise<Grant> {
  const request: UseRequest = {
    id: asId(requestIdSchema, 'req-site-7-1'),
    requesterId: asId(userIdSchema, staff.userId),
    unitId: asId(unitIdSchema, world.siteId),
    sealId: seal.id,
    document: { title: '分包合同 Subcontract', sha256: 'cd'.repeat(32), pages: 2 },
    copies: 2, purpose: 'sign the subcontract', usesRequested: 2,
    window: { notBefore: T, notAfter: T + 86_400_000 },
    place: { unitId: asId(unitIdSchema, world.siteId), geofence: FENCE },
    createdAt: T - 3_600_000,
  };
  await staffReplica.store.records.create('request', request);
  await syncAll([staffReplica, approverReplica]);
  const approval = await approverReplica.store.facts.append('decision', await decision(approver, request, 'approve', T - 1_800_000), world.siteId);
  const body = grantBody(request, seal, [approval.row.body as never]);
  if (!body.ok) throw new Error(body.error.message);
  const grant = { ...body.value, id: await contentId(body.value) } as Grant;
  await staffReplica.store.facts.append('grant', grant, world.siteId);
  await syncAll([staffReplica, approverReplica]);
  return grant;
}

const deviceEvents = async (r: Replica): Promise<DeviceEvent[]> =>
  (await r.store.db.rows.find({ selector: { subject: subjectOf('device', DEVICE_ID), kind: 'device_event' } }).exec())
    .map((doc) => (doc.toJSON() as unknown as { body: DeviceEvent }).body)
    .sort((a, b) => a.seq - b.seq);

describe("a seal device's log reaches HQ through the staff member's tablet", () => {
  it('records entries and photos once, the server accepts them, HQ sees the same log and no alarm', async () => {
    const seal = {
      id: 'seal-site-7', name: '项目部合同章', kind: 'contract', form: 'physical', unitId: world.siteId, custodianId: custodian.userId,
      status: 'active', createdAt: 0, antiCounterfeitCode: '3301020012345', deviceId: DEVICE_ID,
    } as unknown as PhysicalSeal;
    // The custodian registers the provisioned device (its public key) from their tablet, then
    // records the seal locked in it: the server takes a seal only in a device on record, and signs
    // bindings only for recorded seals.
    const custodianTablet = await replica(custodian, 'custodian');
    const { hardware, client } = await provisionedDevice();
    const registered = await registerDevice(custodianTablet.store, await client.info(), world.siteId);
    expect(registered).toMatchObject({ id: DEVICE_ID, state: 'provisioned', sealId: null, unitId: world.siteId });
    const { status: _status, ...sealRecord } = seal;
    await custodianTablet.store.records.create('seal', sealRecord, [], [holdingSeal(DEVICE_ID, sealRecord.id)]);
    await syncAll([custodianTablet]);
    expect(custodianTablet.store.status.get().refusals).toEqual([]);
    await bindDevice(client, seal);

    // The staff member's tablet: the grant, the unlock with their passkey, two stamps.
    const staffTablet = await replica(staff, 'staff');
    const approverTablet = await replica(approver, 'approver');
    const grant = await approvedGrant(staffTablet, approverTablet, seal);
    await staffTablet.store.whenProjected();
    const known = await registeredDevice(staffTablet.store, DEVICE_ID);
    expect(known?.publicKeyJwk).toEqual((await client.info()).publicKey);

    await client.nonce();
    await client.unlock(grant, await staff.authenticator.signRecord(client.unlockRecord(grant), staff.credentialId));
    expect(await hardware.press(1)).toMatchObject({ stamped: true, useIndex: 1 });
    expect(await hardware.press(2)).toMatchObject({ stamped: true, useIndex: 2 });

    const held = await heldLogHead(staffTablet.store, DEVICE_ID);
    expect(held).toBeNull();
    const entries = await client.readLogSince(0);
    const outcome = await captureDeviceLog(staffTablet.store, { device: known!, entries, held, photoOf: (seq) => client.photo(seq) });
    expect(outcome).toEqual({ recorded: entries.length, photos: 2, problems: [] });
    await syncAll([staffTablet]);
    await staffTablet.sync!.drainAttachments();
    expect(staffTablet.store.status.get().refusals).toEqual([]);

    // HQ pulls the merged log: the same entries, the photos the log names, no alarm.
    const hq = await replica(world.admin, 'hq');
    await syncAll([hq]);
    expect(await deviceEvents(hq)).toEqual(entries);
    const stamps = entries.filter((e): e is Extract<DeviceEvent, { type: 'stamp' }> => e.type === 'stamp');
    expect(stamps.map((s) => s.payload.useIndex)).toEqual([1, 2]);
    const photos = (await hq.store.db.rows.find({ selector: { kind: 'attachment', subject: subjectOf('device', DEVICE_ID) } }).exec())
      .map((doc) => ({ rowId: doc.id, meta: (doc.toJSON() as unknown as { body: { sha256: string; mime: string } }).body }));
    expect(photos.map((p) => p.meta.sha256).sort()).toEqual(stamps.map((s) => s.payload.photoSha256).sort());
    for (const photo of photos) {
      const bytes = await hq.store.attachments.bytes(photo.meta.sha256, photo.rowId, hq.sync!.client);
      expect(toHex(await sha256(bytes))).toBe(photo.meta.sha256);
      expect(photo.meta.mime).toBe('image/x-portable-graymap');
    }
    expect((await hq.store.db.rows.find({ selector: { kind: 'alarm' } }).exec()).map((d) => d.id)).toEqual([]);

    // Another tablet at the site reads the same log and photos before it ever synced: the same
    // facts (a photo's is made at its stamp's time), so nothing is recorded or uploaded twice.
    // (Replicas no longer needed are closed first: RxDB's open-core edition caps collections open at once.)
    await replicas.close(approverTablet);
    await replicas.close(custodianTablet);
    const second = await replica(custodian, 'custodian-reads-again');
    const reread = await captureDeviceLog(second.store, { device: known!, entries, held: null, photoOf: (seq) => client.photo(seq) });
    expect(reread.problems).toEqual([]);
    await syncAll([second]);
    await second.sync!.drainAttachments();
    expect(second.store.status.get().refusals).toEqual([]);
    await syncAll([hq]);
    const photoFacts = await hq.store.db.rows.find({ selector: { kind: 'attachment', subject: subjectOf('device', DEVICE_ID) } }).exec();
    expect(photoFacts.map((doc) => doc.id).sort()).toEqual(photos.map((p) => p.rowId).sort());
    expect(await deviceEvents(hq)).toEqual(entries);
    await replicas.close(second);

    // Later, at the site: a press while locked is refused and logged; the next pull records only that.
    expect(await hardware.press(3)).toMatchObject({ stamped: false });
    const head = await heldLogHead(staffTablet.store, DEVICE_ID);
    expect(head?.seq).toBe(entries.at(-1)!.seq);
    const more = await client.readLogSince(head!.seq + 1);
    expect(more.map((e) => e.type)).toContain('refusal');
    const again = await captureDeviceLog(staffTablet.store, { device: known!, entries: more, held: head, photoOf: (seq) => client.photo(seq) });
    expect(again).toEqual({ recorded: more.length, photos: 0, problems: [] });
    await syncAll([staffTablet, hq]);
    expect(await deviceEvents(hq)).toEqual([...entries, ...more]);
  });

  it('says so when the device answers with an entry it did not sign, and sends it up for the server to refuse', async () => {
    const custodianTablet = await replica(custodian, 'custodian2');
    await custodianTablet.start().awaitInSync();
    const device = await registeredDevice(custodianTablet.store, DEVICE_ID);
    expect(device).toBeDefined();
    const held = await heldLogHead(custodianTablet.store, DEVICE_ID);
    const events = await deviceEvents(custodianTablet);
    // A forged continuation: well formed, chained, but not signed by the device key.
    const forged = { ...events.at(-1)!, seq: held!.seq + 1, prevHash: held!.hash, type: 'low_battery', payload: { percent: 3 } } as DeviceEvent;
    const outcome = await captureDeviceLog(custodianTablet.store, { device: device!, entries: [forged], held, photoOf: () => Promise.resolve(null) });
    expect(outcome.recorded).toBe(1);
    expect(outcome.problems.map((p) => p.kind)).toEqual(['bad_signature']);
    // It goes up all the same (the server is the judge): refused, with its reason.
    await syncAll([custodianTablet]);
    expect(custodianTablet.store.status.get().refusals.map((r) => r.code)).toEqual(['bad_signature']);
  });

  it('names an entry the tablet holds with another body (a fork) and records the rest of the same read', async () => {
    const custodianTablet = await replica(custodian, 'custodian3');
    await custodianTablet.start().awaitInSync();
    const device = await registeredDevice(custodianTablet.store, DEVICE_ID);
    const held = await heldLogHead(custodianTablet.store, DEVICE_ID);
    const events = await deviceEvents(custodianTablet);
    // The read brings back a held seq with another body, and one entry past the head.
    const forked: DeviceEvent = { ...events[0]!, at: events[0]!.at + 1 };
    const next = { ...events.at(-1)!, seq: held!.seq + 1, prevHash: held!.hash, type: 'low_battery', payload: { percent: 4 } } as DeviceEvent;
    const outcome = await captureDeviceLog(custodianTablet.store, { device: device!, entries: [forked, next], held, photoOf: () => Promise.resolve(null) });
    expect(outcome.problems.filter((p) => p.kind === 'fork').map((p) => p.seq)).toEqual([events[0]!.seq]);
    expect(outcome.recorded).toBe(1);
    // The held entry keeps its body; the new one is recorded.
    const now = await deviceEvents(custodianTablet);
    expect(now.find((e) => e.seq === events[0]!.seq)).toEqual(events[0]);
    expect(now.find((e) => e.seq === next.seq)).toEqual(next);

    // A read whose later entry is not a valid entry at all: the one before it is recorded, as it
    // was entry by entry, and the read fails saying why.
    const valid = { ...next, seq: next.seq + 1, payload: { percent: 5 } } as DeviceEvent;
    const invalid = { ...next, seq: next.seq + 2, payload: { percent: 'low' } } as unknown as DeviceEvent;
    await expect(captureDeviceLog(custodianTablet.store, { device: device!, entries: [valid, invalid], held: await heldLogHead(custodianTablet.store, DEVICE_ID), photoOf: () => Promise.resolve(null) }))
      .rejects.toMatchObject({ code: 'invalid_fact' });
    expect((await deviceEvents(custodianTablet)).find((e) => e.seq === valid.seq)).toEqual(valid);
  });
});
