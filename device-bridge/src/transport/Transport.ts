import { CodedError } from '@seal/shared';

/** Why a transport operation failed, as a value the UI can show. */
export type TransportErrorCode =
  | 'bluetooth_unavailable' // no Web Bluetooth in this browser / OS (e.g. iOS)
  | 'bluetooth_off' // adapter present but powered off or unavailable
  | 'permission_denied' // the user cancelled the chooser or refused access
  | 'device_not_found' // no device with our service in range
  | 'disconnected' // the link dropped; callers may reconnect and resume
  | 'gatt_error' // the peripheral answered a GATT operation with an error
  | 'timeout';

export class TransportError extends CodedError<TransportErrorCode> {
  override readonly name = 'TransportError';
}

/**
 * A byte pipe to one seal device: writes to the control characteristic and reads from the
 * reply characteristic. Frames are at most `frameSize` bytes. Every implementation (Web
 * Bluetooth, in-memory, the Node harness) passes the same acceptance suite.
 */
export interface Transport {
  /** Largest frame the link carries in one operation (20 unless a larger MTU was negotiated). */
  readonly frameSize: number;
  /**
   * Writes frames in order to the control characteristic. Frames of one message go as writes
   * without response where the link allows (they count as one round trip); the last one with.
   */
  write(frames: readonly Uint8Array[]): Promise<void>;
  /** Reads the reply characteristic once; an empty array means nothing is waiting yet. */
  read(): Promise<Uint8Array>;
  /** Whether the link is up. */
  readonly connected: boolean;
  /** Reconnects after a drop (same device, no chooser). */
  reconnect(): Promise<void>;
  close(): Promise<void>;
  /** Counters for benchmarks: operations that waited for a reply, and bytes each way. */
  readonly stats: TransportStats;
}

export interface TransportStats {
  roundTrips: number;
  bytesWritten: number;
  bytesRead: number;
}
