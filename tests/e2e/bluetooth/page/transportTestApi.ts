/**
 * Runs in the test page (bundled by esbuild, served by transportPage.ts, never part of the app):
 * exposes the Web Bluetooth transport on `window.sealTransportTest` so that Node can drive it
 * through the real `navigator.bluetooth`. Bytes cross as number arrays, errors as plain objects.
 */
import {
  connectWebBluetooth,
  isWebBluetoothAvailable,
  TransportError,
  type TransportStats,
  type WebBluetoothOptions,
  type WebBluetoothTransport,
} from '@seal/device-bridge';

export interface PageTransportState {
  readonly connected: boolean;
  readonly hintActive: boolean;
  readonly stats: TransportStats;
  /** `onConnectionChange` calls so far. */
  readonly connectionChanges: readonly boolean[];
}

export interface PageError {
  readonly code: string | undefined;
  readonly name: string;
  readonly message: string;
}

export type PageOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly state?: PageTransportState }
  | { readonly ok: false; readonly error: PageError; readonly state?: PageTransportState };

export type PageConnectOptions = Pick<
  WebBluetoothOptions,
  'frameSize' | 'autoReconnect' | 'reconnect' | 'connectTimeoutMs' | 'operationTimeoutMs' | 'disconnectGraceMs'
>;

export interface TransportTestApi {
  isAvailable(): boolean;
  connect(options: PageConnectOptions): Promise<PageOutcome<{ id: number; frameSize: number; deviceName: string | undefined }>>;
  write(id: number, frames: number[][]): Promise<PageOutcome<null>>;
  read(id: number): Promise<PageOutcome<number[]>>;
  reconnect(id: number): Promise<PageOutcome<null>>;
  close(id: number): Promise<PageOutcome<null>>;
  state(id: number): PageTransportState;
}

declare global {
  interface Window {
    sealTransportTest: TransportTestApi;
  }
}

interface Entry {
  readonly transport: WebBluetoothTransport;
  readonly connectionChanges: boolean[];
}

const entries = new Map<number, Entry>();
let nextId = 1;

function entry(id: number): Entry {
  const found = entries.get(id);
  if (!found) throw new Error(`No transport ${id} in this page`);
  return found;
}

function state(id: number): PageTransportState {
  const { transport, connectionChanges } = entry(id);
  return {
    connected: transport.connected,
    hintActive: transport.hintActive,
    stats: { ...transport.stats },
    connectionChanges: [...connectionChanges],
  };
}

function toPageError(err: unknown): PageError {
  if (err instanceof TransportError) return { code: err.code, name: err.name, message: err.message };
  if (err instanceof Error) return { code: undefined, name: err.name, message: err.message };
  return { code: undefined, name: 'unknown', message: String(err) };
}

async function outcome<T>(id: number | undefined, run: () => Promise<T>): Promise<PageOutcome<T>> {
  try {
    const value = await run();
    return { ok: true, value, ...(id === undefined ? {} : { state: state(id) }) };
  } catch (err) {
    return { ok: false, error: toPageError(err), ...(id === undefined || !entries.has(id) ? {} : { state: state(id) }) };
  }
}

window.sealTransportTest = {
  isAvailable: () => isWebBluetoothAvailable(),
  connect: (options) =>
    outcome(undefined, async () => {
      const connectionChanges: boolean[] = [];
      const transport = await connectWebBluetooth({ ...options, onConnectionChange: (up) => connectionChanges.push(up) });
      const id = nextId++;
      entries.set(id, { transport, connectionChanges });
      return { id, frameSize: transport.frameSize, deviceName: transport.deviceName };
    }),
  write: (id, frames) => outcome(id, () => entry(id).transport.write(frames.map((f) => new Uint8Array(f))).then(() => null)),
  read: (id) => outcome(id, async () => [...(await entry(id).transport.read())]),
  reconnect: (id) => outcome(id, () => entry(id).transport.reconnect().then(() => null)),
  close: (id) => outcome(id, () => entry(id).transport.close().then(() => null)),
  state,
};
