/**
 * What `/verify` tells a stranger holding a stamped document about its request: approved only when
 * the approvals held meet the seal's route (one approval of the two a 公章 needs is not an
 * approval), rejected when an approver said no, cancelled once withdrawn, pending otherwise. A
 * document stamped under a grant stays approved when its approver's passkey is revoked later.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asId, processSheetCode, requestIdSchema, unitIdSchema, userIdSchema, type RequestId, type UseRequest } from '@seal/shared';
import { seedEvidence } from './evidenceSeed';
import { decision } from './fixtures';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { httpApi } from './httpWorld';

const HOUR = 3_600_000;
const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };

let running: RunningSync;
let world: World;
let staff: Person;
let approver: Person;
let second: Person;
let custodian: Person;
let lateApprover: Person;
let seeded: Awaited<ReturnType<typeof seedEvidence>>;
const replicas: Replica[] = [];

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  second = await world.person(world.branchId, ['approver'], 'Second approver 审批人');
  lateApprover = await world.person(world.branchId, ['approver'], 'Late approver 审批人');
  seeded = await seedEvidence(httpApi(running.url, running.server.config.origins[0]), { custodian, staff, approver, lateApprover, admin: world.admin }, {
    siteId: world.siteId, fence: FENCE, deviceId: 'dev-status-1', seal: { id: 'seal-status-1', name: '项目部合同章' },
    document: { title: '分包合同 Subcontract', sha256: 'cd'.repeat(32) }, requestIdPrefix: 'req-status',
  });
}, 180_000);
// RxDB holds a limited number of collections open at once: each test's tablets close after it.
afterEach(async () => {
  await Promise.allSettled(replicas.splice(0).map((r) => r.close()));
});
afterAll(async () => running?.close());

async function tablet(person: Person, name: string): Promise<Replica> {
  const replica = await openReplica(running.url, person, name);
  replicas.push(replica);
  return replica;
}

function requestOn(sealId: string, id: string, uses: number): UseRequest {
  const now = Date.now();
  return {
    id: asId(requestIdSchema, id), requesterId: asId(userIdSchema, staff.userId), unitId: asId(unitIdSchema, world.siteId), sealId: sealId as never,
    document: { title: `Document of ${id}`, sha256: 'ef'.repeat(32), pages: 1 }, copies: 1, purpose: 'sign it', usesRequested: uses,
    window: { notBefore: now - HOUR, notAfter: now + 24 * HOUR }, place: { unitId: asId(unitIdSchema, world.siteId), geofence: FENCE }, createdAt: now - HOUR,
  };
}

async function publicStamps(requestId: string): Promise<{ authorised: boolean; anomalies: string[] }[]> {
  const response = await running.server.call('GET', `/api/verify/${encodeURIComponent(processSheetCode(requestId as RequestId))}`);
  return response.json<{ record: { stamps: { authorised: boolean; anomalies: string[] }[] } }>().record.stamps.map(({ authorised, anomalies }) => ({ authorised, anomalies }));
}

async function publicRequest(requestId: string): Promise<{ status: string; usesApproved: number }> {
  const response = await running.server.call('GET', `/api/verify/${encodeURIComponent(processSheetCode(requestId as RequestId))}`);
  expect(response.statusCode, response.body).toBe(200);
  const { status, usesApproved } = response.json<{ record: { request: { status: string; usesApproved: number } } }>().record.request;
  return { status, usesApproved };
}

describe("a physical request's status on /verify", () => {
  it('is completed for a document stamped under its grant for its one use, also once its approver\'s passkey is revoked and they left', async () => {
    // Its one approved use made: completed.
    expect(await publicRequest(seeded.requestId)).toEqual({ status: 'completed', usesApproved: 1 });
    // Request 2 was approved by the late approver, stamped, and their passkey then revoked; they
    // then leave: their approval no longer counts by today's roster, the stamp's grant still does.
    expect(await publicRequest('req-status-2')).toEqual({ status: 'completed', usesApproved: 1 });
    const left = await running.server.call('POST', `/api/users/${lateApprover.userId}/deactivate`, { cookie: world.admin.cookie });
    expect(left.statusCode, left.body).toBe(200);
    expect(await publicRequest('req-status-2')).toEqual({ status: 'completed', usesApproved: 1 });
  });

  it('counts approvals by the seal\'s route: one of the two a 公章 needs is pending, both approve it', async () => {
    const custodianTablet = await tablet(custodian, 'custodian');
    await custodianTablet.store.records.create('seal', {
      id: 'seal-official-1', name: '公司公章', kind: 'official', form: 'physical', unitId: world.siteId, custodianId: custodian.userId,
      createdAt: 0, antiCounterfeitCode: '3301020012399', deviceId: null,
    } as never);
    const staffTablet = await tablet(staff, 'staff');
    const one = await tablet(approver, 'approver');
    const two = await tablet(second, 'second');
    await syncAll([custodianTablet, staffTablet, one, two]);
    expect(custodianTablet.store.status.get().refusals).toEqual([]);
    const half = requestOn('seal-official-1', 'req-official-half', 2);
    const full = requestOn('seal-official-1', 'req-official-full', 2);
    for (const r of [half, full]) await staffTablet.store.records.create('request', r);
    await syncAll([staffTablet, one, two]);
    expect(await publicRequest(half.id)).toEqual({ status: 'pending', usesApproved: 0 });
    await one.store.facts.append('decision', await decision(approver, half, 'approve', Date.now()), world.siteId);
    await one.store.facts.append('decision', await decision(approver, full, 'approve', Date.now()), world.siteId);
    await two.store.facts.append('decision', await decision(second, full, 'approve', Date.now()), world.siteId);
    await syncAll([one, two]);
    expect(one.store.status.get().refusals).toEqual([]);
    expect(two.store.status.get().refusals).toEqual([]);
    expect(await publicRequest(half.id)).toEqual({ status: 'pending', usesApproved: 0 });
    expect(await publicRequest(full.id)).toEqual({ status: 'approved', usesApproved: 2 });
  });

  it('is expired when approved but its window closed before its uses were made', async () => {
    const staffTablet = await tablet(staff, 'staff-3');
    const one = await tablet(approver, 'approver-3');
    const now = Date.now();
    const late = { ...requestOn('seal-status-1', 'req-status-late', 1), window: { notBefore: now - 2 * HOUR, notAfter: now - 60_000 } };
    await staffTablet.store.records.create('request', late);
    await syncAll([staffTablet, one]);
    await one.store.facts.append('decision', await decision(approver, late, 'approve', now - 90 * 60_000), world.siteId);
    await syncAll([one]);
    expect(one.store.status.get().refusals).toEqual([]);
    expect(await publicRequest(late.id)).toEqual({ status: 'expired', usesApproved: 1 });
  });

  it('is rejected when an approver said no, whatever else was approved, and cancelled once withdrawn', async () => {
    const staffTablet = await tablet(staff, 'staff-2');
    const one = await tablet(approver, 'approver-2');
    const two = await tablet(second, 'second-2');
    const vetoed = requestOn('seal-status-1', 'req-status-vetoed', 1);
    const withdrawn = requestOn('seal-status-1', 'req-status-withdrawn', 1);
    for (const r of [vetoed, withdrawn]) await staffTablet.store.records.create('request', r);
    await syncAll([staffTablet, one, two]);
    await one.store.facts.append('decision', await decision(approver, vetoed, 'approve', Date.now()), world.siteId);
    await two.store.facts.append('decision', await decision(second, vetoed, 'reject', Date.now()), world.siteId);
    await one.store.facts.append('decision', await decision(approver, withdrawn, 'approve', Date.now()), world.siteId);
    await syncAll([one, two]);
    expect(await publicRequest(vetoed.id)).toEqual({ status: 'rejected', usesApproved: 0 });
    expect(await publicRequest(withdrawn.id)).toEqual({ status: 'approved', usesApproved: 1 });
    const at = Date.now();
    await staffTablet.store.facts.append('cancellation', { id: `${withdrawn.id}:cancel:${staff.userId}:${at}`, requestId: withdrawn.id, actorId: staff.userId, reason: '不再需要', at } as never, world.siteId);
    await syncAll([staffTablet]);
    expect(staffTablet.store.status.get().refusals).toEqual([]);
    expect(await publicRequest(withdrawn.id)).toEqual({ status: 'cancelled', usesApproved: 1 });
  });

  it('stays completed when withdrawn after its use was made; a no said after the stamp rejects it and unauthorises the stamp', async () => {
    const staffTablet = await tablet(staff, 'staff-4');
    const two = await tablet(second, 'second-4');
    await syncAll([staffTablet, two]);
    const at = Date.now();
    await staffTablet.store.facts.append('cancellation', { id: `${seeded.requestId}:cancel:${staff.userId}:${at}`, requestId: seeded.requestId, actorId: staff.userId, reason: '补录', at } as never, world.siteId);
    // A no counts whatever terms it signed (checkApprovals): its request id is what matters.
    await two.store.facts.append('decision', await decision(second, requestOn('seal-status-1', 'req-status-2', 1), 'reject', at), world.siteId);
    await syncAll([staffTablet, two]);
    expect(staffTablet.store.status.get().refusals).toEqual([]);
    expect(two.store.status.get().refusals).toEqual([]);
    // What was done properly is not undone by a later withdrawal (deriveRequestStatus, ADR 001).
    expect(await publicRequest(seeded.requestId)).toEqual({ status: 'completed', usesApproved: 1 });
    expect(await publicStamps(seeded.requestId)).toEqual([{ authorised: true, anomalies: [] }]);
    // A counted no rejects the request, whatever was stamped: its stamp is not an approved one.
    expect(await publicRequest('req-status-2')).toEqual({ status: 'rejected', usesApproved: 0 });
    expect(await publicStamps('req-status-2')).toEqual([{ authorised: false, anomalies: ['stamp_without_approval'] }]);
    // The one who said no leaves: their no still stands (the server judged it when it took it).
    const left = await running.server.call('POST', `/api/users/${second.userId}/deactivate`, { cookie: world.admin.cookie });
    expect(left.statusCode, left.body).toBe(200);
    expect(await publicRequest('req-status-2')).toEqual({ status: 'rejected', usesApproved: 0 });
  });
});
