import { deviceEventHash, deviceEventHashes, type Device, type DeviceEvent, type DeviceLogProblem } from '@seal/shared';
import { createSignal, type Accessor } from 'solid-js';
import type { LocalStore } from '../../store/localStore';
import { attachStampPhoto, captureDeviceLog, heldLogHead, registeredDevice, type HeldLogHead } from '../deviceLog';

/**
 * What becomes of the device's log on this tablet: recorded (to sync) once the device is
 * registered; an unregistered device keeps its log until someone registers it.
 */
export interface LogRecording {
  readonly state: 'no_store' | 'unregistered' | 'recording';
  /** The last entry this tablet holds. */
  readonly heldSeq: number | null;
  /** Entries and photos recorded during this session. */
  readonly recorded: number;
  readonly photos: number;
  /** Entries that did not verify here (recorded all the same: the server raises the alarms). */
  readonly problems: readonly DeviceLogProblem[];
}

/**
 * The recording of one device's log on this tablet during a stamping session: which registered
 * device it is, the last entry held, and what was recorded. Reading the device is the session's;
 * this only decides what of it continues the held log, and records that.
 */
export function createLogCapture(store: Accessor<LocalStore | undefined>) {
  const [recording, setRecording] = createSignal<LogRecording>({ state: 'no_store', heldSeq: null, recorded: 0, photos: 0, problems: [] });
  /** The registered device whose log is recorded, and the last entry held. */
  let device: Device | undefined;
  let held: HeldLogHead | null = null;

  /** The first entry the held log lacks, or `undefined` when nothing is recorded (unregistered device, no store). */
  const recordFrom = (): number | undefined => (device === undefined ? undefined : held === null ? 0 : held.seq + 1);

  /** Finds the device among the registered ones and where its log resumes (reading starts there). */
  async function prepare(deviceId: string | null): Promise<void> {
    const local = store();
    device = local && deviceId !== null ? await registeredDevice(local, deviceId) : undefined;
    held = local && device ? await heldLogHead(local, device.id) : null;
    setRecording({ state: local === undefined ? 'no_store' : device === undefined ? 'unregistered' : 'recording', heldSeq: held?.seq ?? null, recorded: 0, photos: 0, problems: [] });
  }

  /** Records what was read as facts of the registered device (nothing for an unregistered one). */
  async function record(entries: readonly DeviceEvent[], photos: ReadonlyMap<number, Uint8Array | null>): Promise<void> {
    const local = store();
    if (local === undefined || device === undefined || entries.length === 0) return;
    // Only what continues the held log: entries read before the device became known (or read
    // while a registration landed) may start further on; the next read starts at `start` again.
    const start = held === null ? 0 : held.seq + 1;
    const continuing = entries.filter((e) => e.seq >= start);
    if (continuing[0]?.seq !== start) return;
    // Up to the first stamp whose photo the link lost: from there on, it is all read again.
    const lost = continuing.findIndex((e) => e.type === 'stamp' && e.payload.photoSha256 !== null && !photos.has(e.seq));
    const fresh = lost === -1 ? continuing : continuing.slice(0, lost);
    if (fresh.length === 0) return;
    const outcome = await captureDeviceLog(local, { device, entries: fresh, held, photoOf: (seq) => Promise.resolve(photos.get(seq) ?? null) });
    const last = fresh.at(-1)!;
    held = { seq: last.seq, hash: await deviceEventHash(last), hashes: await deviceEventHashes(last) };
    setRecording((r) => ({
      state: 'recording', heldSeq: last.seq, recorded: r.recorded + outcome.recorded, photos: r.photos + outcome.photos, problems: [...r.problems, ...outcome.problems],
    }));
  }

  /** Queues photos the device first withheld as attachments of their stamps (a registered device only). */
  async function attachPhotos(entries: readonly DeviceEvent[], read: ReadonlyMap<number, Uint8Array>): Promise<void> {
    const local = store();
    let attached = 0;
    const problems: DeviceLogProblem[] = [];
    for (const entry of entries) {
      const bytes = read.get(entry.seq);
      if (bytes === undefined || local === undefined || device === undefined) continue;
      const problem = await attachStampPhoto(local, device, entry, bytes);
      if (problem !== null) problems.push(problem);
      attached++;
    }
    if (attached > 0 || problems.length > 0) setRecording((r) => ({ ...r, photos: r.photos + attached, problems: [...r.problems, ...problems] }));
  }

  return {
    recording,
    recordFrom,
    /** Whether the device is registered here (its log is recorded, backlog included). */
    registered: (): boolean => device !== undefined,
    /** A registration (or the store) may arrive by sync during the session: recording starts then. */
    awaitsRegistration: (): boolean => device === undefined && store() !== undefined && recording().state !== 'recording',
    prepare,
    record,
    attachPhotos,
  };
}
export type LogCapture = ReturnType<typeof createLogCapture>;
