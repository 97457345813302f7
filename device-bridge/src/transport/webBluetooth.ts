/// <reference types="web-bluetooth" />
/**
 * The Web Bluetooth transport: the tablet's browser talks to the seal over the GATT service in
 * `SEAL_GATT`. It moves bytes only (framing and messages are the protocol's business): writes go
 * to `control`, replies are read from `reply`, and `hint` notifications are subscribed as an
 * optional nudge that nothing depends on.
 *
 * A dropped link rejects the operation in flight with `disconnected` (its outcome is unknown, so
 * the caller decides whether to resend) and the transport reconnects to the same device, without
 * the chooser, with bounded exponential backoff. Later operations wait for that reconnection.
 */
import { retry, sleep } from '@seal/shared';
import { DEFAULT_FRAME_SIZE, SEAL_GATT } from '../protocol/gatt';
import { TransportError, type Transport, type TransportStats } from './Transport';
import { BLUETOOTH_OFF_MESSAGE, NO_WEB_BLUETOOTH_MESSAGE, toTransportError } from './webBluetoothErrors';
import { adapterAvailable, copyOf, openLink, subscribeHint, writeFrames, type Link } from './webBluetoothLink';

export interface ReconnectPolicy {
  /** Connection attempts in one `reconnect()`, the first one immediate. */
  readonly attempts: number;
  /** Wait before the second attempt; it doubles each time up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface WebBluetoothOptions {
  /** Defaults to `navigator.bluetooth`. */
  readonly bluetooth?: Bluetooth;
  /** A device the user already chose (e.g. from `navigator.bluetooth.getDevices()`): no chooser. */
  readonly device?: BluetoothDevice;
  /** Web Bluetooth does not expose the negotiated MTU: 20 unless the caller knows better. */
  readonly frameSize?: number;
  /** Reconnect by itself when the link drops (default true); otherwise call `reconnect()`. */
  readonly autoReconnect?: boolean;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Limit for one GATT connection attempt (default 10 s; Android may otherwise wait ~30 s). */
  readonly connectTimeoutMs?: number;
  /** Limit for one `write()` or `read()` (default 10 s). */
  readonly operationTimeoutMs?: number;
  /**
   * After a GATT error, how long to wait for the link-drop event before calling it a GATT error:
   * a link that dies under an operation fails the operation first and reports the drop after.
   */
  readonly disconnectGraceMs?: number;
  /** Called when the device notifies on `hint` (a reply may be waiting). */
  readonly onHint?: () => void;
  /** Called when the link goes down or comes back up. */
  readonly onConnectionChange?: (connected: boolean) => void;
}

export interface WebBluetoothTransport extends Transport {
  readonly deviceId: string;
  readonly deviceName: string | undefined;
  /** Whether hint notifications are subscribed; false when refused (nothing depends on them). */
  readonly hintActive: boolean;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 6, initialDelayMs: 250, maxDelayMs: 4_000 };

/** Whether this browser has Web Bluetooth at all (not whether Bluetooth is switched on). */
export function isWebBluetoothAvailable(): boolean {
  return navigatorBluetooth() !== undefined;
}

/**
 * Asks the user to choose a seal (unless `options.device` is given), connects and returns the
 * transport. Call it from a user gesture (a tap): browsers refuse the chooser otherwise.
 */
export async function connectWebBluetooth(options: WebBluetoothOptions = {}): Promise<WebBluetoothTransport> {
  const bluetooth = options.bluetooth ?? navigatorBluetooth();
  if (!bluetooth) throw new TransportError('bluetooth_unavailable', NO_WEB_BLUETOOTH_MESSAGE);
  if (!(await adapterAvailable(bluetooth))) throw new TransportError('bluetooth_off', BLUETOOTH_OFF_MESSAGE);
  let device = options.device;
  if (!device) {
    try {
      device = await bluetooth.requestDevice({ filters: [{ services: [SEAL_GATT.service] }] });
    } catch (err) {
      throw toTransportError(err, 'choose');
    }
  }
  const transport = new BluetoothGattTransport(bluetooth, device, options);
  await transport.open();
  return transport;
}

function navigatorBluetooth(): Bluetooth | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return (navigator as Navigator & { bluetooth?: Bluetooth }).bluetooth ?? undefined;
}

class BluetoothGattTransport implements WebBluetoothTransport {
  readonly frameSize: number;
  readonly stats: TransportStats = { roundTrips: 0, bytesWritten: 0, bytesRead: 0 };
  readonly #bluetooth: Bluetooth;
  readonly #device: BluetoothDevice;
  readonly #options: WebBluetoothOptions;
  readonly #policy: ReconnectPolicy;
  #link: Link | undefined;
  #closed = false;
  #hintActive = false;
  #reconnecting: Promise<void> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(bluetooth: Bluetooth, device: BluetoothDevice, options: WebBluetoothOptions) {
    this.#bluetooth = bluetooth;
    this.#device = device;
    this.#options = options;
    this.#policy = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.frameSize = options.frameSize ?? DEFAULT_FRAME_SIZE;
    device.addEventListener('gattserverdisconnected', this.#onDisconnected);
  }

  get deviceId(): string {
    return this.#device.id;
  }
  get deviceName(): string | undefined {
    return this.#device.name ?? undefined;
  }
  get connected(): boolean {
    return this.#link !== undefined && !this.#closed;
  }
  get hintActive(): boolean {
    return this.#hintActive && this.connected;
  }

  /** The first connection: one attempt, and nothing left behind if it fails. */
  async open(): Promise<void> {
    try {
      await this.#openLink();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async write(frames: readonly Uint8Array[]): Promise<void> {
    const tooLong = frames.find((frame) => frame.byteLength > this.frameSize);
    if (tooLong) {
      // What a real link answers to an over-long write ("invalid attribute value length").
      throw new TransportError('gatt_error', `Frame of ${tooLong.byteLength} bytes, expected at most ${this.frameSize}`);
    }
    if (frames.length === 0) return;
    const copies = frames.map((frame) => new Uint8Array(frame));
    await this.#serially(() => this.#operate('write', (link) => writeFrames(link, copies, this.stats)));
  }

  read(): Promise<Uint8Array> {
    return this.#serially(() =>
      this.#operate('read', async (link) => {
        const bytes = copyOf(await link.reply.readValue());
        this.stats.roundTrips++;
        this.stats.bytesRead += bytes.byteLength;
        return bytes;
      }),
    );
  }

  reconnect(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.#link) return Promise.resolve();
    this.#reconnecting ??= this.#reconnectWithBackoff().finally(() => (this.#reconnecting = undefined));
    return this.#reconnecting;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#device.removeEventListener('gattserverdisconnected', this.#onDisconnected);
    const link = this.#link;
    this.#link = undefined;
    if (link) {
      link.markLost(this.#closedError());
      if (link.hint && this.#hintActive) {
        link.hint.removeEventListener('characteristicvaluechanged', this.#onHintChanged);
        await Promise.race([link.hint.stopNotifications(), sleep(1_000)]).catch((err: unknown) => {
          console.warn('stopNotifications on the hint characteristic failed while closing', err);
        });
      }
    }
    this.#hintActive = false;
    if (this.#device.gatt?.connected) this.#device.gatt.disconnect();
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Runs one transport operation on a live link; a drop, a timeout or an error becomes a TransportError. */
  async #operate<T>(step: 'write' | 'read', run: (link: Link) => Promise<T>): Promise<T> {
    const link = await this.#liveLink();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = this.#options.operationTimeoutMs ?? 10_000;
    const timedOut = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new TransportError('timeout', `The seal device did not answer a ${step} within ${timeoutMs} ms`)), timeoutMs);
    });
    const dropped = link.lost.then((reason) => Promise.reject(reason));
    try {
      return await Promise.race([run(link), dropped, timedOut]);
    } catch (err) {
      throw await this.#classify(err, step, link);
    } finally {
      clearTimeout(timer);
    }
  }

  async #classify(err: unknown, step: 'write' | 'read', link: Link): Promise<TransportError> {
    const mapped = toTransportError(err, step);
    if (mapped.code !== 'gatt_error') return mapped;
    const graceMs = this.#options.disconnectGraceMs ?? 250;
    const droppedMeanwhile = await Promise.race([link.lost.then(() => true), sleep(graceMs).then(() => link.dropped)]);
    if (!droppedMeanwhile) return mapped;
    return new TransportError('disconnected', `The Bluetooth link to ${this.#label()} dropped during a ${step}: ${mapped.message}`, { cause: err });
  }

  async #liveLink(): Promise<Link> {
    if (this.#closed) throw this.#closedError();
    if (!this.#link) {
      if (this.#options.autoReconnect === false) {
        throw new TransportError('disconnected', `Not connected to ${this.#label()}: call reconnect() first`);
      }
      await this.reconnect();
    }
    if (!this.#link) throw new TransportError('disconnected', `The link to ${this.#label()} dropped again at once`);
    return this.#link;
  }

  async #reconnectWithBackoff(): Promise<void> {
    const { attempts, initialDelayMs, maxDelayMs } = this.#policy;
    // A failure no further attempt can mend: it ends the reconnection as it is.
    let fatal: unknown;
    const attempt = async (): Promise<void> => {
      if (this.#closed) throw (fatal = this.#closedError());
      try {
        await this.#openLink();
      } catch (err) {
        const mapped = toTransportError(err, 'connect');
        if (mapped.code === 'permission_denied' || mapped.code === 'bluetooth_unavailable') throw (fatal = mapped);
        if (!(await adapterAvailable(this.#bluetooth))) throw (fatal = new TransportError('bluetooth_off', BLUETOOTH_OFF_MESSAGE, { cause: mapped }));
        throw mapped;
      }
    };
    try {
      await retry(attempt, { attempts, initialDelayMs, maxDelayMs, retryIf: (err) => err !== fatal });
    } catch (err) {
      if (err === fatal) throw err;
      const last = err as TransportError;
      throw new TransportError('disconnected', `Could not reconnect to ${this.#label()} in ${attempts} attempts: ${last.message}`, { cause: last });
    }
  }

  async #openLink(): Promise<void> {
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? 10_000;
    const link = await openLink(this.#device, { label: this.#label(), connectTimeoutMs, closed: () => (this.#closed ? this.#closedError() : undefined) });
    this.#link = link;
    this.#hintActive = false;
    this.#hintActive = await subscribeHint(link, this.#onHintChanged);
    this.#options.onConnectionChange?.(true);
  }

  readonly #onHintChanged = (): void => {
    this.#options.onHint?.();
  };

  readonly #onDisconnected = (): void => {
    const link = this.#link;
    if (this.#closed || !link) return;
    this.#link = undefined;
    this.#hintActive = false;
    link.dropped = true;
    link.hint?.removeEventListener('characteristicvaluechanged', this.#onHintChanged);
    link.markLost(new TransportError('disconnected', `The Bluetooth link to ${this.#label()} dropped`));
    this.#options.onConnectionChange?.(false);
    if (this.#options.autoReconnect !== false) {
      this.reconnect().catch((err: unknown) => {
        // The next operation tries again and reports its own error; this one is only logged.
        if (!this.#closed) console.warn(`Automatic reconnection to ${this.#label()} failed`, err);
      });
    }
  };

  #label(): string {
    return this.#device.name ? `"${this.#device.name}"` : `device ${this.#device.id}`;
  }

  #closedError(): TransportError {
    return new TransportError('disconnected', `The transport to ${this.#label()} was closed`);
  }
}
