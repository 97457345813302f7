import {
  createSealDevice,
  MemoryTransport,
  SealDeviceClient,
  SimulatedClock,
  SimulatedHardware,
  type SealBinding,
  type Signed,
  type TimeRecord,
} from '@seal/device-bridge';
import { approvalRouteFor, type Grant, type P256PublicJwk, type SealKind, type SignedRoster } from '@seal/shared';
import { ApiError } from '../api/ApiError';
import { apiRequest } from '../api/request';
import { openPersistentDevicePorts } from './browserDevicePorts';

/**
 * A SIMULATED seal device for demos without hardware: the reference device runs in this page,
 * behind an in-memory transport, provisioned like a real one from the server (org public key,
 * signed roster, a seal binding and a time record signed by the org key). Its flash and key live
 * in this browser's IndexedDB, so it keeps its identity, log and counters across reloads — and
 * once an administrator or custodian set it up, a staff member on the same tablet can use it.
 */
export interface SimulatedSeal {
  readonly transport: MemoryTransport;
  readonly hardware: SimulatedHardware;
  /** Powers the device off: its IndexedDB connection closes (its flash and key stay). */
  close(): void;
}

/** The server's signed record, or `undefined` when the user may not ask for it (staff). */
async function signedOrNothing<T>(path: string, body?: unknown): Promise<T | undefined> {
  try {
    return await apiRequest<T>('POST', path, body);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return undefined;
    throw error;
  }
}

/** What the binding of a seal device says about its seal: taken from the seal's record. */
export interface SealForBinding {
  readonly kind: SealKind;
  readonly custodianId: string;
  readonly unitId: string;
}

/** The binding asked of the server for `seal`: the approval route of its kind, its custodian and unit. */
export function bindingRequest(sealId: string, seal: SealForBinding): { sealId: string; sealKind: SealKind; minApprovals: number; custodianId: string; unitId: string } {
  return { sealId, sealKind: seal.kind, minApprovals: approvalRouteFor(seal.kind).minApprovals, custodianId: seal.custodianId, unitId: seal.unitId };
}

/**
 * Starts (or wakes) the simulated device for `grant`, provisioned from the server. The seal
 * binding is taken from the seal's record held on this tablet; when the record is not held, the
 * device keeps the binding it has (a device never bound refuses to unlock, and says so).
 */
export async function startSimulatedSeal(grant: Grant, seal: SealForBinding | undefined): Promise<SimulatedSeal> {
  const [orgKey, roster] = await Promise.all([
    apiRequest<{ publicJwk: P256PublicJwk }>('GET', '/api/org-key'),
    apiRequest<SignedRoster>('GET', '/api/roster'),
  ]);
  const device = encodeURIComponent(grant.deviceId);
  const binding = seal === undefined ? undefined : await signedOrNothing<Signed<SealBinding>>(`/api/devices/${device}/binding`, bindingRequest(grant.sealId, seal));
  const time = await signedOrNothing<Signed<TimeRecord>>(`/api/devices/${device}/time`);
  const fence = grant.geofence;
  const hardware = new SimulatedHardware({ position: fence ? { lat: fence.lat, lon: fence.lon, accuracyM: 10 } : null, batteryPercent: 87 });
  const ports = openPersistentDevicePorts(`sealctl-simulated-${grant.deviceId}`);
  // The board's clock starts a little behind (as after a power-off); the signed time record moves it on.
  const sim = await createSealDevice({ ...ports, clock: new SimulatedClock((time?.record.at ?? Date.now()) - 60_000), hardware });
  const transport = new MemoryTransport(sim.gatt, { frameSize: 185 });
  const admin = new SealDeviceClient(transport);
  const info = await admin.info();
  if (info.deviceId === null) await admin.provision(grant.deviceId, orgKey.publicJwk);
  if (time) await admin.setTime(time);
  if (binding) await admin.bindSeal(binding);
  await admin.installRoster(roster);
  return { transport, hardware, close: () => ports.close() };
}
