import { encodeErrorReply } from '../protocol/envelope';
import { DEFAULT_FRAME_SIZE, type SealGattServer } from '../protocol/gatt';
import { FRAME_FIRST, toFrames } from '../protocol/frames';
import { Reassembler } from '../protocol/Reassembler';
import type { LinkState } from './readCommands';

/** Handles one complete command; never rejects (errors become error replies). */
export type MessageHandler = (message: Uint8Array, link: LinkState) => Promise<Uint8Array>;

/**
 * The GATT side of the device: frames in on `control`, frames out on `reply`. One command at a
 * time: a new command's first frame drops any unread reply (and the reply of a command still
 * being processed). A read while a command is half-written ends it as `truncated` (the tablet
 * reads only once it has written everything). Framing errors are answered at once, never
 * logged, and never reach the state machine.
 */
export function createGattServer(handle: MessageHandler, maxMessageBytes: number): SealGattServer {
  const reassembler = new Reassembler(maxMessageBytes);
  const link: LinkState = { frameSize: DEFAULT_FRAME_SIZE };
  const listeners = new Set<() => void>();
  let replyFrames: Uint8Array[] = [];
  let generation = 0;

  const setReply = (msgId: number, reply: Uint8Array) => {
    replyFrames = toFrames(reply, msgId, link.frameSize);
    for (const listener of listeners) listener();
  };

  return {
    async write(frame, withResponse) {
      if (frame.length > 0 && (frame[0]! & FRAME_FIRST) !== 0) {
        generation += 1;
        replyFrames = [];
      }
      const event = reassembler.push(frame);
      if (event.kind === 'partial' || event.kind === 'ignored') return;
      const mine = ++generation;
      if (event.kind === 'error') {
        setReply(event.msgId, encodeErrorReply(event.code, { message: event.message }));
        return;
      }
      const processing = handle(event.bytes, link).then((reply) => {
        if (mine === generation) setReply(event.msgId, reply);
      });
      if (withResponse) await processing;
      else void processing;
    },
    read() {
      const aborted = reassembler.abort();
      if (aborted !== null && aborted.kind === 'error') {
        generation += 1;
        setReply(aborted.msgId, encodeErrorReply(aborted.code, { message: aborted.message }));
      }
      return replyFrames.shift() ?? new Uint8Array(0);
    },
    disconnected() {
      reassembler.reset();
      replyFrames = [];
      generation += 1;
      link.frameSize = DEFAULT_FRAME_SIZE;
      // Reads were opened by whoever held this link: the next one starts with none.
      link.reader = null;
    },
    onReplyReady(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
