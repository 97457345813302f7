import type { DeviceId, P256PublicJwk } from '@seal/shared';
import { decodeCommand, encodeErrorReply } from '../protocol/envelope';
import type { SealGattServer } from '../protocol/gatt';
import { bindSeal, installRoster, notProvisioned, provision, setTime } from './adminCommands';
import { createGattServer } from './createGattServer';
import { installRevocations } from './installRevocations';
import { DEFAULT_DEVICE_SETTINGS, DeviceCore, type DeviceSettings } from './DeviceCore';
import type { ClockPort, HardwarePort, KeyPort, PressOutcome, StoragePort } from './ports';
import { getPhoto, info, readLog, status, type LinkState } from './readCommands';
import { openReads } from './readSession';
import { batteryChanged, caseOpened, positionChanged, press } from './sensors';
import { issueNonce, lock, unlock } from './sessionCommands';

/** The ports a device runs on, and optional tunables. */
export interface SealDeviceOptions {
  readonly storage: StoragePort;
  readonly clock: ClockPort;
  readonly hardware: HardwarePort;
  readonly keys: KeyPort;
  readonly settings?: Partial<DeviceSettings>;
}

/** A running reference seal device. */
export interface SealDevice {
  /** The GATT service handlers: attach a transport or an emulated peripheral here. */
  readonly gatt: SealGattServer;
  /** Handles one complete command message and returns the reply message (no framing). */
  handle(message: Uint8Array, link?: LinkState): Promise<Uint8Array>;
  readonly publicJwk: P256PublicJwk;
  readonly deviceId: DeviceId | null;
  /** Device-side time (ms) of the last command, from complete message to reply ready. */
  readonly lastCommandMs: number;
  /** The state machine itself (tests and the CLI look inside). */
  readonly core: DeviceCore;
}

/**
 * Starts the reference device: loads its state from `storage` (generating its key with `keys`
 * on first start), logs `boot` when provisioned, connects the hardware's sensors, and serves
 * the protocol. Everything runs one thing at a time — commands and sensor events alike — as on
 * a single-threaded microcontroller. Runs unchanged in Node and in the browser.
 *
 * Throws `StorageCorruptError` when the stored state is corrupt.
 */
export async function createSealDevice(options: SealDeviceOptions): Promise<SealDevice> {
  const settings: DeviceSettings = { ...DEFAULT_DEVICE_SETTINGS, ...options.settings };
  const core = await DeviceCore.load(options, settings);
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
  let lastCommandMs = 0;

  if (core.identity !== null) await core.record('boot', { firmware: settings.firmware });
  options.hardware.setLocked(true);
  options.hardware.attach({
    press: (page) => serially((): Promise<PressOutcome> => press(core, page)),
    caseOpened: (detail) => serially(() => caseOpened(core, detail)),
    positionChanged: () => serially(() => positionChanged(core)),
    batteryChanged: () => serially(() => batteryChanged(core)),
  });

  const dispatch = async (message: Uint8Array, link: LinkState): Promise<Uint8Array> => {
    const command = decodeCommand(message);
    if (!command.ok) return encodeErrorReply(command.code, { message: command.message, ...command.body });
    if (command.name === 'info') return info(core, command.body, link);
    if (command.name === 'provision') return provision(core, command.body);
    if (core.identity === null) return notProvisioned();
    await core.expireSession();
    switch (command.name) {
      case 'status':
        return status(core);
      case 'nonce':
        return issueNonce(core);
      case 'unlock':
        return unlock(core, command.body, link);
      case 'lock':
        return lock(core);
      case 'read_log':
        return readLog(core, command.body);
      case 'get_photo':
        return getPhoto(core, command.body, link);
      case 'open_reads':
        return openReads(core, command.body, link);
      case 'install_roster':
        return installRoster(core, command.body);
      case 'set_time':
        return setTime(core, command.body);
      case 'bind_seal':
        return bindSeal(core, command.body);
      case 'install_revocations':
        return installRevocations(core, command.body);
    }
  };

  const handle = (message: Uint8Array, link: LinkState = { frameSize: 20 }) =>
    serially(async () => {
      const started = performance.now();
      try {
        return await dispatch(message, link);
      } catch (error) {
        // A broken invariant (corrupt storage, a bug): answer, never crash the radio loop.
        return encodeErrorReply('internal_error', { message: error instanceof Error ? error.message : String(error) });
      } finally {
        lastCommandMs = performance.now() - started;
      }
    });

  return {
    gatt: createGattServer(handle, settings.maxMessageBytes),
    handle,
    get publicJwk() {
      return core.key.publicJwk;
    },
    get deviceId() {
      return core.deviceId;
    },
    get lastCommandMs() {
      return lastCommandMs;
    },
    core,
  };
}
