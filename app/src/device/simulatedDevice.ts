import {
  createSealDevice,
  MemoryTransport,
  SealDeviceClient,
  SealDeviceError,
  SimulatedClock,
  SimulatedHardware,
  type Signed,
  type TimeRecord,
} from '@seal/device-bridge';
import type { z } from 'zod';
import {
  approvalRouteFor, orgKeyResponseSchema, signedRevocationListResponseSchema, signedRosterResponseSchema, signedSealBindingSchema, signedTimeRecordSchema, type DeviceId, type Grant, type SealKind,
} from '@seal/shared';
import { ApiError } from '../api/ApiError';
import { apiRequest } from '../api/request';
import { openPersistentDevicePorts } from './browserDevicePorts';
import { SIMULATED_DEVICE_DB_PREFIX } from './simulatedDeviceIds';

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
  /** A client on the device's link (one command at a time: not while a stamping session uses it). */
  readonly client: SealDeviceClient;
  /** Powers the device off: its IndexedDB connection closes (its flash and key stay). */
  close(): void;
}

/** Whether a failed request never reached the server (no network, or no answer). */
const unreachable = (error: unknown): boolean => error instanceof ApiError && (error.code === 'offline' || error.code === 'network');

/**
 * The server's signed record, or `undefined` when the user may not ask for it (staff, 403), when
 * there is no network (the device keeps what it has), or — `tolerate` — for the listed codes.
 */
async function signedOrNothing<S extends z.ZodType>(path: string, schema: S, body?: unknown, tolerate: readonly string[] = []): Promise<z.output<S> | undefined> {
  try {
    return await apiRequest('POST', path, schema, body);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || tolerate.includes(error.code))) return undefined;
    if (unreachable(error)) return undefined;
    throw error;
  }
}

/** Thrown when another part of the app holds the simulated device (one user of a board at a time). */
class SimulatedDeviceBusy extends Error {
  override readonly name = 'SimulatedDeviceBusy';
}

/**
 * Holds the Web Lock of one simulated device for as long as it is powered on in this browser, so
 * that two instances never write its flash at once (each would keep its own log head and fork the
 * log). Resolves with the release, or `undefined` when `wait` is false and the device is in use.
 */
function holdDevice(name: string, wait: boolean): Promise<(() => void) | undefined> {
  if (!('locks' in navigator)) return Promise.resolve(() => undefined);
  return new Promise((resolve) => {
    void navigator.locks.request(name, wait ? {} : { ifAvailable: true }, (lock) => {
      if (lock === null) {
        resolve(undefined);
        return undefined;
      }
      return new Promise<void>((release) => resolve(() => release()));
    });
  });
}

/**
 * Sets the device's clock from `time`. The board's clock runs on between reading it and this
 * command: a record only just ahead of it may be behind it by the time the device judges it (seen
 * on a loaded machine), which the device refuses as `time_backwards` — then there is nothing to
 * correct, and opening the device goes on.
 */
async function setTimeUnlessPassed(client: SealDeviceClient, time: Signed<TimeRecord>): Promise<void> {
  try {
    await client.setTime(time);
  } catch (error) {
    if (!(error instanceof SealDeviceError && error.code === 'time_backwards')) throw error;
  }
}

/** What the binding of a seal device says about its seal: taken from the seal's record. */
export interface SealForBinding {
  readonly kind: SealKind;
  readonly custodianId: string;
  readonly unitId: string;
}

/** The binding asked of the server for `seal`: the approval route of its kind, its custodian and unit. */
function bindingRequest(sealId: string, seal: SealForBinding): { sealId: string; sealKind: SealKind; minApprovals: number; custodianId: string; unitId: string } {
  return { sealId, sealKind: seal.kind, minApprovals: approvalRouteFor(seal.kind).minApprovals, custodianId: seal.custodianId, unitId: seal.unitId };
}

export interface OpenSimulatedSealOptions {
  /** The seal the device holds, from its record: its binding is signed and installed (admins, custodians). */
  readonly seal?: SealForBinding & { readonly id: string };
  /** Where the simulated device is (a site's geofence centre), if known. */
  readonly position?: { readonly lat: number; readonly lon: number } | null;
  /** Wait while another part of the app holds the device (default), or fail at once with {@link SimulatedDeviceBusy}. */
  readonly wait?: boolean;
  /**
   * Keep the device's current binding when the server refuses the one asked for (`binding_mismatch`:
   * this tablet's copy of the seal's record lags the server's). For stamping, where the device's
   * own binding is what counts; /devices shows the refusal instead.
   */
  readonly tolerateBindingMismatch?: boolean;
}

/**
 * Opens the simulated device `deviceId` in this page — made on first use, with its own
 * non-extractable key — and brings it up to date from the server: the org key (on first use), a
 * time record and the seal binding when the user may have them signed (admins and custodians),
 * and the current roster. What the user may not have signed, the device keeps from before.
 */
export async function openSimulatedSeal(deviceId: string, options: OpenSimulatedSealOptions = {}): Promise<SimulatedSeal> {
  const name = `${SIMULATED_DEVICE_DB_PREFIX}${deviceId}`;
  const release = await holdDevice(name, options.wait ?? true);
  if (release === undefined) throw new SimulatedDeviceBusy(`the simulated device "${deviceId}" is in use elsewhere in this browser`);
  let ports: ReturnType<typeof openPersistentDevicePorts> | undefined;
  try {
    // Offline the device keeps its org key, roster, binding and clock from before.
    const fetched = await Promise.all([
      apiRequest('GET', '/api/org-key', orgKeyResponseSchema),
      apiRequest('GET', '/api/roster', signedRosterResponseSchema),
      apiRequest('GET', '/api/revocations', signedRevocationListResponseSchema),
    ]).catch((error: unknown) => {
      if (unreachable(error)) return undefined;
      throw error;
    });
    const device = encodeURIComponent(deviceId);
    const { seal } = options;
    const binding =
      seal === undefined || fetched === undefined ? undefined : await signedOrNothing(`/api/devices/${device}/binding`, signedSealBindingSchema, bindingRequest(seal.id, seal), options.tolerateBindingMismatch ? ['binding_mismatch'] : []);
    const time = fetched === undefined ? undefined : await signedOrNothing(`/api/devices/${device}/time`, signedTimeRecordSchema);
    const at = options.position ?? null;
    const hardware = new SimulatedHardware({ position: at === null ? null : { lat: at.lat, lon: at.lon, accuracyM: 10 }, batteryPercent: 87 });
    ports = openPersistentDevicePorts(name);
    // The board's clock starts a little behind (as after a power-off); the signed time record moves it on.
    const sim = await createSealDevice({ ...ports, clock: new SimulatedClock((time?.record.at ?? Date.now()) - 60_000), hardware });
    const transport = new MemoryTransport(sim.gatt, { frameSize: 185 });
    const admin = new SealDeviceClient(transport);
    const info = await admin.info();
    if (info.deviceId === null) {
      if (fetched === undefined) throw new ApiError({ status: 0, code: 'offline', message: 'A new simulated device needs the network once, to take the organisation key', cause: undefined });
      await admin.provision(deviceId as DeviceId, fetched[0].publicJwk);
    }
    // Only a time record ahead of the device's clock: the board keeps its offset from an earlier
    // setting, so a record issued just before this start is already behind it (and the device
    // would refuse it, and log the refusal).
    if (time && time.record.at > info.clock) await setTimeUnlessPassed(admin, time);
    if (binding) await admin.bindSeal(binding);
    // Only a newer roster: the server re-signs the same version on each request (a new issue
    // time), and a device refuses a second, different roster under a version it holds.
    const roster = fetched?.[1];
    if (roster !== undefined && (info.rosterVersion === null || roster.roster.version > info.rosterVersion)) await admin.installRoster(roster);
    // And the revocation list in force, as any tablet carries it on connect (the device takes a newer one only).
    const revocations = fetched?.[2];
    if (revocations !== undefined && (info.revocations === undefined || revocations.list.version > info.revocations[0])) await admin.installRevocations(revocations);
    const opened = ports;
    return {
      transport,
      hardware,
      client: admin,
      close: () => {
        opened.close();
        release();
      },
    };
  } catch (error) {
    ports?.close();
    release();
    throw error;
  }
}

/**
 * Starts (or wakes) the simulated device for `grant`, placed at the grant's geofence. The seal
 * binding is taken from the seal's record held on this tablet; when the record is not held, the
 * device keeps the binding it has (a device never bound refuses to unlock, and says so).
 */
export function startSimulatedSeal(grant: Grant, seal: SealForBinding | undefined): Promise<SimulatedSeal> {
  return openSimulatedSeal(grant.deviceId, { ...(seal === undefined ? {} : { seal: { ...seal, id: grant.sealId } }), position: grant.geofence ?? null, tolerateBindingMismatch: true });
}
