/**
 * A byte-level stand-in for the seal, for the transport's own tests: it collects what the tablet
 * writes, and once asked, answers with that input transformed (bytes reversed, each XOR 0xA5),
 * split into frames that the tablet reads one by one, then an empty read ("nothing waiting").
 */
import type { PeripheralByteHandler } from './emulatedPeripheral';

export function loopbackReply(input: Uint8Array): Uint8Array {
  return Uint8Array.from([...input].reverse(), (b) => b ^ 0xa5);
}

export class LoopbackDevice implements PeripheralByteHandler {
  readonly #frameSize: number;
  #input: number[] = [];
  #outgoing: Uint8Array[] = [];
  /** When set, the next read fails inside the device (the harness answers an ATT error). */
  failNextRead = false;

  constructor(frameSize = 20) {
    this.#frameSize = frameSize;
  }

  onWrite(bytes: Uint8Array): void {
    this.#input.push(...bytes);
  }

  onRead(): Uint8Array {
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('loopback device: simulated read failure');
    }
    if (this.#outgoing.length === 0 && this.#input.length > 0) {
      const reply = loopbackReply(Uint8Array.from(this.#input));
      this.#input = [];
      for (let at = 0; at < reply.length; at += this.#frameSize) this.#outgoing.push(reply.subarray(at, at + this.#frameSize));
    }
    return this.#outgoing.shift() ?? new Uint8Array();
  }
}

/** Splits a message into frames of at most `size` bytes. */
export function toFrames(message: Uint8Array, size = 20): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 0; at < message.length; at += size) frames.push(message.subarray(at, at + size));
  return frames;
}

/** A message of `length` bytes that is easy to recognise in a trace. */
export function sampleMessage(length: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);
}
