import {
  createSealDevice,
  MemoryKeys,
  MemoryStorage,
  MemoryTransport,
  SealDeviceClient,
  SimulatedClock,
  SimulatedHardware,
  type SealBinding,
  type Signed,
  type TimeRecord,
} from '@seal/device-bridge';
import type { Grant, P256PublicJwk, SignedRoster } from '@seal/shared';
import { apiRequest } from '../api/request';

/**
 * A SIMULATED seal device for demos without hardware: the reference device runs in this page,
 * behind an in-memory transport, provisioned like a real one from the server (org public key,
 * signed roster, a seal binding and a time record signed by the org key).
 */
export interface SimulatedSeal {
  readonly transport: MemoryTransport;
  readonly hardware: SimulatedHardware;
}

export async function startSimulatedSeal(grant: Grant, custodianId: string): Promise<SimulatedSeal> {
  const [orgKey, roster] = await Promise.all([
    apiRequest<{ publicJwk: P256PublicJwk }>('GET', '/api/org-key'),
    apiRequest<SignedRoster>('GET', '/api/roster'),
  ]);
  const place = grant.decisions[0]!.payload.place;
  const binding = await apiRequest<Signed<SealBinding>>('POST', `/api/devices/${encodeURIComponent(grant.deviceId)}/binding`, {
    sealId: grant.sealId,
    sealKind: 'contract',
    minApprovals: 1,
    custodianId,
    unitId: place.unitId,
  });
  const time = await apiRequest<Signed<TimeRecord>>('POST', `/api/devices/${encodeURIComponent(grant.deviceId)}/time`);
  const fence = grant.geofence;
  // The board's clock starts a little behind (as after a power-off); the signed time record moves it on.
  const hardware = new SimulatedHardware({ position: fence ? { lat: fence.lat, lon: fence.lon, accuracyM: 10 } : null, batteryPercent: 87 });
  const device = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(time.record.at - 60_000), hardware, keys: new MemoryKeys() });
  const transport = new MemoryTransport(device.gatt, { frameSize: 185 });
  const admin = new SealDeviceClient(transport);
  await admin.provision(grant.deviceId, orgKey.publicJwk);
  await admin.setTime(time);
  await admin.bindSeal(binding);
  await admin.installRoster(roster);
  return { transport, hardware };
}
