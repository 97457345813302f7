import { decodeReply, encodeCommand, type DecodedReply } from '../protocol/envelope';
import { MAX_MESSAGE_FORMAT_BYTES, readHeader, toFrames } from '../protocol/frames';
import type { CommandName, RequestOf } from '../protocol/messages';
import { Reassembler } from '../protocol/Reassembler';
import { TransportError, type Transport } from '../transport/Transport';
import { SealDeviceError } from './SealDeviceError';

/** How the client waits for a reply. */
export interface ExchangeTiming {
  /** Give up when no reply is complete after this long (ms). */
  readonly replyTimeoutMs: number;
  /** Pause before each retry of an empty read (ms); the last value repeats. */
  readonly backoffMs: readonly number[];
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_TIMING: ExchangeTiming = {
  replyTimeoutMs: 10_000,
  backoffMs: [2, 5, 10, 20, 50, 100, 200],
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * One command, one reply: writes the command's frames as one stream (one round trip), then reads
 * reply frames until the last one — an empty read means "not ready yet" and is retried with
 * backoff. Frames of another message id (a stale reply) are skipped. Transport failures
 * propagate as `TransportError`; a reply that does not reassemble is `bad_reply`.
 */
export async function exchange<C extends CommandName>(transport: Transport, msgId: number, name: C, body: RequestOf<C>, timing: ExchangeTiming): Promise<DecodedReply<C>> {
  await transport.write(toFrames(encodeCommand(name, body), msgId, transport.frameSize));
  const reassembler = new Reassembler(MAX_MESSAGE_FORMAT_BYTES);
  const deadline = Date.now() + timing.replyTimeoutMs;
  let empties = 0;
  for (;;) {
    const frame = await transport.read();
    if (frame.length === 0) {
      if (Date.now() > deadline) throw new TransportError('timeout', `no reply to "${name}" within ${timing.replyTimeoutMs} ms`);
      await timing.sleep(timing.backoffMs[Math.min(empties++, timing.backoffMs.length - 1)] ?? 10);
      continue;
    }
    empties = 0;
    if (readHeader(frame[0]!).msgId !== msgId) continue;
    const event = reassembler.push(frame);
    if (event.kind === 'message') return decodeReply(name, event.bytes);
    if (event.kind === 'error') throw new SealDeviceError('bad_reply', `reply to "${name}": ${event.code}: ${event.message}`);
  }
}
