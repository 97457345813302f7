/**
 * What Chromium's emulation cannot show (tests/e2e/bluetooth covers the rest in real Chromium):
 * an operation still pending when the link drops, the backoff schedule, and the error mapping.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from './Transport';
import { connectWebBluetooth } from './webBluetooth';
import { toTransportError } from './webBluetoothErrors';

class FakeCharacteristic extends EventTarget {
  readonly properties = { writeWithoutResponse: true, notify: true };
  readValue = vi.fn((): Promise<DataView> => Promise.resolve(new DataView(new ArrayBuffer(0))));
  writeValueWithResponse = vi.fn((_: BufferSource): Promise<void> => Promise.resolve());
  writeValueWithoutResponse = vi.fn((_: BufferSource): Promise<void> => Promise.resolve());
  startNotifications = vi.fn(() => Promise.resolve(this));
  stopNotifications = vi.fn(() => Promise.resolve(this));
}

class FakeDevice extends EventTarget {
  readonly id = 'fake-1';
  readonly name = 'Seal 01';
  characteristic = new FakeCharacteristic();
  readonly service = { getCharacteristic: () => Promise.resolve(this.characteristic) };
  readonly gatt = {
    connected: false,
    connect: vi.fn(() => {
      this.gatt.connected = true;
      return Promise.resolve(this.gatt);
    }),
    disconnect: vi.fn(() => this.drop()),
    getPrimaryService: () => Promise.resolve(this.service),
  };

  drop(): void {
    if (!this.gatt.connected) return;
    this.gatt.connected = false;
    this.dispatchEvent(new Event('gattserverdisconnected'));
  }
}

function fakeBluetooth(device: FakeDevice): Bluetooth {
  return { getAvailability: () => Promise.resolve(true), requestDevice: () => Promise.resolve(device) } as unknown as Bluetooth;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('connectWebBluetooth with a browser that never settles an operation on a drop', () => {
  it('rejects the operation in flight with disconnected when the link drops', async () => {
    const device = new FakeDevice();
    const transport = await connectWebBluetooth({ bluetooth: fakeBluetooth(device), autoReconnect: false });
    device.characteristic.readValue.mockReturnValue(new Promise(() => undefined));
    const reading = transport.read();
    device.drop();
    await expect(reading).rejects.toMatchObject({ code: 'disconnected' });
    expect(transport.connected).toBe(false);
    await transport.close();
  });

  it('reconnects with exponential backoff, capped, and bounded', async () => {
    vi.useFakeTimers();
    const device = new FakeDevice();
    const reconnect = { attempts: 5, initialDelayMs: 100, maxDelayMs: 300 };
    const transport = await connectWebBluetooth({ bluetooth: fakeBluetooth(device), autoReconnect: false, reconnect });
    device.drop();
    device.gatt.connect.mockClear();
    device.gatt.connect.mockImplementation(() => Promise.reject(new DOMException('Unknown error when connecting to the device.', 'NetworkError')));
    const outcome = transport.reconnect().then(
      () => 'resolved',
      (err: unknown) => err,
    );
    const callsAt: number[] = [];
    for (let t = 0; t <= 1_000; t += 10) {
      await vi.advanceTimersByTimeAsync(10);
      while (callsAt.length < device.gatt.connect.mock.calls.length) callsAt.push(t);
    }
    // Immediately, then after 100, 200, 300 (capped), 300 ms.
    expect(callsAt.map((t) => Math.round(t / 100) * 100)).toEqual([0, 100, 300, 600, 900]);
    const err = await outcome;
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('disconnected');
    expect((err as TransportError).message).toMatch(/in 5 attempts.*Unknown error when connecting/);
  });

  it('stops reconnecting when closed, leaving no link open', async () => {
    vi.useFakeTimers();
    const device = new FakeDevice();
    const transport = await connectWebBluetooth({ bluetooth: fakeBluetooth(device), reconnect: { initialDelayMs: 1_000 } });
    device.gatt.connect.mockImplementationOnce(() => Promise.reject(new DOMException('busy', 'NetworkError')));
    device.drop(); // autoReconnect: the first attempt fails, the next waits 1 s
    await vi.advanceTimersByTimeAsync(10);
    await transport.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(device.gatt.connect).toHaveBeenCalledTimes(2);
    expect(device.gatt.connected).toBe(false);
    await expect(transport.read()).rejects.toMatchObject({ code: 'disconnected' });
  });
});

describe('toTransportError', () => {
  const cases: [DOMException, Parameters<typeof toTransportError>[1], string][] = [
    [new DOMException('User cancelled the requestDevice() chooser.', 'NotFoundError'), 'choose', 'permission_denied'],
    [new DOMException('Bluetooth adapter not available.', 'NotFoundError'), 'choose', 'bluetooth_off'],
    [new DOMException('Must be handling a user gesture to show a permission request.', 'SecurityError'), 'choose', 'permission_denied'],
    [new DOMException('No Services matching UUID x found in Device.', 'NotFoundError'), 'discover', 'device_not_found'],
    [new DOMException('GATT Server is disconnected.', 'NetworkError'), 'read', 'disconnected'],
    [new DOMException('Characteristic … is no longer valid.', 'InvalidStateError'), 'write', 'disconnected'],
    [new DOMException('GATT operation failed for unknown reason.', 'NotSupportedError'), 'read', 'gatt_error'],
  ];
  it.each(cases)('%s during %s → %s', (err, step, code) => {
    const mapped = toTransportError(err, step);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(err);
    expect(mapped.message).toContain(err.message);
  });
});
