import { connectWebBluetooth, SealDeviceClient, type Transport } from '@seal/device-bridge';
import type { Grant } from '@seal/shared';
import { batch, onCleanup, type Accessor } from 'solid-js';
import type { LocalStore } from '../../store/localStore';
import { holderAssertion } from '../holderAssertion';
import { registerDevice } from '../registerDevice';
import { carryRevocations, revocationsToCarry } from '../revocations';
import { stampErrorCode } from './stampErrorCode';
import { createStampControl } from './stampControl';
import { createLogCapture } from './stampLogCapture';
import { createPolling } from './stampPolling';
import { createLinkQueue, readDevice, readWithheldPhotos } from './stampReads';
import { createStampView } from './stampView';

/**
 * One stamping session with one device: connect, watch its state, unlock with the holder's
 * passkey, count the stamps (with their photos) while unlocked, lock, and pull the log. The phase
 * moves only as `STAMP_TRANSITIONS` allows; what is shown, the polling and the log's recording
 * live in their own modules.
 */
export function createStampSession(store: Accessor<LocalStore | undefined> = () => undefined) {
  const view = createStampView();
  const capture = createLogCapture(store);
  const exclusive = createLinkQueue();
  const polling = createPolling(refresh, 1_000);
  const { phase, error, failure, setError, dispatch, act } = createStampControl(polling.readNow);
  let client: SealDeviceClient | undefined;
  onCleanup(() => void client?.transport.close());

  /**
   * Where the next read starts: the first entry not shown yet or — for a registered device — not
   * recorded yet. Derived each time, never stored: a failed or skipped recording is read again.
   */
  const readFrom = (): number => Math.min(view.unshownFrom(), capture.recordFrom() ?? Infinity);

  /** Reads status and the new log entries (with each new stamp's photo), shows and records them. */
  async function refresh(): Promise<void> {
    if (client === undefined) return;
    const c = client;
    try {
      const read = await exclusive(() => readDevice(c, readFrom(), (entry) => view.isThisSession(entry) || capture.registered()));
      batch(() => {
        view.show(read);
        dispatch(read.current.locked ? 'seen_locked' : 'seen_unlocked');
      });
      if (capture.awaitsRegistration()) await capture.prepare(view.info()?.deviceId ?? null);
      await capture.record(read.entries, read.photos);
    } catch (err) {
      setError(stampErrorCode(err), err);
    }
  }

  async function attach(transport: Transport): Promise<void> {
    client = new SealDeviceClient(transport);
    let who = await client.info();
    // Carry the revocation list this tablet holds, if newer than the device's: any tablet that
    // comes by brings a suspension with it. A refusal here (an older or foreign list) is not fatal.
    const local = store();
    const held = local === undefined ? undefined : await revocationsToCarry(local);
    if (await carryRevocations(client, who, held).catch(() => null) !== null) who = await client.info();
    await capture.prepare(who.deviceId);
    batch(() => {
      view.begin(who);
      dispatch('linked');
    });
    await polling.readNow();
    polling.start();
  }

  const connect = (make: () => Promise<Transport>): Promise<void> => act(async () => attach(await make()), { start: 'connect', failed: 'link_failed' });

  return {
    phase,
    info: view.info,
    status: view.status,
    linkUp: view.linkUp,
    shots: view.shots,
    events: view.events,
    error,
    failure,
    recording: capture.recording,
    /** How many stamp photos the device withheld from this link (until someone with a right confirms). */
    photosWithheld: () => view.withheld().size,
    setError,
    /** Registers the connected device in `unitId` (admins, custodians), then records its whole log. */
    register: (unitId: string) =>
      act(async () => {
        const local = store();
        const who = view.info();
        if (local === undefined || who === undefined) return;
        await registerDevice(local, who, unitId);
        await capture.prepare(who.deviceId);
        await polling.readNow();
      }),
    /** Web Bluetooth: the chooser, then the link (it resumes by itself after a drop). */
    connectBluetooth: () => connect(() => connectWebBluetooth({ onConnectionChange: (up) => view.setLinkUp(up) })),
    connectTransport: connect,
    unlock: (grant: Grant) =>
      act(async () => {
        const c = client!;
        await exclusive(async () => {
          await c.nonce();
          await c.unlock(grant, await holderAssertion(c.unlockRecord(grant)));
        });
        await polling.readNow();
      }, { start: 'unlock', done: 'unlocked', failed: 'unlock_failed' }),
    lock: () =>
      act(async () => {
        const c = client!;
        await exclusive(() => c.lock());
        await polling.readNow();
      }, { done: 'locked' }),
    pullLog: () => act(polling.readNow),
    /**
     * The person confirms with a passkey to read the photos the device withheld (admin, custodian
     * or auditor over the seal's unit; or their holder): shown here, attached for a registered device.
     */
    readPhotos: () =>
      act(async () => {
        const c = client!;
        const pending = [...view.withheld().values()];
        const read = await exclusive(() => readWithheldPhotos(c, pending));
        await capture.attachPhotos(pending, read);
        view.photosRead(read);
      }),
    disconnect: async () => {
      polling.stop();
      await client?.transport.close();
      client = undefined;
      batch(() => {
        dispatch('disconnect');
        view.clear();
      });
    },
  };
}
export type StampSession = ReturnType<typeof createStampSession>;
