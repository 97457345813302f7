/// <reference types="web-bluetooth" />
/**
 * One GATT connection to a seal: connecting within a time limit, finding the seal's service and
 * characteristics, subscribing to the optional hint, and writing frames. The transport
 * (`webBluetooth.ts`) keeps one link at a time and makes a new one after a drop: a link's
 * characteristics are invalid after a reconnection.
 */
import { sleep } from '@seal/shared';
import { SEAL_GATT } from '../protocol/gatt';
import { TransportError, type TransportStats } from './Transport';
import { toTransportError } from './webBluetoothErrors';

/** One GATT connection: its characteristics are invalid after a reconnection. */
export interface Link {
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

/** Whether Bluetooth is switched on (true when the browser cannot tell). */
export async function adapterAvailable(bluetooth: Bluetooth): Promise<boolean> {
  try {
    return await bluetooth.getAvailability();
  } catch (err) {
    // Some browsers reject instead of answering; requestDevice will report the real problem.
    console.warn('navigator.bluetooth.getAvailability() failed', err);
    return true;
  }
}

export function copyOf(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function writeWithResponse(characteristic: BluetoothRemoteGATTCharacteristic, value: Uint8Array<ArrayBuffer>): Promise<void> {
  // writeValueWithResponse arrived in Chrome 85; writeValue is its older name.
  return typeof characteristic.writeValueWithResponse === 'function'
    ? characteristic.writeValueWithResponse(value)
    : characteristic.writeValue(value);
}

export function isLinkFailure(err: unknown): boolean {
  return err instanceof Error && (err.name === 'NetworkError' || err.name === 'InvalidStateError');
}

/** Writes frames in order: all but the last without response when the characteristic allows it. */
export async function writeFrames(link: Link, frames: readonly Uint8Array<ArrayBuffer>[], stats: TransportStats): Promise<void> {
  for (const [index, frame] of frames.entries()) {
    const last = index === frames.length - 1;
    if (!last && link.withoutResponse) {
      try {
        await link.control.writeValueWithoutResponse(frame);
        stats.bytesWritten += frame.byteLength;
        continue;
      } catch (err) {
        if (isLinkFailure(err)) throw err;
        // The characteristic refused write-without-response: use with-response from now on.
        link.withoutResponse = false;
      }
    }
    await writeWithResponse(link.control, frame);
    stats.roundTrips++;
    stats.bytesWritten += frame.byteLength;
  }
}

/** What opening a link needs to know about the transport around it. */
export interface LinkContext {
  /** How the device is named in messages. */
  readonly label: string;
  /** Limit for the GATT connection attempt. */
  readonly connectTimeoutMs: number;
  /** The error to fail with when the transport was closed meanwhile; `undefined` while it is open. */
  closed(): TransportError | undefined;
}

async function connectGatt(gatt: BluetoothRemoteGATTServer, context: LinkContext): Promise<BluetoothRemoteGATTServer> {
  const timeoutMs = context.connectTimeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      gatt.disconnect(); // abandons the pending attempt
      fail(new TransportError('timeout', `${context.label} did not accept a connection within ${timeoutMs} ms`));
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

/** Connects to the device and finds the seal's characteristics (the hint is optional). */
export async function openLink(device: BluetoothDevice, context: LinkContext): Promise<Link> {
  const gatt = device.gatt;
  if (!gatt) throw new TransportError('device_not_found', `${context.label} has no GATT server`);
  const server = await connectGatt(gatt, context);
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
  const closed = context.closed();
  if (closed !== undefined) {
    server.disconnect();
    throw closed;
  }
  if (!server.connected) throw new TransportError('disconnected', `The link to ${context.label} dropped while connecting`);
  return newLink(fields);
}

/** Subscribes `onHint` to the link's hint notifications; false when the device has none or refuses (only a hint). */
export async function subscribeHint(link: Link, onHint: () => void): Promise<boolean> {
  if (!link.hint?.properties.notify) return false;
  link.hint.addEventListener('characteristicvaluechanged', onHint);
  try {
    await Promise.race([
      link.hint.startNotifications(),
      sleep(2_000).then(() => Promise.reject(new Error('startNotifications did not answer within 2 s'))),
    ]);
    return true;
  } catch (err) {
    // Only a hint: the protocol polls the reply characteristic anyway.
    link.hint.removeEventListener('characteristicvaluechanged', onHint);
    console.info('Seal hint notifications unavailable; polling only', err);
    return false;
  }
}
