/**
 * A small world for device tests, the transport suite and the bench (test-only): an
 * organisation key, passkeys for approvers and a holder, a signed roster, a provisioned and
 * bound reference device with its simulated board, and builders for grants and unlocks.
 *
 * The people, units and roster are the simulator's demo organisation (`node/demoWorld.ts`, which
 * says who is who), fixed at time `T0`. The device `dev-1` holds B1's contract seal (route: one
 * approval), kept by the custodian.
 */
import {
  asId,
  contentId,
  deviceIdSchema,
  generateOrgKeyPair,
  grantBody,
  jwkThumbprint,
  signRevocationList,
  grantIdSchema,
  requestIdSchema,
  sealIdSchema,
  unitIdSchema,
  userIdSchema,
  type AssertionFields,
  type Decision,
  type DeviceId,
  type Grant,
  type OrgKeyPair,
  type PhysicalSeal,
  type RevocationList,
  type Roster,
  type SignedRevocationList,
  type SignedRoster,
  type UseRequest,
} from '@seal/shared';
import type { SoftPasskey } from '@seal/shared/testing';
import { approveAs, demoPasskeys, demoRoster, FENCE, SITE, type DemoPasskeys } from '../node/demoWorld';
import { SealDeviceClient } from '../client/SealDeviceClient';
import { signSealBinding, signTimeRecord } from '../protocol/orgRecords';
import { MemoryTransport } from '../transport/memoryTransport';
import { createSealDevice, type SealDevice } from './createSealDevice';
import type { DeviceSettings } from './DeviceCore';
import type { KeyPort, StoragePort } from './ports';
import { MemoryKeys } from './memoryKeys';
import { MemoryStorage } from './MemoryStorage';
import { SimulatedClock, SimulatedHardware } from './SimulatedHardware';

export { FENCE, ORIGIN, RP_ID, SITE } from '../node/demoWorld';
export const T0 = 1_767_225_600_000;
export const HOUR = 3_600_000;
export const DEVICE_ID: DeviceId = asId(deviceIdSchema, 'dev-1');
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
  readonly passkeys: DemoPasskeys;
  readonly roster: Roster;
  readonly signedRoster: SignedRoster;
  readonly storage: StoragePort;
  readonly keys: KeyPort;
  readonly clock: SimulatedClock;
  readonly hardware: SimulatedHardware;
  readonly device: SealDevice;
  readonly transport: MemoryTransport;
  readonly client: SealDeviceClient;
  /** The request the default grant is for (2 uses, T0 … T0 + 24 h, S1's geofence). */
  readonly request: UseRequest;
}

/** A roster of the world's passkeys and units (HQ → B1 → S1, HQ → B2) at `version`, issued at T0, signed by the org key. */
export const worldRoster = (org: OrgKeyPair, passkeys: DemoPasskeys, version: number, edit?: (r: Roster) => Roster): Promise<SignedRoster> =>
  demoRoster(org, passkeys, version, T0, edit);

/**
 * A revocation list at `version` signed by the world's org key: empty and issued at `issuedAt`
 * (T0 by default) unless `edit` says otherwise.
 */
export async function worldRevocations(org: OrgKeyPair, version: number, edit: (l: Omit<RevocationList, 'purpose'>) => Omit<RevocationList, 'purpose'> = (l) => l, issuedAt = T0): Promise<SignedRevocationList> {
  const list = { orgKeyId: await jwkThumbprint(org.publicJwk), version, issuedAt, seals: [], requests: [], users: [] };
  return signRevocationList(org.privateKey, edit(list));
}

/** How to build a world: the link's frame size, the device's flash and key (memory by default), its tunables. */
export interface SealWorldOptions {
  readonly frameSize?: number;
  readonly storage?: StoragePort;
  readonly keys?: KeyPort;
  readonly settings?: Partial<DeviceSettings>;
}

/**
 * The same world after a power cycle: a new device started from the same flash and key (it
 * boots locked, forgets nonces and sessions), behind a new link. `storage` may be reopened (a
 * file or IndexedDB store closed and opened again).
 */
export async function rebootWorld(world: SealWorld, storage: StoragePort = world.storage, settings?: Partial<DeviceSettings>): Promise<SealWorld> {
  const device = await createSealDevice({ storage, keys: world.keys, clock: world.clock, hardware: world.hardware, ...(settings === undefined ? {} : { settings }) });
  const transport = new MemoryTransport(device.gatt, { frameSize: world.transport.frameSize });
  const client = new SealDeviceClient(transport, { sleep: () => Promise.resolve() });
  await client.info();
  return { ...world, storage, device, transport, client };
}

/** Builds the world, with the device behind a memory transport of `frameSize` bytes. */
export async function createSealWorld(options: SealWorldOptions = {}): Promise<SealWorld> {
  const org = await generateOrgKeyPair();
  const passkeys = await demoPasskeys();
  const signedRoster = await worldRoster(org, passkeys, 1);
  const storage = options.storage ?? new MemoryStorage();
  const keys = options.keys ?? new MemoryKeys();
  const clock = new SimulatedClock(T0 + HOUR, { manual: true });
  const hardware = new SimulatedHardware({ position: { ...SITE, accuracyM: 10 }, batteryPercent: 80 });
  const device = await createSealDevice({ storage, clock, hardware, keys, ...(options.settings === undefined ? {} : { settings: options.settings }) });
  const transport = new MemoryTransport(device.gatt, { frameSize: options.frameSize ?? 20 });
  const client = new SealDeviceClient(transport, { sleep: () => Promise.resolve() });
  await client.provision(DEVICE_ID, org.publicJwk);
  await client.bindSeal(await signSealBinding(org.privateKey, { deviceId: DEVICE_ID, version: 1, sealId: SEAL.id, route: { sealKind: 'contract', minApprovals: 1 }, custodianId: SEAL.custodianId, sealUnitPath: [unit('B1'), unit('HQ')], issuedAt: T0 }));
  await client.installRoster(signedRoster);
  await client.installRevocations(await worldRevocations(org, 1));
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
export const approve = (request: UseRequest, approverId: string, passkey: SoftPasskey): Promise<Decision> =>
  approveAs(request, approverId, passkey, T0 - 30 * 60_000);

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
