import { connectWebBluetooth, SealDeviceClient, SealDeviceError, TransportError, type DeviceInfo, type DeviceStatus, type Transport } from '@seal/device-bridge';
import type { DeviceEvent, Grant } from '@seal/shared';
import { batch, createSignal, onCleanup } from 'solid-js';
import { holderAssertion } from './holderAssertion';
import { pgmToDataUrl } from './pgm';

export type StampPhase = 'idle' | 'connecting' | 'connected' | 'confirming' | 'unlocked';

export interface StampShot {
  readonly seq: number;
  readonly at: number;
  readonly useIndex: number | null;
  readonly photo: string | null;
}

/** Log entries the holder must see: refusals and alarms. */
const NOTABLE: readonly DeviceEvent['type'][] = ['refusal', 'tamper', 'geofence_breach', 'low_battery', 'lock'];

/** The error code a failure shows as (device, transport, or the passkey prompt). */
export function stampErrorCode(error: unknown): string {
  if (error instanceof SealDeviceError || error instanceof TransportError) return error.code;
  if (error instanceof DOMException && error.name === 'NotAllowedError') return 'passkey_cancelled';
  return 'unknown_error';
}

/**
 * One stamping session with one device: connect, watch its state, unlock with the holder's
 * passkey, count the stamps (with their photos) while unlocked, lock, and pull the log.
 */
export function createStampSession() {
  const [phase, setPhase] = createSignal<StampPhase>('idle');
  const [info, setInfo] = createSignal<DeviceInfo>();
  const [status, setStatus] = createSignal<DeviceStatus>();
  const [linkUp, setLinkUp] = createSignal(true);
  const [shots, setShots] = createSignal<StampShot[]>([]);
  const [events, setEvents] = createSignal<DeviceEvent[]>([]);
  const [error, setError] = createSignal<string>();
  let client: SealDeviceClient | undefined;
  let nextSeq = 0;
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

  /** Reads status and the new log entries (fetching each new stamp's photo). */
  async function refresh(): Promise<void> {
    if (client === undefined || polling) return;
    polling = true;
    const c = client;
    try {
      const { current, entries, newShots } = await exclusive(async () => {
        const current = await c.status();
        const entries = await c.readLogSince(nextSeq);
        const newShots: StampShot[] = [];
        for (const entry of entries) {
          nextSeq = Math.max(nextSeq, entry.seq + 1);
          if (entry.type === 'stamp') {
            const photo = await c.photo(entry.seq).then(pgmToDataUrl, () => null);
            newShots.push({ seq: entry.seq, at: entry.at, useIndex: entry.payload.useIndex, photo });
          }
        }
        return { current, entries, newShots };
      });
      batch(() => {
        setStatus(current);
        setLinkUp(true);
        if (newShots.length > 0) setShots((s) => [...s, ...newShots]);
        const notable = entries.filter((e) => NOTABLE.includes(e.type));
        if (notable.length > 0) setEvents((e) => [...e, ...notable]);
        if (!current.locked && phase() !== 'unlocked') setPhase('unlocked');
        if (current.locked && phase() === 'unlocked') setPhase('connected');
      });
    } catch (err) {
      setError(stampErrorCode(err));
    } finally {
      polling = false;
    }
  }

  async function attach(transport: Transport): Promise<void> {
    client = new SealDeviceClient(transport);
    const who = await client.info();
    // Only what happens from now on is this session's; earlier entries stay on the device.
    nextSeq = who.logHead === null ? 0 : who.logHead.seq + 1;
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
      setError(stampErrorCode(err));
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
    setError,
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
