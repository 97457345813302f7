/**
 * How the browser's Web Bluetooth failures become `TransportError`s the UI can show. Chromium
 * reports everything as a `DOMException` whose `name` says little on its own (a cancelled
 * chooser and a device without our service are both `NotFoundError`), so the message matters.
 */
import { TransportError, type TransportErrorCode } from './Transport';

/** What the transport was doing when the browser failed; picks the code and the message. */
export type WebBluetoothStep = 'choose' | 'connect' | 'discover' | 'write' | 'read';

export const NO_WEB_BLUETOOTH_MESSAGE =
  'This browser has no Web Bluetooth (navigator.bluetooth is missing). iOS and iPadOS have no Web ' +
  'Bluetooth in any browser: use an Android, ChromeOS or Windows tablet with Chrome or Edge, and ' +
  'open the app over HTTPS.';

export const BLUETOOTH_OFF_MESSAGE =
  'Bluetooth is off, or this tablet has no Bluetooth adapter: switch Bluetooth on and try again.';

const STEP_WHAT: Record<WebBluetoothStep, string> = {
  choose: 'Choosing the seal device',
  connect: 'Connecting to the seal device',
  discover: 'Finding the seal service on the device',
  write: 'Writing to the seal device',
  read: 'Reading from the seal device',
};

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function codeFor(err: unknown, step: WebBluetoothStep): TransportErrorCode {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message.toLowerCase() : '';
  switch (name) {
    case 'NotFoundError':
      if (message.includes('cancelled') || message.includes('canceled')) return 'permission_denied';
      if (message.includes('adapter')) return 'bluetooth_off';
      return 'device_not_found';
    case 'SecurityError':
    case 'NotAllowedError':
      return 'permission_denied';
    case 'NetworkError':
      // "GATT Server is disconnected" and "Connection failed for unknown reason".
      return 'disconnected';
    case 'InvalidStateError':
      // A characteristic from before a reconnection: "no longer valid".
      return 'disconnected';
    default:
      return step === 'choose' ? 'device_not_found' : 'gatt_error';
  }
}

const CHOOSER_CLOSED_HINT =
  'The Bluetooth chooser was closed without choosing a seal device. If no seal was listed, it is ' +
  'switched off or out of range: switch it on, come closer and try again.';

/** Maps a browser failure at `step` to a `TransportError` that keeps the original as `cause`. */
export function toTransportError(err: unknown, step: WebBluetoothStep): TransportError {
  if (err instanceof TransportError) return err;
  const code = codeFor(err, step);
  let message = `${STEP_WHAT[step]} failed (${code}): ${describe(err)}`;
  if (code === 'permission_denied' && step === 'choose') message = `${CHOOSER_CLOSED_HINT} (${describe(err)})`;
  if (code === 'bluetooth_off') message = `${BLUETOOTH_OFF_MESSAGE} (${describe(err)})`;
  if (code === 'device_not_found' && step === 'discover') {
    message = `The chosen device does not offer the seal's GATT service or characteristics: it is not a seal, or its firmware is too old (${describe(err)})`;
  }
  return new TransportError(code, message, { cause: err });
}
