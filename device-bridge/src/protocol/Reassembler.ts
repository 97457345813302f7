import type { DeviceErrorCode } from './codes';
import { DEFAULT_MAX_MESSAGE_BYTES, readHeader } from './frames';

/** What one frame did to the message being put together. */
export type ReassemblyEvent =
  | { readonly kind: 'partial' }
  /** Frames of a message already refused: dropped without a second reply. */
  | { readonly kind: 'ignored' }
  | { readonly kind: 'message'; readonly msgId: number; readonly bytes: Uint8Array }
  | { readonly kind: 'error'; readonly msgId: number; readonly code: DeviceErrorCode; readonly message: string };

interface Partial {
  readonly msgId: number;
  readonly length: number;
  readonly buffer: Uint8Array;
  received: number;
  nextIndex: number;
}

/**
 * Puts frames back together into messages (either direction: the device for commands, the
 * tablet for replies). Never throws on input: garbage, a continuation without a start, a frame
 * out of order, frames of two messages interleaved, a message shorter or longer than its length
 * field, or one over the size cap each end the message with one error event; the rest of that
 * message's frames are then ignored until a new first frame. A first frame always starts afresh
 * (it abandons a partial message), so a sender that lost its link can simply start over.
 */
export class Reassembler {
  private current: Partial | null = null;
  private readonly discarding = new Set<number>();

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Whether a message is partly received. */
  get inProgress(): boolean {
    return this.current !== null;
  }

  push(frame: Uint8Array): ReassemblyEvent {
    if (frame.length === 0) return this.fail(this.current?.msgId ?? 0, 'bad_frame', 'empty frame');
    const { first, last, msgId, index } = readHeader(frame[0]!);
    if (first) return this.start(frame, last, msgId, index);
    if (this.discarding.has(msgId) && this.current?.msgId !== msgId) return { kind: 'ignored' };
    const current = this.current;
    if (current === null) return this.fail(msgId, 'unexpected_frame', `continuation frame of message ${msgId} without its first frame`);
    if (msgId !== current.msgId) {
      this.discarding.add(current.msgId);
      return this.fail(msgId, 'interleaved', `frame of message ${msgId} inside message ${current.msgId}`);
    }
    if (index !== current.nextIndex) return this.fail(msgId, 'out_of_order', `frame index ${index}, expected ${current.nextIndex}`);
    return this.append(current, frame.subarray(1), last);
  }

  /**
   * Ends a partial message as truncated (the peer started reading: it thinks it has written
   * everything). `null` when nothing was in progress.
   */
  abort(): ReassemblyEvent | null {
    const current = this.current;
    if (current === null) return null;
    return this.fail(current.msgId, 'truncated', `message ended after ${current.received} of ${current.length} bytes`);
  }

  /** Forgets everything (the link dropped). */
  reset(): void {
    this.current = null;
    this.discarding.clear();
  }

  private start(frame: Uint8Array, last: boolean, msgId: number, index: number): ReassemblyEvent {
    this.current = null;
    this.discarding.clear();
    if (index !== 0) return this.fail(msgId, 'bad_frame', `first frame with index ${index}, expected 0`);
    if (frame.length < 4) return this.fail(msgId, 'bad_frame', `first frame of ${frame.length} bytes, expected at least 4 (header, length, payload)`);
    const length = (frame[1]! << 8) | frame[2]!;
    if (length === 0) return this.fail(msgId, 'bad_frame', 'message length 0');
    if (length > this.maxMessageBytes) return this.fail(msgId, 'too_large', `message of ${length} bytes, the limit is ${this.maxMessageBytes}`);
    const current: Partial = { msgId, length, buffer: new Uint8Array(length), received: 0, nextIndex: 0 };
    this.current = current;
    return this.append(current, frame.subarray(3), last);
  }

  private append(current: Partial, chunk: Uint8Array, last: boolean): ReassemblyEvent {
    if (current.received + chunk.length > current.length) {
      return this.fail(current.msgId, 'overlong', `more than the ${current.length} bytes announced`);
    }
    current.buffer.set(chunk, current.received);
    current.received += chunk.length;
    current.nextIndex = (current.nextIndex + 1) & 0x0f;
    if (!last) return { kind: 'partial' };
    if (current.received < current.length) return this.fail(current.msgId, 'truncated', `last frame after ${current.received} of ${current.length} bytes`);
    this.current = null;
    return { kind: 'message', msgId: current.msgId, bytes: current.buffer };
  }

  private fail(msgId: number, code: DeviceErrorCode, message: string): ReassemblyEvent {
    if (this.current !== null) this.discarding.add(this.current.msgId);
    this.discarding.add(msgId);
    this.current = null;
    return { kind: 'error', msgId, code, message };
  }
}
