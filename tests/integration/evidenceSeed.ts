/**
 * Real stamps made through a real server, fast: a reference seal device provisioned, bound,
 * rostered and timed with the organisation's key over the HTTP API; requests recorded by a staff
 * member's replica and approved with the approver's passkey; the device unlocked with the staff
 * member's passkey and pressed; its log and photos recorded by the staff member's replica and
 * pushed. Used by the evidence bundle test (in-process server) and the headquarters browser
 * journey (server in a child process).
 */
import {
  createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware,
  type SealBinding, type Signed,
} from '@seal/device-bridge';
import {
  asId, contentId, deviceIdSchema, grantBody, requestIdSchema, unitIdSchema, userIdSchema,
  type Grant, type P256PublicJwk, type PhysicalSeal, type SignedRevocationList, type SignedRoster, type TimeRecord, type UseRequest,
} from '@seal/shared';
import { captureDeviceLog, registeredDevice } from '../../app/src/device/deviceLog';
import { registerDevice } from '../../app/src/device/registerDevice';
import { decision } from './fixtures';
import { openReplica, syncAll, type Person, type Replica } from './harness';
import type { SeedApi } from './httpWorld';

const HOUR = 3_600_000;

export interface EvidenceCast {
  readonly custodian: Person;
  readonly staff: Person;
  readonly approver: Person;
  /** With one, a second request is approved by them two hours ahead, and their passkey is then revoked. */
  readonly lateApprover?: Person;
  /** The organisation's administrator (to revoke the late approver's passkey). */
  readonly admin?: Person;
}

export interface EvidencePlan {
  readonly siteId: string;
  readonly fence: { readonly lat: number; readonly lon: number; readonly radiusM: number };
  readonly deviceId: string;
  readonly seal: { readonly id: string; readonly name: string };
  readonly document: { readonly title: string; readonly sha256: string };
  /**
   * The device clock before the server sets it: how far off, and whether it stands still between
   * entries (default an hour behind, standing: a skew its time_set records, entries at one time).
   */
  readonly clock?: { readonly offsetMs: number; readonly manual: boolean };
  /** Request ids are `<requestIdPrefix>-1` and `-2` (default `req-<deviceId>`). */
  readonly requestIdPrefix?: string;
  /** Presses on the locked seal after the stamps: each is refused and logged (a burst is an anomaly). */
  readonly refusedPresses?: number;
}

export interface SeededEvidence {
  /** `deviceId:seq` of the honest stamp (request 1, one use, with its photo). */
  readonly honest: string;
  readonly requestId: string;
  /** `deviceId:seq` of the stamp approved by the late approver, when there is one. */
  readonly revoked: string | undefined;
  /** The seqs of the refused presses, in order. */
  readonly refusals: readonly number[];
  /** The organisation's public key as `GET /api/org-key` gives it. */
  readonly orgPublicJwk: P256PublicJwk;
}

function requestFor(plan: EvidencePlan, staff: Person, id: string, now: number): UseRequest {
  return {
    id: asId(requestIdSchema, id),
    requesterId: asId(userIdSchema, staff.userId),
    unitId: asId(unitIdSchema, plan.siteId),
    sealId: plan.seal.id as never,
    document: { title: plan.document.title, sha256: plan.document.sha256, pages: 2 },
    copies: 1, purpose: 'sign the subcontract', usesRequested: 1,
    window: { notBefore: now - HOUR, notAfter: now + 24 * HOUR },
    place: { unitId: asId(unitIdSchema, plan.siteId), geofence: plan.fence },
    createdAt: now - HOUR,
  };
}

/** The request recorded, approved on the server by `by` (decision dated `at`), and its grant. */
async function approvedGrant(staffTablet: Replica, approverTablet: Replica, by: Person, request: UseRequest, seal: PhysicalSeal, at: number): Promise<Grant> {
  await staffTablet.store.records.create('request', request);
  await syncAll([staffTablet, approverTablet]);
  const approval = await approverTablet.store.facts.append('decision', await decision(by, request, 'approve', at), request.unitId);
  const body = grantBody(request, seal, [approval.row.body as never]);
  if (!body.ok) throw new Error(body.error.message);
  const grant = { ...body.value, id: await contentId(body.value) } as Grant;
  await staffTablet.store.facts.append('grant', grant, request.unitId);
  await syncAll([staffTablet, approverTablet]);
  return grant;
}

/** Makes the stamps of `plan` through the server behind `api`; every replica it opens is closed before it returns. */
export async function seedEvidence(api: SeedApi, cast: EvidenceCast, plan: EvidencePlan): Promise<SeededEvidence> {
  const { custodian, staff, approver, lateApprover } = cast;
  const now = Date.now();
  const prefix = plan.requestIdPrefix ?? `req-${plan.deviceId}`;
  const seal = {
    id: plan.seal.id, name: plan.seal.name, kind: 'contract', form: 'physical', unitId: plan.siteId, custodianId: custodian.userId,
    createdAt: 0, antiCounterfeitCode: '3301020012345', deviceId: plan.deviceId,
  } as unknown as PhysicalSeal;
  const replicas: Replica[] = [];
  const open = async (person: Person, name: string) => {
    const replica = await openReplica(api.url, person, name);
    replicas.push(replica);
    return replica;
  };
  try {
    const custodianTablet = await open(custodian, 'custodian');

    // The device: provisioned with the org key and registered at the site; then the seal is
    // recorded locked in it (the server takes a seal only in a device on record), and the device
    // is bound, rostered and set to the server's time, all over the API.
    const hardware = new SimulatedHardware({ position: { lat: plan.fence.lat, lon: plan.fence.lon, accuracyM: 10 }, batteryPercent: 90 });
    const device = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(now + (plan.clock?.offsetMs ?? -HOUR), { manual: plan.clock?.manual ?? true }), hardware, keys: new MemoryKeys() });
    const client = new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }), { sleep: () => Promise.resolve() });
    const orgKey = await api.call<{ publicJwk: P256PublicJwk }>('GET', '/api/org-key', custodian.cookie);
    await client.provision(asId(deviceIdSchema, plan.deviceId), orgKey.publicJwk);
    await registerDevice(custodianTablet.store, await client.info(), plan.siteId);
    await custodianTablet.store.records.create('seal', seal);
    // As the app records it: the device now holds the seal.
    await custodianTablet.store.records.update('device', plan.deviceId, (d) => { d.state = 'bound'; d.sealId = seal.id; });
    await syncAll([custodianTablet]);
    const refused = custodianTablet.store.status.get().refusals;
    if (refused.length > 0) throw new Error(`the device or the seal was refused: ${JSON.stringify(refused)}`);
    await client.bindSeal(await api.call<Signed<SealBinding>>('POST', `/api/devices/${plan.deviceId}/binding`, custodian.cookie, {
      sealId: seal.id, sealKind: 'contract', minApprovals: 1, custodianId: custodian.userId, unitId: plan.siteId,
    }));
    await client.installRoster(await api.call<SignedRoster>('GET', '/api/roster', custodian.cookie));
    await client.installRevocations(await api.call<SignedRevocationList>('GET', '/api/revocations', custodian.cookie));
    await client.setTime(await api.call<Signed<TimeRecord>>('POST', `/api/devices/${plan.deviceId}/time`, custodian.cookie));

    const staffTablet = await open(staff, 'staff');
    const approverTablet = await open(approver, 'approver');
    const stampWith = async (grant: Grant) => {
      await client.nonce();
      await client.unlock(grant, await staff.authenticator.signRecord(client.unlockRecord(grant), staff.credentialId));
      const pressed = await hardware.press(1);
      if (!pressed.stamped) throw new Error(`the device did not stamp: ${JSON.stringify(pressed)}`);
    };
    // Request 1: approved now, stamped once.
    const first = requestFor(plan, staff, `${prefix}-1`, now);
    await stampWith(await approvedGrant(staffTablet, approverTablet, approver, first, seal, Date.now()));
    // Request 2: its approval is dated two hours ahead — after the passkey is revoked below.
    if (lateApprover) {
      const lateTablet = await open(lateApprover, 'late');
      await stampWith(await approvedGrant(staffTablet, lateTablet, lateApprover, requestFor(plan, staff, `${prefix}-2`, now), seal, now + 2 * HOUR));
    }
    for (let i = 0; i < (plan.refusedPresses ?? 0); i++) {
      // A running clock gives each entry a time of its own.
      await new Promise((later) => setTimeout(later, 5));
      const pressed = await hardware.press(1);
      if (pressed.stamped) throw new Error('the locked seal stamped');
    }

    // The staff member's tablet records the device's log and photos; they reach the server.
    await staffTablet.store.whenProjected();
    const known = await registeredDevice(staffTablet.store, plan.deviceId);
    const entries = await client.readLogSince(0);
    const captured = await captureDeviceLog(staffTablet.store, { device: known!, entries, held: null, photoOf: (seq) => client.photo(seq) });
    if (captured.problems.length > 0) throw new Error(`the log was not captured: ${JSON.stringify(captured.problems)}`);
    await syncAll([staffTablet]);
    await staffTablet.sync!.drainAttachments();
    const stampSeqs = entries.filter((e) => e.type === 'stamp').map((e) => e.seq);

    if (lateApprover && cast.admin) {
      // The late approver's passkey is revoked; the roster that says so is issued.
      await api.call('POST', `/api/credentials/${lateApprover.credentialId}/revoke`, cast.admin.cookie, {});
      await api.call('GET', '/api/roster', custodian.cookie);
    }
    return {
      honest: `${plan.deviceId}:${stampSeqs[0]}`,
      requestId: first.id,
      revoked: lateApprover ? `${plan.deviceId}:${stampSeqs[1]}` : undefined,
      refusals: entries.filter((e) => e.type === 'refusal').map((e) => e.seq),
      orgPublicJwk: orgKey.publicJwk,
    };
  } finally {
    await Promise.allSettled(replicas.map((r) => r.close()));
  }
}
