/**
 * Framing: one message (a CBOR command or reply) as frames that each fit one GATT operation.
 *
 * ```
 * byte 0   F L M M I I I I     F = first frame, L = last frame,
 *                              MM = message id (0–3), IIII = frame index mod 16
 * first frame only: bytes 1–2 = message length (u16, big-endian), then payload
 * other frames:     payload from byte 1
 * ```
 * A 20-byte frame carries 17 payload bytes when first, 19 otherwise. A message of up to 17 bytes
 * is a single frame with F and L set. See PROTOCOL.md §2.
 */

export const FRAME_FIRST = 0x80;
export const FRAME_LAST = 0x40;
/** The smallest frame size this framing works with (the BLE default ATT payload). */
export const MIN_FRAME_SIZE = 20;
/** The largest frame size a device accepts (ATT_MTU 515 − 3). */
export const MAX_FRAME_SIZE = 512;
/** What the 16-bit length field can say. */
export const MAX_MESSAGE_FORMAT_BYTES = 0xffff;
/** The size cap the reference device applies to a command (a roster is the largest one). */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024;

/** The header byte of a frame. */
export interface FrameHeader {
  readonly first: boolean;
  readonly last: boolean;
  readonly msgId: number;
  readonly index: number;
}

export function readHeader(byte: number): FrameHeader {
  return { first: (byte & FRAME_FIRST) !== 0, last: (byte & FRAME_LAST) !== 0, msgId: (byte >> 4) & 0x03, index: byte & 0x0f };
}

const header = (first: boolean, last: boolean, msgId: number, index: number): number =>
  (first ? FRAME_FIRST : 0) | (last ? FRAME_LAST : 0) | ((msgId & 0x03) << 4) | (index & 0x0f);

/**
 * Splits a message into frames of at most `frameSize` bytes. Throws `RangeError` on an empty or
 * over-long message or a frame size outside 20–512: those are the caller's bugs.
 */
export function toFrames(message: Uint8Array, msgId: number, frameSize: number): Uint8Array[] {
  if (frameSize < MIN_FRAME_SIZE || frameSize > MAX_FRAME_SIZE) throw new RangeError(`frame size must be ${MIN_FRAME_SIZE}–${MAX_FRAME_SIZE}, got ${frameSize}`);
  if (message.length === 0 || message.length > MAX_MESSAGE_FORMAT_BYTES) throw new RangeError(`message must be 1–${MAX_MESSAGE_FORMAT_BYTES} bytes, got ${message.length}`);
  const frames: Uint8Array[] = [];
  let offset = 0;
  while (offset < message.length) {
    const first = offset === 0;
    const room = frameSize - (first ? 3 : 1);
    const chunk = message.subarray(offset, offset + room);
    offset += chunk.length;
    const last = offset === message.length;
    const frame = new Uint8Array((first ? 3 : 1) + chunk.length);
    frame[0] = header(first, last, msgId, frames.length);
    if (first) {
      frame[1] = message.length >> 8;
      frame[2] = message.length & 0xff;
    }
    frame.set(chunk, first ? 3 : 1);
    frames.push(frame);
  }
  return frames;
}
