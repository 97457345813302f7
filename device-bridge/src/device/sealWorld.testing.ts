/**
 * A small world for device tests, the transport suite and the bench (test-only): an
 * organisation key, passkeys for approvers and a holder, a signed roster, a provisioned and
 * bound reference device with its simulated board, and builders for grants and unlocks.
 *
 * HQ → B1 → S1. The device `dev-1` holds B1's contract seal (route: one approval), kept by the
 * custodian. The holder is staff at S1; `approver` approves on B1, `approverHq` on HQ,
 * `outsider` on B2 (not over the seal), `revoked` had a passkey revoked.
 */
import {
  asId,
  contentId,
  decisionIdSchema,
  decisionPayload,
  deviceIdSchema,
  generateOrgKeyPair,
  grantBody,
  grantIdSchema,
  requestIdSchema,
  sealIdSchema,
  signRoster,
  unitIdSchema,
  userIdSchema,
  type AssertionFields,
  type Decision,
  type DeviceId,
  type Grant,
  type OrgKeyPair,
  type PhysicalSeal,
  type Roster,
  type SignedRoster,
  type UseRequest,
} from '@seal/shared';
import { SoftPasskey } from '../../../shared/src/crypto/softAuthenticator.testing';
import { SealDeviceClient } from '../client/SealDeviceClient';
import { signSealBinding, signTimeRecord } from '../protocol/orgRecords';
import { MemoryTransport } from '../transport/memoryTransport';
import { createSealDevice, type SealDevice } from './createSealDevice';
import { MemoryKeys } from './memoryKeys';
import { MemoryStorage } from './MemoryStorage';
import { SimulatedClock, SimulatedHardware } from './SimulatedHardware';

export const ORIGIN = 'https://seal.example.cn';
export const RP_ID = 'seal.example.cn';
export const T0 = 1_767_225_600_000;
export const HOUR = 3_600_000;
export const DEVICE_ID: DeviceId = asId(deviceIdSchema, 'dev-1');
export const SITE = { lat: 30.25, lon: 120.17 };
export const FENCE = { ...SITE, radiusM: 500 };
const unit = (id: string) => asId(unitIdSchema, id);
const user = (id: string) => asId(userIdSchema, id);

export const SEAL: PhysicalSeal = {
  id: asId(sealIdSchema, 'seal-contract-b1'),
  name: '华东分公司合同专用章',
  kind: 'contract',
  form: 'physical',
  unitId: unit('B1'),
  custodianId: user('custodian'),
  status: 'active',
  createdAt: 0,
  antiCounterfeitCode: '3301020012345',
  deviceId: DEVICE_ID,
};

/** Everything a device test needs, ready: the device is provisioned, bound, rostered and on time. */
export interface SealWorld {
  readonly org: OrgKeyPair;
  readonly passkeys: Record<'approver' | 'approverHq' | 'outsider' | 'holder' | 'custodian' | 'revoked', SoftPasskey>;
  readonly roster: Roster;
  readonly signedRoster: SignedRoster;
  readonly storage: MemoryStorage;
  readonly keys: MemoryKeys;
  readonly clock: SimulatedClock;
  readonly hardware: SimulatedHardware;
  readonly device: SealDevice;
  readonly transport: MemoryTransport;
  readonly client: SealDeviceClient;
  /** The request the default grant is for (2 uses, T0 … T0 + 24 h, S1's geofence). */
  readonly request: UseRequest;
}

/** A roster of the world's passkeys and units (HQ → B1 → S1, HQ → B2) at `version`, signed by the org key. */
export async function worldRoster(org: OrgKeyPair, passkeys: SealWorld['passkeys'], version: number, edit: (r: Roster) => Roster = (r) => r): Promise<SignedRoster> {
  const entry = (id: string, roles: [string, string][], keys: SoftPasskey[]) => ({
    id,
    displayName: id,
    roles: roles.map(([role, unitId]) => ({ role: role as 'staff', unitId })),
    credentials: keys.map((k) => k.rosterCredential(T0 - HOUR)),
  });
  const roster: Roster = edit({
    version,
    issuedAt: T0,
    orgKeyId: org.keyId,
    rpId: RP_ID,
    origins: [ORIGIN],
    users: [
      entry('approver', [['approver', 'B1']], [passkeys.approver]),
      entry('approver-hq', [['approver', 'HQ']], [passkeys.approverHq]),
      entry('outsider', [['approver', 'B2']], [passkeys.outsider]),
      entry('holder', [['staff', 'S1']], [passkeys.holder]),
      entry('custodian', [['custodian', 'B1'], ['approver', 'B1']], [passkeys.custodian]),
      entry('revoked-approver', [['approver', 'B1']], []),
    ],
    revokedCredentials: [{ id: passkeys.revoked.id, revokedAt: T0 - 1, userId: 'revoked-approver' }],
    units: [
      { id: 'HQ', parentId: null, kind: 'hq' },
      { id: 'B1', parentId: 'HQ', kind: 'branch' },
      { id: 'B2', parentId: 'HQ', kind: 'branch' },
      { id: 'S1', parentId: 'B1', kind: 'site', geofence: FENCE },
    ],
  });
  const signed = await signRoster(org.privateKey, roster);
  if (!signed.ok) throw new Error(signed.error.message);
  return signed.value;
}

/** Builds the world, with the device behind a memory transport of `frameSize` bytes. */
export async function createSealWorld(options: { readonly frameSize?: number } = {}): Promise<SealWorld> {
  const org = await generateOrgKeyPair();
  const make = () => SoftPasskey.create(ORIGIN, RP_ID);
  const passkeys = { approver: await make(), approverHq: await make(), outsider: await make(), holder: await make(), custodian: await make(), revoked: await make() };
  const signedRoster = await worldRoster(org, passkeys, 1);
  const storage = new MemoryStorage();
  const keys = new MemoryKeys();
  const clock = new SimulatedClock(T0 + HOUR, { manual: true });
  const hardware = new SimulatedHardware({ position: { ...SITE, accuracyM: 10 }, batteryPercent: 80 });
  const device = await createSealDevice({ storage, clock, hardware, keys });
  const transport = new MemoryTransport(device.gatt, { frameSize: options.frameSize ?? 20 });
  const client = new SealDeviceClient(transport, { sleep: () => Promise.resolve() });
  await client.provision(DEVICE_ID, org.publicJwk);
  await client.bindSeal(await signSealBinding(org.privateKey, { deviceId: DEVICE_ID, version: 1, sealId: SEAL.id, route: { sealKind: 'contract', minApprovals: 1 }, custodianId: SEAL.custodianId, sealUnitPath: [unit('B1'), unit('HQ')], issuedAt: T0 }));
  await client.installRoster(signedRoster);
  await client.info();
  const request: UseRequest = {
    id: asId(requestIdSchema, 'req-1'),
    requesterId: user('holder'),
    unitId: unit('S1'),
    sealId: SEAL.id,
    document: { title: '钢材采购合同', sha256: 'ab'.repeat(32), pages: 12 },
    copies: 2,
    purpose: '与供应商签订采购合同',
    usesRequested: 2,
    window: { notBefore: T0, notAfter: T0 + 24 * HOUR },
    place: { unitId: unit('S1'), geofence: FENCE },
    createdAt: T0 - HOUR,
  };
  return { org, passkeys, roster: signedRoster.roster, signedRoster, storage, keys, clock, hardware, device, transport, client, request };
}

/** A decision approving `request`, signed by `passkey` as `approverId`. */
export async function approve(request: UseRequest, approverId: string, passkey: SoftPasskey): Promise<Decision> {
  const payload = decisionPayload(request, 'approve');
  const body = { approverId: user(approverId), payload, assertion: await passkey.assertRecord(payload), at: T0 - 30 * 60_000 };
  return { ...body, id: asId(decisionIdSchema, await contentId(body)) };
}

/** A grant for `request` on the world's seal, approved by the given decisions, with optional edits. */
export async function grantFor(request: UseRequest, decisions: Decision[], edit: (g: Omit<Grant, 'id'>) => Omit<Grant, 'id'> = (g) => g): Promise<Grant> {
  const body = grantBody(request, SEAL, decisions);
  if (!body.ok) throw new Error(body.error.message);
  const edited = edit(body.value);
  return { ...edited, id: asId(grantIdSchema, await contentId(edited)) };
}

/** The world's default grant: `request` approved by `approver`. */
export async function defaultGrant(world: SealWorld, request: UseRequest = world.request): Promise<Grant> {
  return grantFor(request, [await approve(request, 'approver', world.passkeys.approver)]);
}

/** Fetches a nonce and signs the unlock record with the holder's passkey (or `passkey`). */
export async function holderConfirms(world: SealWorld, grant: Grant, passkey: SoftPasskey = world.passkeys.holder): Promise<AssertionFields> {
  await world.client.nonce();
  return passkey.assertRecord(world.client.unlockRecord(grant));
}

/** Signs a time record for the world's device. */
export const timeRecord = (world: SealWorld, at: number, deviceId: DeviceId = DEVICE_ID) => signTimeRecord(world.org.privateKey, deviceId, at);
