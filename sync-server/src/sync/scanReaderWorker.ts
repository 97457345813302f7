/**
 * The scan reader's own thread (see `scanReader`): decodes a scan's PNG and reads its process
 * sheet's QR, beside the server's thread rather than on it. One scan at a time; it says it is
 * ready once loaded (with its Linux thread id), then answers each scan it is sent.
 */
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { readProcessSheet } from '@seal/shared';
import { pngPixels } from './pngPixels';
import type { ScanReaderAsk, ScanReaderMessage } from './scanReader';

const port = parentPort!;
port.on('message', ({ id, bytes }: ScanReaderAsk) => {
  const pixels = pngPixels(bytes);
  let answer: ScanReaderMessage;
  if (!pixels.ok) answer = { id, ok: false, code: 'not_an_image', message: pixels.error };
  else {
    const read = readProcessSheet(pixels.value);
    answer = read.ok ? { id, ok: true, requestId: read.value } : { id, ok: false, code: read.error.code, message: read.error.message };
  }
  port.postMessage(answer);
});
/** This thread's Linux id (`/proc/thread-self` is `<pid>/task/<tid>`): the reader measures its processor time by it. */
function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}
port.postMessage({ ready: true, tid: threadId() } satisfies ScanReaderMessage);
