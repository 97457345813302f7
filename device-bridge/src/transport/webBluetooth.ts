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
import { DEFAULT_FRAME_SIZE, SEAL_GATT } from '../protocol/gatt';
import { TransportError, type Transport, type TransportStats } from './Transport';
import { BLUETOOTH_OFF_MESSAGE, NO_WEB_BLUETOOTH_MESSAGE, toTransportError } from './webBluetoothErrors';

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

async function adapterAvailable(bluetooth: Bluetooth): Promise<boolean> {
  try {
    return await bluetooth.getAvailability();
  } catch (err) {
    // Some browsers reject instead of answering; requestDevice will report the real problem.
    console.warn('navigator.bluetooth.getAvailability() failed', err);
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function copyOf(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** One GATT connection: its characteristics are invalid after a reconnection. */
interface Link {
  readonly server: BluetoothRemoteGATTServer;
  readonly control: BluetoothRemoteGATTCharacteristic;
  readonly reply: BluetoothRemoteGATTCharacteristic;
  readonly hint: BluetoothRemoteGATTCharacteristic | undefined;
  withoutResponse: boolean;
  dropped: boolean;
  /** Settles (never rejects) when the link drops or the transport closes. */
  readonly lost: Promise<TransportError>;
  markLost(reason: TransportError): void;
}

function newLink(fields: Pick<Link, 'server' | 'control' | 'reply' | 'hint'>): Link {
  let markLost: (reason: TransportError) => void = () => undefined;
  const lost = new Promise<TransportError>((settle) => (markLost = settle));
  const withoutResponse =
    fields.control.properties.writeWithoutResponse && typeof fields.control.writeValueWithoutResponse === 'function';
  return { ...fields, withoutResponse, dropped: false, lost, markLost };
}

function writeWithResponse(characteristic: BluetoothRemoteGATTCharacteristic, value: Uint8Array<ArrayBuffer>): Promise<void> {
  // writeValueWithResponse arrived in Chrome 85; writeValue is its older name.
  return typeof characteristic.writeValueWithResponse === 'function'
    ? characteristic.writeValueWithResponse(value)
    : characteristic.writeValue(value);
}

function isLinkFailure(err: unknown): boolean {
  return err instanceof Error && (err.name === 'NetworkError' || err.name === 'InvalidStateError');
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
    await this.#serially(() => this.#operate('write', (link) => this.#writeFrames(link, copies)));
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

  async #writeFrames(link: Link, frames: readonly Uint8Array<ArrayBuffer>[]): Promise<void> {
    for (const [index, frame] of frames.entries()) {
      const last = index === frames.length - 1;
      if (!last && link.withoutResponse) {
        try {
          await link.control.writeValueWithoutResponse(frame);
          this.stats.bytesWritten += frame.byteLength;
          continue;
        } catch (err) {
          if (isLinkFailure(err)) throw err;
          // The characteristic refused write-without-response: use with-response from now on.
          link.withoutResponse = false;
        }
      }
      await writeWithResponse(link.control, frame);
      this.stats.roundTrips++;
      this.stats.bytesWritten += frame.byteLength;
    }
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
    let last: TransportError | undefined;
    for (let attempt = 0; attempt < this.#policy.attempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(this.#policy.maxDelayMs, this.#policy.initialDelayMs * 2 ** (attempt - 1)));
      if (this.#closed) throw this.#closedError();
      try {
        await this.#openLink();
        return;
      } catch (err) {
        last = toTransportError(err, 'connect');
        if (last.code === 'permission_denied' || last.code === 'bluetooth_unavailable') throw last;
        if (!(await adapterAvailable(this.#bluetooth))) {
          throw new TransportError('bluetooth_off', BLUETOOTH_OFF_MESSAGE, { cause: last });
        }
      }
    }
    throw new TransportError(
      'disconnected',
      `Could not reconnect to ${this.#label()} in ${this.#policy.attempts} attempts: ${last?.message ?? 'no attempt made'}`,
      { cause: last },
    );
  }

  async #openLink(): Promise<void> {
    const gatt = this.#device.gatt;
    if (!gatt) throw new TransportError('device_not_found', `${this.#label()} has no GATT server`);
    const server = await this.#connectGatt(gatt);
    let fields: Pick<Link, 'server' | 'control' | 'reply' | 'hint'>;
    try {
      const service = await server.getPrimaryService(SEAL_GATT.service);
      const [control, reply] = await Promise.all([
        service.getCharacteristic(SEAL_GATT.control),
        service.getCharacteristic(SEAL_GATT.reply),
      ]);
      const hint = await service.getCharacteristic(SEAL_GATT.hint).catch((err: unknown) => {
        if (isLinkFailure(err)) throw err;
        return undefined; // an older device without the hint: nothing depends on it
      });
      fields = { server, control, reply, hint };
    } catch (err) {
      throw toTransportError(err, 'discover');
    }
    if (this.#closed) {
      server.disconnect();
      throw this.#closedError();
    }
    if (!server.connected) throw new TransportError('disconnected', `The link to ${this.#label()} dropped while connecting`);
    const link = newLink(fields);
    this.#link = link;
    await this.#subscribeHint(link);
    this.#options.onConnectionChange?.(true);
  }

  async #connectGatt(gatt: BluetoothRemoteGATTServer): Promise<BluetoothRemoteGATTServer> {
    const timeoutMs = this.#options.connectTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, fail) => {
      timer = setTimeout(() => {
        gatt.disconnect(); // abandons the pending attempt
        fail(new TransportError('timeout', `${this.#label()} did not accept a connection within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([gatt.connect(), timedOut]);
    } catch (err) {
      throw toTransportError(err, 'connect');
    } finally {
      clearTimeout(timer);
    }
  }

  async #subscribeHint(link: Link): Promise<void> {
    this.#hintActive = false;
    if (!link.hint?.properties.notify) return;
    link.hint.addEventListener('characteristicvaluechanged', this.#onHintChanged);
    try {
      await Promise.race([
        link.hint.startNotifications(),
        sleep(2_000).then(() => Promise.reject(new Error('startNotifications did not answer within 2 s'))),
      ]);
      this.#hintActive = true;
    } catch (err) {
      // Only a hint: the protocol polls the reply characteristic anyway.
      link.hint.removeEventListener('characteristicvaluechanged', this.#onHintChanged);
      console.info('Seal hint notifications unavailable; polling only', err);
    }
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
