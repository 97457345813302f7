/**
 * Revocation reaches the device (issue 15, item 5), through real parts: the sync server over
 * HTTP issues the org-signed revocation list; two tablets each drive the same reference device
 * over their own link. Tablet A (the holder's) took its grant and the list of the day, then went
 * quiet; HQ suspends the seal; tablet B (the custodian's, online) fetches the new list and
 * carries it to the device on connect. Tablet A — which never heard of the suspension — cannot
 * unlock any more, nor put its older list back; the device logged both the list and the refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, type SealDeviceError, SimulatedClock, SimulatedHardware,
  type SealBinding, type SealDevice, type Signed,
} from '@seal/device-bridge';
import {
  asId, cancellationId, contentId, deviceIdSchema, grantBody, hashRecordHex, requestIdSchema, unitIdSchema, userIdSchema, verifySignedRevocationList,
  type Grant, type P256PublicJwk, type PhysicalSeal, type SignedRevocationList, type SignedRoster, type UseRequest,
} from '@seal/shared';
import { decision, deviceRecord, sealMove, holdingSeal } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

const DEVICE_ID = 'dev-revoke-1';
const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const T = 1_790_000_000_000;
const HOUR = 3_600_000;

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

async function call<T>(method: 'GET' | 'POST', url: string, cookie: string, body?: unknown): Promise<T> {
  const response = await running.server.call(method, url, { cookie, ...(body === undefined ? {} : { body }) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}
const revocations = (person: Person): Promise<SignedRevocationList> => call('GET', '/api/revocations', person.cookie);

/** A tablet's own link to the device: a new client over a new transport, as on connect. */
const linkTo = (device: SealDevice): SealDeviceClient => new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }), { sleep: () => Promise.resolve() });

const seal = {
  id: 'seal-revoke-1', name: '项目部合同章', kind: 'contract', form: 'physical', unitId: '', custodianId: '',
  antiCounterfeitCode: '3301020012345', deviceId: DEVICE_ID, createdAt: 0,
} as unknown as Omit<PhysicalSeal, 'status'>;

function requestFor(id: string): UseRequest {
  return {
    id: asId(requestIdSchema, id),
    requesterId: asId(userIdSchema, staff.userId),
    unitId: asId(unitIdSchema, world.siteId),
    sealId: seal.id,
    document: { title: '分包合同 Subcontract', sha256: 'cd'.repeat(32), pages: 2 },
    copies: 2, purpose: 'sign the subcontract', usesRequested: 2,
    window: { notBefore: T, notAfter: T + 24 * HOUR },
    place: { unitId: asId(unitIdSchema, world.siteId), geofence: FENCE },
    createdAt: T - HOUR,
  };
}

/** The staff member's request, approved by the approver's passkey on the server, and its grant. */
async function approvedGrant(staffTablet: Replica, approverTablet: Replica, request: UseRequest): Promise<Grant> {
  await staffTablet.store.records.create('request', request);
  await syncAll([staffTablet, approverTablet]);
  const approval = await approverTablet.store.facts.append('decision', await decision(approver, request, 'approve', T - HOUR / 2), world.siteId);
  const body = grantBody(request, { ...seal, status: 'active' }, [approval.row.body as never]);
  if (!body.ok) throw new Error(body.error.message);
  const grant = { ...body.value, id: await contentId(body.value) } as Grant;
  await staffTablet.store.facts.append('grant', grant, world.siteId);
  await syncAll([staffTablet, approverTablet]);
  return grant;
}

const unlockAs = async (client: SealDeviceClient, grant: Grant) => {
  await client.nonce();
  return client.unlock(grant, await staff.authenticator.signRecord(client.unlockRecord(grant), staff.credentialId));
};
const refusalOf = (p: Promise<unknown>): Promise<SealDeviceError> =>
  p.then(() => { throw new Error('expected a refusal, the device accepted'); }, (e: unknown) => e as SealDeviceError);

describe('revocation reaches the device', () => {
  it('a tablet that never heard of the suspension cannot unlock once any other tablet carried the list to the device', async () => {
    Object.assign(seal, { unitId: world.siteId, custodianId: custodian.userId });
    const custodianTablet = await replicas.open(custodian, 'custodian');
    // The device is registered before the seal is locked in it.
    await custodianTablet.store.records.create('device', await deviceRecord(DEVICE_ID, world.siteId) as never);
    await custodianTablet.store.records.create('seal', seal, [], [holdingSeal(DEVICE_ID, seal.id)]);
    await custodianTablet.store.facts.append('seal_status_change', sealMove(seal.id, null, 'active', custodian.userId, 'custodian', T - 2 * HOUR), world.siteId);
    await syncAll([custodianTablet]);

    // The device at the site: provisioned with the org key, bound and rostered (its clock inside the grant's window).
    const hardware = new SimulatedHardware({ position: { lat: FENCE.lat, lon: FENCE.lon, accuracyM: 10 }, batteryPercent: 90 });
    const device = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(T + HOUR, { manual: true }), hardware, keys: new MemoryKeys() });
    const setup = linkTo(device);
    const orgKey = await call<{ publicJwk: P256PublicJwk }>('GET', '/api/org-key', custodian.cookie);
    await setup.provision(asId(deviceIdSchema, DEVICE_ID), orgKey.publicJwk);
    await setup.bindSeal(await call<Signed<SealBinding>>('POST', `/api/devices/${DEVICE_ID}/binding`, custodian.cookie, {
      sealId: seal.id, sealKind: 'contract', minApprovals: 1, custodianId: custodian.userId, unitId: world.siteId,
    }));
    await setup.installRoster(await call<SignedRoster>('GET', '/api/roster', custodian.cookie));

    // Tablet A (the holder's): its grant and the list of the day, then it hears nothing more.
    const staffTablet = await replicas.open(staff, 'staff');
    const approverTablet = await replicas.open(approver, 'approver');
    const grant = await approvedGrant(staffTablet, approverTablet, requestFor('req-revoke-1'));
    const listA = await revocations(staff);
    expect(listA.list.seals.map((s) => s.sealId)).not.toContain(seal.id);
    const tabletA = linkTo(device);
    await tabletA.installRevocations(listA);
    // With that list the grant unlocks: what follows is the list's doing, nothing else.
    expect((await unlockAs(tabletA, grant)).usesLeft).toBe(2);
    await tabletA.lock();

    // HQ suspends the seal, from the HQ tablet.
    const hqTablet = await replicas.open(world.admin, 'hq');
    await syncAll([hqTablet]);
    await hqTablet.store.facts.append('seal_status_change', sealMove(seal.id, 'active', 'suspended', world.admin.userId, 'admin', T + HOUR), world.siteId);
    await syncAll([hqTablet]);
    expect(hqTablet.store.status.get().refusals).toEqual([]);

    // Tablet B (the custodian's, online) fetches the new list and carries it to the device on connect.
    const listB = await revocations(custodian);
    expect(listB.list.version).toBeGreaterThan(listA.list.version);
    expect(listB.list.seals).toContainEqual({ sealId: seal.id, status: 'suspended', since: T + HOUR });
    expect((await verifySignedRevocationList(listB, orgKey.publicJwk)).ok).toBe(true);
    const tabletB = linkTo(device);
    const installed = await tabletB.installRevocations(listB);
    expect(installed.version).toBe(listB.list.version);
    await tabletB.transport.close();

    // Tablet A comes back with what it knows: its old list is refused, and so is its unlock.
    const stale = await refusalOf(tabletA.installRevocations(listA));
    expect(stale.code).toBe('revocations_stale');
    const refused = await refusalOf(unlockAs(tabletA, grant));
    expect(refused.code).toBe('seal_revoked');

    // The device's log says so: the list it installed (the server's bytes) and the refusal.
    const log = await tabletA.readLogSince(0);
    const listEntries = log.filter((e) => e.type === 'revocations_installed');
    expect(listEntries.map((e) => e.payload)).toEqual([
      { version: listA.list.version, issuedAt: listA.list.issuedAt, listSha256: await hashRecordHex(listA.list) },
      { version: listB.list.version, issuedAt: listB.list.issuedAt, listSha256: await hashRecordHex(listB.list) },
    ]);
    expect(log.find((e) => e.seq === refused.seq)).toMatchObject({ type: 'refusal', payload: { code: 'seal_revoked', requestId: grant.requestId, grantId: grant.id } });
    expect(await hardware.press(1)).toMatchObject({ stamped: false, code: 'locked' });
  });

  it('the server lists withdrawn requests and deactivated people, signs each version once, and only for the signed-in', async () => {
    const staffTablet = await replicas.open(staff, 'staff-2');
    await syncAll([staffTablet]);
    const before = await revocations(custodian);
    // Nothing changed: the same version, byte for byte (several tablets carry the same list).
    expect(await revocations(staff)).toEqual(before);

    const request = requestFor('req-revoke-2');
    await staffTablet.store.records.create('request', { ...request, window: { notBefore: T, notAfter: Date.now() + 48 * HOUR } });
    await syncAll([staffTablet]);
    const at = T + 2 * HOUR;
    const withdraw = (r: UseRequest) => ({ id: cancellationId(r.id, r.requesterId, at), requestId: r.id, actorId: r.requesterId, reason: '不再需要', at });
    await staffTablet.store.facts.append('cancellation', withdraw(request), world.siteId);
    // The first test's request, whose window ended long before the server's clock, withdrawn too.
    await staffTablet.store.facts.append('cancellation', withdraw(requestFor('req-revoke-1')), world.siteId);
    await syncAll([staffTablet]);
    expect(staffTablet.store.status.get().refusals).toEqual([]);
    const leaver = await world.person(world.siteId, ['staff'], 'Leaver 离职员工');
    await call('POST', `/api/users/${leaver.userId}/deactivate`, world.admin.cookie);

    const after = await revocations(custodian);
    expect(after.list.version).toBe(before.list.version + 1);
    expect(after.list.requests).toContainEqual(expect.objectContaining({ requestId: request.id, since: at }));
    expect(after.list.users.map((u) => u.userId)).toContain(leaver.userId);
    // An expired request's withdrawal is not carried (its window alone stops every grant).
    expect(after.list.requests.map((r) => r.requestId)).not.toContain('req-revoke-1');

    const anonymous = await running.server.call('GET', '/api/revocations', {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json<{ error: string }>().error).toMatch(/^\w+$/);
  });

  it('a request approved, granted and then rejected is on the revocation list the devices enforce, as a withdrawn one is', async () => {
    const staffTablet = await replicas.open(staff, 'staff-3');
    const approverTablet = await replicas.open(approver, 'approver-3');
    const request = { ...requestFor('req-revoke-3'), window: { notBefore: T, notAfter: Date.now() + 48 * HOUR } };
    await approvedGrant(staffTablet, approverTablet, request);
    expect((await revocations(custodian)).list.requests.map((r) => r.requestId)).not.toContain(request.id);
    // A second approver of the branch changes the verdict: a veto, after the grant was issued.
    const second = await world.person(world.branchId, ['approver'], 'Second approver 审批人');
    const secondTablet = await replicas.open(second, 'approver-3b');
    await syncAll([secondTablet]);
    const vetoAt = T + HOUR;
    await secondTablet.store.facts.append('decision', await decision(second, request, 'reject', vetoAt), world.siteId);
    await syncAll([secondTablet]);
    expect(secondTablet.store.status.get().refusals).toEqual([]);
    expect((await revocations(custodian)).list.requests).toContainEqual(expect.objectContaining({ requestId: request.id, since: vetoAt }));
  });
});
