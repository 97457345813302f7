import { DEFAULT_FRAME_SIZE, type SealGattServer } from '../protocol/gatt';
import { TransportError, type Transport, type TransportStats } from './Transport';

/** Options of a {@link MemoryTransport}. */
export interface MemoryTransportOptions {
  /** The negotiated frame size (ATT MTU − 3). Default 20. */
  readonly frameSize?: number;
}

/**
 * A transport straight into a device's GATT handlers, in the same process: what tests, the
 * bench and the browser demo use. It behaves as a BLE link does where it matters — frames of at
 * most `frameSize` bytes, writes without response except the last, one read per frame, an
 * empty read when nothing waits, a link that can drop (`drop()`) and come back (`reconnect()`)
 * — and counts round trips and bytes the way the Web Bluetooth transport does.
 */
export class MemoryTransport implements Transport {
  readonly frameSize: number;
  readonly stats: TransportStats = { roundTrips: 0, bytesWritten: 0, bytesRead: 0 };
  private up = true;
  private closed = false;
  /** When set, the link drops after this many more frames are written (tests of resumption). */
  dropAfterFrames: number | null = null;
  /** When set, the link drops after this many more reads. */
  dropAfterReads: number | null = null;

  constructor(
    private readonly server: SealGattServer,
    options: MemoryTransportOptions = {},
  ) {
    this.frameSize = options.frameSize ?? DEFAULT_FRAME_SIZE;
  }

  get connected(): boolean {
    return this.up;
  }

  async write(frames: readonly Uint8Array[]): Promise<void> {
    this.ensureUp();
    const oversize = frames.find((f) => f.length > this.frameSize);
    if (oversize !== undefined) throw new TransportError('gatt_error', `frame of ${oversize.length} bytes, the link carries ${this.frameSize}`);
    this.stats.roundTrips += 1;
    for (const [i, frame] of frames.entries()) {
      if (this.dropAfterFrames !== null && this.dropAfterFrames-- <= 0) this.drop();
      this.ensureUp();
      this.stats.bytesWritten += frame.length;
      await this.server.write(frame.slice(), i === frames.length - 1);
    }
  }

  read(): Promise<Uint8Array> {
    // The executor turns a throw (link down) into a rejection.
    return new Promise((resolve) => {
      if (this.dropAfterReads !== null && this.dropAfterReads-- <= 0) this.drop();
      this.ensureUp();
      this.stats.roundTrips += 1;
      const frame = this.server.read();
      this.stats.bytesRead += frame.length;
      resolve(frame);
    });
  }

  /** Drops the link, as a radio does: the device forgets the partial command and unread reply. */
  drop(): void {
    if (!this.up) return;
    this.up = false;
    this.dropAfterFrames = null;
    this.dropAfterReads = null;
    this.server.disconnected();
  }

  reconnect(): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('disconnected', 'the transport was closed'));
    this.up = true;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.drop();
    this.closed = true;
    return Promise.resolve();
  }

  private ensureUp(): void {
    if (!this.up) throw new TransportError('disconnected', 'the link to the seal device is down');
  }
}
