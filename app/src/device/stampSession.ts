import { connectWebBluetooth, SealDeviceClient, SealDeviceError, TransportError, type DeviceInfo, type DeviceStatus, type Transport } from '@seal/device-bridge';
import { deviceEventHash, type Device, type DeviceEvent, type DeviceLogProblem, type Grant } from '@seal/shared';
import { batch, createSignal, onCleanup, type Accessor } from 'solid-js';
import { ApiError } from '../api/ApiError';
import type { LocalStore } from '../store/localStore';
import { StoreError } from '../store/StoreError';
import { attachStampPhoto, captureDeviceLog, heldLogHead, registeredDevice, type HeldLogHead } from './deviceLog';
import { holderAssertion } from './holderAssertion';
import { pgmToDataUrl } from './pgm';
import { registerDevice } from './registerDevice';

export type StampPhase = 'idle' | 'connecting' | 'connected' | 'confirming' | 'unlocked';

export interface StampShot {
  readonly seq: number;
  readonly at: number;
  readonly useIndex: number | null;
  readonly photo: string | null;
}

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

/** Log entries the holder must see: refusals and alarms. */
const NOTABLE: readonly DeviceEvent['type'][] = ['refusal', 'tamper', 'geofence_breach', 'low_battery', 'lock'];

/**
 * Refusals that mean "not to this link": the device shows a photo only on a link where someone
 * with a right to it confirmed with a passkey (the holder's unlock, for their own stamps). The
 * entry is carried all the same; the photo waits on the device until such a reader asks.
 */
const PHOTO_WITHHELD: readonly string[] = ['read_unauthenticated', 'reader_not_entitled'];

/** The error code a failure shows as (device, transport, or the passkey prompt). */
export function stampErrorCode(error: unknown): string {
  if (error instanceof SealDeviceError || error instanceof TransportError) return error.code;
  if (error instanceof DOMException && error.name === 'NotAllowedError') return 'passkey_cancelled';
  if (error instanceof StoreError) return `store_${error.code}`;
  // The server's answer while provisioning (e.g. a binding refused, no network): its own code.
  if (error instanceof ApiError) return error.code;
  return 'unknown_error';
}

/**
 * One stamping session with one device: connect, watch its state, unlock with the holder's
 * passkey, count the stamps (with their photos) while unlocked, lock, and pull the log.
 */
export function createStampSession(store: Accessor<LocalStore | undefined> = () => undefined) {
  const [phase, setPhase] = createSignal<StampPhase>('idle');
  const [info, setInfo] = createSignal<DeviceInfo>();
  const [status, setStatus] = createSignal<DeviceStatus>();
  const [linkUp, setLinkUp] = createSignal(true);
  const [shots, setShots] = createSignal<StampShot[]>([]);
  const [events, setEvents] = createSignal<DeviceEvent[]>([]);
  const [error, setErrorCode] = createSignal<string>();
  /** The failure behind `error`, for the words (a server refusal carries its own message). */
  const [failure, setFailure] = createSignal<unknown>();
  const setError = (code: string | undefined, cause?: unknown): void => {
    batch(() => {
      setErrorCode(code);
      setFailure(cause);
    });
  };
  /** Stamp entries whose photos the device withheld from this link (read once someone with a right confirms). */
  const [withheld, setWithheld] = createSignal<ReadonlyMap<number, DeviceEvent>>(new Map());
  const [recording, setRecording] = createSignal<LogRecording>({ state: 'no_store', heldSeq: null, recorded: 0, photos: 0, problems: [] });
  let client: SealDeviceClient | undefined;
  /** Entries from here on happened during this session (shown); earlier ones are only recorded. */
  let shownFrom = 0;
  /** The next entry not shown yet. */
  let nextShown = 0;
  /** The registered device whose log is recorded, and the last entry held. */
  let device: Device | undefined;
  let held: HeldLogHead | null = null;
  /**
   * Where the next read starts: the first entry not shown yet or — for a registered device — not
   * recorded yet. Derived each time, never stored: a failed or skipped recording is read again.
   */
  const readFrom = (): number => {
    const unshown = Math.max(shownFrom, nextShown);
    return device === undefined ? unshown : Math.min(unshown, held === null ? 0 : held.seq + 1);
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  let polling = false;
  // One command at a time on the link: polling must not interleave with unlock or lock.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  };

  const stopPolling = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  onCleanup(() => {
    stopPolling();
    void client?.transport.close();
  });

  /** Reads status and the new log entries (with each new stamp's photo), shows and records them. */
  async function refresh(): Promise<void> {
    if (client === undefined || polling) return;
    polling = true;
    const c = client;
    try {
      const { current, entries, photos } = await exclusive(async () => {
        const current = await c.status();
        const entries = await c.readLogSince(readFrom());
        // A photo the device says it lacks is `null`; one lost to the link is missing (read again later).
        const photos = new Map<number, Uint8Array | null>();
        for (const entry of entries) {
          if (entry.type !== 'stamp' || (entry.seq < shownFrom && device === undefined)) continue;
          const photo = await c.photo(entry.seq).catch((error: unknown) => {
            if (error instanceof SealDeviceError && PHOTO_WITHHELD.includes(error.code)) setWithheld((w) => new Map(w).set(entry.seq, entry));
            return error instanceof SealDeviceError ? null : undefined;
          });
          if (photo !== undefined) photos.set(entry.seq, photo);
        }
        return { current, entries, photos };
      });
      // Each entry is shown once, even when reading restarts lower down to record a backlog.
      const shown = entries.filter((e) => e.seq >= Math.max(shownFrom, nextShown));
      for (const entry of shown) nextShown = Math.max(nextShown, entry.seq + 1);
      const newShots = shown.flatMap((entry): StampShot[] => {
        if (entry.type !== 'stamp') return [];
        const bytes = photos.get(entry.seq);
        return [{ seq: entry.seq, at: entry.at, useIndex: entry.payload.useIndex, photo: bytes ? pgmToDataUrl(bytes) : null }];
      });
      batch(() => {
        setStatus(current);
        setLinkUp(true);
        if (newShots.length > 0) setShots((s) => [...s, ...newShots]);
        const notable = shown.filter((e) => NOTABLE.includes(e.type));
        if (notable.length > 0) setEvents((e) => [...e, ...notable]);
        if (!current.locked && phase() !== 'unlocked') setPhase('unlocked');
        if (current.locked && phase() === 'unlocked') setPhase('connected');
      });
      // A registration (or the store) may arrive by sync during the session: recording starts then.
      if (device === undefined && store() !== undefined && recording().state !== 'recording') await prepareRecording(info()?.deviceId ?? null);
      await record(entries, photos);
    } catch (err) {
      setError(stampErrorCode(err), err);
    } finally {
      polling = false;
    }
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
    held = { seq: last.seq, hash: await deviceEventHash(last) };
    setRecording((r) => ({
      state: 'recording', heldSeq: last.seq, recorded: r.recorded + outcome.recorded, photos: r.photos + outcome.photos, problems: [...r.problems, ...outcome.problems],
    }));
  }

  /** Finds the device among the registered ones and where its log resumes (reading starts there). */
  async function prepareRecording(deviceId: string | null): Promise<void> {
    const local = store();
    device = local && deviceId !== null ? await registeredDevice(local, deviceId) : undefined;
    held = local && device ? await heldLogHead(local, device.id) : null;
    setRecording({ state: local === undefined ? 'no_store' : device === undefined ? 'unregistered' : 'recording', heldSeq: held?.seq ?? null, recorded: 0, photos: 0, problems: [] });
  }

  /**
   * Opens reads of photos on this link with the person's passkey over the device's fresh nonce,
   * then reads the photos the device withheld: shown if this session shows their stamps, queued
   * as attachments for a registered device. Photos still refused stay withheld.
   */
  async function readWithheldPhotos(): Promise<void> {
    const c = client!;
    const pending = [...withheld().values()];
    const read = await exclusive(async () => {
      await c.nonce();
      await c.openReads(await holderAssertion(c.readRecord()));
      const got = new Map<number, Uint8Array>();
      for (const entry of pending) {
        const bytes = await c.photo(entry.seq).catch((error: unknown) => {
          if (error instanceof SealDeviceError && PHOTO_WITHHELD.includes(error.code)) return null;
          throw error;
        });
        if (bytes !== null) got.set(entry.seq, bytes);
      }
      return got;
    });
    const local = store();
    let attached = 0;
    const problems: DeviceLogProblem[] = [];
    for (const entry of pending) {
      const bytes = read.get(entry.seq);
      if (bytes === undefined || local === undefined || device === undefined) continue;
      const problem = await attachStampPhoto(local, device, entry, bytes);
      if (problem !== null) problems.push(problem);
      attached++;
    }
    batch(() => {
      setWithheld((w) => new Map([...w].filter(([seq]) => !read.has(seq))));
      setShots((list) => list.map((shot) => (read.has(shot.seq) && shot.photo === null ? { ...shot, photo: pgmToDataUrl(read.get(shot.seq)!) } : shot)));
      if (attached > 0 || problems.length > 0) setRecording((r) => ({ ...r, photos: r.photos + attached, problems: [...r.problems, ...problems] }));
    });
  }

  async function attach(transport: Transport): Promise<void> {
    client = new SealDeviceClient(transport);
    const who = await client.info();
    // What happens from now on is this session's; earlier entries are only recorded, if not held yet.
    shownFrom = who.logHead === null ? 0 : who.logHead.seq + 1;
    nextShown = shownFrom;
    await prepareRecording(who.deviceId);
    batch(() => {
      setInfo(who);
      setPhase('connected');
    });
    await refresh();
    stopPolling();
    timer = setInterval(() => void refresh(), 1_000);
  }

  async function run(step: () => Promise<void>, during: StampPhase, after: StampPhase): Promise<void> {
    setError(undefined);
    const before = phase();
    setPhase(during);
    try {
      await step();
      if (phase() === during) setPhase(after);
    } catch (err) {
      setError(stampErrorCode(err), err);
      if (phase() === during) setPhase(before);
      await refresh();
    }
  }

  return {
    phase,
    info,
    status,
    linkUp,
    shots,
    events,
    error,
    failure,
    recording,
    /** How many stamp photos the device withheld from this link (until someone with a right confirms). */
    photosWithheld: () => withheld().size,
    setError,
    /** Registers the connected device in `unitId` (admins, custodians), then records its whole log. */
    register: (unitId: string) =>
      // eslint-disable-next-line solid/reactivity -- an action: it runs from the screen's event handlers, not during render
      run(async () => {
        const local = store();
        const who = info();
        if (local === undefined || who === undefined) return;
        await registerDevice(local, who, unitId);
        await prepareRecording(who.deviceId);
        await refresh();
      }, phase(), phase()),
    /** Web Bluetooth: the chooser, then the link (it resumes by itself after a drop). */
    connectBluetooth: () =>
      // eslint-disable-next-line solid/reactivity -- an action: it runs from the screen's event handlers, not during render
      run(async () => {
        const transport = await connectWebBluetooth({ onConnectionChange: (up) => setLinkUp(up) });
        await attach(transport);
      }, 'connecting', 'connected'),
    // eslint-disable-next-line solid/reactivity -- an action: it runs from the screen's event handlers, not during render
    connectTransport: (make: () => Promise<Transport>) => run(async () => attach(await make()), 'connecting', 'connected'),
    unlock: (grant: Grant) =>
      // eslint-disable-next-line solid/reactivity -- an action: it runs from the screen's event handlers, not during render
      run(async () => {
        const c = client!;
        await exclusive(async () => {
          await c.nonce();
          const assertion = await holderAssertion(c.unlockRecord(grant));
          await c.unlock(grant, assertion);
        });
        await refresh();
      }, 'confirming', 'unlocked'),
    lock: () =>
      // eslint-disable-next-line solid/reactivity -- an action: it runs from the screen's event handlers, not during render
      run(async () => {
        const c = client!;
        await exclusive(() => c.lock());
        await refresh();
      }, phase(), 'connected'),
    pullLog: () => run(refresh, phase(), phase()),
    /** The person confirms with a passkey to read the photos the device withheld (admin, custodian or auditor over the seal's unit; or their holder). */
    readPhotos: () => run(readWithheldPhotos, phase(), phase()),
    disconnect: async () => {
      stopPolling();
      await client?.transport.close();
      client = undefined;
      batch(() => {
        setPhase('idle');
        setInfo(undefined);
        setStatus(undefined);
      });
    },
  };
}
export type StampSession = ReturnType<typeof createStampSession>;
