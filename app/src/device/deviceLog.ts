import {
  deviceEventHash, deviceEventHashes, sha256, subjectOf, toHex, verifyDeviceLog,
  type DeviceEvent, type DeviceLogProblem, type Device,
} from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { StoreError } from '../store/StoreError';

/** The log entry a replica holds last for a device: where the next pull from the device starts. */
export interface HeldLogHead {
  readonly seq: number;
  readonly hash: string;
  /** Every hash the device's next entry may chain to (`deviceEventHashes`: the held form and its signature's twin). */
  readonly hashes?: readonly string[];
}

/**
 * The last entry of a device's log this replica holds (recorded here, or pulled from the server),
 * `null` when none. The tablet reads the device's log from the one after it.
 */
export async function heldLogHead(store: LocalStore, deviceId: string): Promise<HeldLogHead | null> {
  const bodies = await store.query.facts('device_event', { subject: subjectOf('device', deviceId) });
  let last: DeviceEvent | undefined;
  for (const body of bodies) if (last === undefined || body.seq > last.seq) last = body;
  return last === undefined ? null : { seq: last.seq, hash: await deviceEventHash(last), hashes: await deviceEventHashes(last) };
}

/** The device's record as this replica holds it, if it is registered (and the record is valid). */
export async function registeredDevice(store: LocalStore, deviceId: string): Promise<Device | undefined> {
  const projection = await store.projection(subjectOf('device', deviceId));
  return projection?.valid && projection.record !== null ? (projection.record as Device) : undefined;
}

/** What recording a batch of a device's log came to. */
export interface CaptureOutcome {
  /** Entries newly recorded (to sync). */
  readonly recorded: number;
  /** Photos of stamps newly queued to upload. */
  readonly photos: number;
  /**
   * What did not verify here: the entries are recorded all the same — the server is the judge
   * and turns each problem into an alarm; dropping them would hide the evidence from HQ.
   */
  readonly problems: readonly DeviceLogProblem[];
}

export interface CaptureInput {
  readonly device: Device;
  /** Entries read from the device, in seq order, starting after `held`. */
  readonly entries: readonly DeviceEvent[];
  /** The last entry held before these (`heldLogHead`), so the chain is checked across pulls. */
  readonly held: HeldLogHead | null;
  /** The photo of the stamp at `seq` (from the device); `null` when the device has none. */
  readonly photoOf: (seq: number) => Promise<Uint8Array | null>;
}

const photoName = (deviceId: string, seq: number) => `stamp-${deviceId}-${seq}.pgm`;

/**
 * Records entries pulled from a seal device as `device_event` facts in the device's unit, and
 * each stamp's photo (kept first) as an attachment about the device (its bytes go up after the
 * facts, through the attachment queue). Checks the chain and signatures here first, so the holder learns at once
 * when the device's log is not sound; what is recorded is exactly what the device signed.
 * A fact already held (a pull that overlapped) is not recorded twice.
 */
export async function captureDeviceLog(store: LocalStore, input: CaptureInput): Promise<CaptureOutcome> {
  const { device, entries, held } = input;
  if (entries.length === 0) return { recorded: 0, photos: 0, problems: [] };
  const problems: DeviceLogProblem[] = [];
  const checked = await verifyDeviceLog(entries, device.publicKeyJwk, {
    deviceId: device.id,
    expectedFromSeq: held === null ? 0 : held.seq + 1,
    ...(held === null ? {} : { expectedPrevHash: held.hashes ?? held.hash }),
  });
  if (!checked.ok) problems.push(...checked.error.problems);

  // The stamps' photos first: the next read starts after the last entry held, so an entry recorded
  // before its photo was kept (the read cut short, storage full) would leave the photo unread for
  // good. Kept first, a read cut short records no entry, and the next reads them all again (a
  // photo's fact is made at its stamp's time: read twice, it is recorded once).
  let photos = 0;
  const photoProblems: DeviceLogProblem[] = [];
  for (const entry of entries) {
    if (entry.type !== 'stamp' || entry.payload.photoSha256 === null) continue;
    const bytes = await input.photoOf(entry.seq);
    if (bytes === null) continue;
    const problem = await attachStampPhoto(store, device, entry, bytes);
    if (problem !== null) photoProblems.push(problem);
    photos++;
  }

  // One write for the whole log read (one outbox entry per hundred rows, not one per entry). An
  // entry that forks from one held, or that is not a valid entry, refuses the whole write before
  // anything is written: then entry by entry, so the entries that fork are named and those before
  // an invalid one recorded, as they were one by one. (A fork met while writing — the server's copy
  // of an entry arriving with another body meanwhile — is refused after the others were written:
  // entry by entry they are then held already, and not counted as recorded by this read.)
  let recorded = 0;
  try {
    recorded = (await store.facts.appendMany('device_event', entries, device.unitId)).filter((outcome) => outcome.added).length;
  } catch (error) {
    if (!(error instanceof StoreError && (error.code === 'fact_conflict' || error.code === 'invalid_fact'))) throw error;
    for (const entry of entries) {
      try {
        const [outcome] = await store.facts.appendMany('device_event', [entry], device.unitId);
        if (outcome?.added) recorded++;
      } catch (error) {
        // The device signed another body for a seq this tablet already holds: its history forked.
        if (error instanceof StoreError && error.code === 'fact_conflict') {
          problems.push({ kind: 'fork', alarmKind: 'log_fork', seq: entry.seq, message: `entry ${entry.seq} differs from the one this tablet holds` });
          continue;
        }
        throw error;
      }
    }
  }

  return { recorded, photos, problems: [...problems, ...photoProblems] };
}

/**
 * Queues the photo of a stamp entry as an attachment about the device (its bytes go up after the
 * facts). A photo that is not the one the entry names goes up all the same — it is evidence
 * too — and comes back as a problem. Also used for photos read after the entry was recorded
 * (the device shows them only once someone with a right to them confirmed with a passkey).
 */
export async function attachStampPhoto(store: LocalStore, device: Device, entry: DeviceEvent, bytes: Uint8Array): Promise<DeviceLogProblem | null> {
  const named = entry.type === 'stamp' ? entry.payload.photoSha256 : null;
  const problem: DeviceLogProblem | null =
    toHex(await sha256(bytes)) === named ? null : { kind: 'tampered', alarmKind: 'bad_signature', seq: entry.seq, message: `the photo of stamp ${entry.seq} does not hash to the one its log entry names` };
  // At the stamp's time: every tablet that reads this photo records the same fact (one upload, one record).
  await store.attachments.add({ bytes, about: subjectOf('device', device.id), mime: 'image/x-portable-graymap', name: photoName(device.id, entry.seq), at: entry.at }, device.unitId);
  return problem;
}
