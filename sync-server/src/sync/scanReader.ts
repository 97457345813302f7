import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ProcessSheetRefusalCode, RequestId } from '@seal/shared';

/** A scan sent to the reader's thread. */
export interface ScanReaderAsk {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** What the reader's thread says: `ready` once loaded (with its Linux thread id, if known), then an answer per scan. */
export type ScanReaderMessage =
  | { readonly ready: true; readonly tid: number | undefined }
  | { readonly id: number; readonly ok: true; readonly requestId: RequestId }
  | { readonly id: number; readonly ok: false; readonly code: ProcessSheetRefusalCode | 'not_an_image'; readonly message: string };
type ScanReaderAnswer = Exclude<ScanReaderMessage, { ready: true }>;

/** A scan read: the request, or why not (`too_complex`: cut off, its thread ended; `busy`: too many held). */
export type ScanRead = { readonly ok: true; readonly requestId: RequestId } | { readonly ok: false; readonly code: ProcessSheetRefusalCode | 'not_an_image' | 'too_complex' | 'busy'; readonly message: string };

export interface ScanReaderOptions {
  /** The processor time (ms) one scan may take to be decoded and searched, on its own thread; past that the thread is ended. */
  readonly readMs?: number;
  /** The time (ms) one scan may take however busy the machine is: a backstop to `readMs`. */
  readonly wallMs?: number;
  /** How many scans may be held, the one being read and those waiting; more are refused (`busy`). */
  readonly maxWaiting?: number;
}

export interface ScanReader {
  read(bytes: Uint8Array): Promise<ScanRead>;
  /** Scans whose reading was cut off (their thread ended): counted for tests and logs. */
  readonly cutOff: () => number;
  close(): Promise<void>;
}

/**
 * The processor time (ms) a scan may take on its thread: an honest A4 scan at 300 dpi (8.7
 * megapixels) decodes and reads in ~0.7 s, ~1.5 s on a thread's first scan; random noise of the
 * largest size allowed would take over 5 s (the search's two images, 1 and 3 megapixels).
 * Processor time, not wall time: a loaded machine stretches an honest scan's wall time, not its
 * work. The server's own thread is never held by a scan.
 */
export const SCAN_READ_MS = 3000;
/** However loaded the machine, a scan is cut off after this long (ms). */
export const SCAN_WALL_MS = 30_000;
const MAX_WAITING = 4;
const WATCH_MS = 100;
/** The thread's heap: its pixels are typed arrays (outside it); this bounds the rest. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };
/** Linux counts a thread's processor time in ticks of 1/100 s (`getconf CLK_TCK`). */
const MS_PER_TICK = 10;

/** The processor time (ms) a thread of this process has used, from Linux's /proc; undefined elsewhere. */
function threadCpuMs(tid: number | undefined): number | undefined {
  if (tid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    // Fields after the command's closing parenthesis: state is the 3rd, utime and stime the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

interface Thread {
  readonly worker: Worker;
  readonly ready: Promise<number | undefined>;
}

/**
 * Reads process sheet scans on a thread of their own, one at a time, each within `readMs` of
 * that thread's processor time (measured by Linux; wall time elsewhere) and `wallMs` of wall
 * time: a scan built to make the QR search slow (random noise is full of finder-pattern
 * look-alikes) holds that thread, never the server's, and no longer than that: its thread is
 * ended, and a new one started for the next scan. The decode and search are `pngPixels` and
 * `readProcessSheet` (see scanReaderWorker.ts).
 */
export function scanReader(options: ScanReaderOptions = {}): ScanReader {
  const { readMs = SCAN_READ_MS, wallMs = SCAN_WALL_MS, maxWaiting = MAX_WAITING } = options;
  let thread: Thread | undefined;
  /** The scan being read: its thread, and what to do with that thread's answer (or end). */
  let reading: { worker: Worker; onAnswer: (answer: ScanReaderAnswer | Error) => void } | undefined;
  let nextId = 1;
  let cutOff = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let held = 0;

  const start = (): Thread => {
    const worker = new Worker(new URL('./scanReaderThread.mjs', import.meta.url), {
      workerData: { entry: new URL('./scanReaderWorker.ts', import.meta.url).href }, resourceLimits: RESOURCE_LIMITS,
    });
    worker.unref();
    const ready = new Promise<number | undefined>((resolve, reject) => {
      const answered = (answer: ScanReaderAnswer | Error) => {
        if (reading?.worker === worker) reading.onAnswer(answer);
      };
      worker.on('message', (message: ScanReaderMessage) => ('ready' in message ? resolve(message.tid) : answered(message)));
      const ended = (error: Error) => {
        if (thread?.worker === worker) thread = undefined;
        reject(error);
        answered(error);
      };
      worker.on('error', ended);
      worker.on('exit', (code) => ended(new Error(`the scan reader's thread ended (exit code ${code})`)));
    });
    ready.catch(() => undefined);
    return { worker, ready };
  };

  const readOne = async (bytes: Uint8Array): Promise<ScanRead> => {
    thread ??= start();
    const { worker, ready } = thread;
    const tid = await ready;
    const id = nextId++;
    const [cpuFrom, wallFrom] = [threadCpuMs(tid), Date.now()];
    return new Promise<ScanRead>((resolve) => {
      const watch = setInterval(() => {
        const cpu = threadCpuMs(tid);
        const used = cpu === undefined || cpuFrom === undefined ? Date.now() - wallFrom : cpu - cpuFrom;
        if (used <= readMs && Date.now() - wallFrom <= wallMs) return;
        clearInterval(watch);
        cutOff += 1;
        reading = undefined;
        void worker.terminate();
        // The next scan's thread starts now (~2 s to load), not when that scan arrives.
        if (thread?.worker === worker) thread = start();
        resolve({ ok: false, code: 'too_complex', message: `the scan could not be read within ${readMs / 1000} s of work` });
      }, WATCH_MS);
      reading = { worker, onAnswer: (answer) => {
        if (!(answer instanceof Error) && answer.id !== id) return;
        clearInterval(watch);
        reading = undefined;
        if (answer instanceof Error) resolve({ ok: false, code: 'too_complex', message: `the scan could not be read: ${answer.message}` });
        else resolve(answer.ok ? { ok: true, requestId: answer.requestId } : { ok: false, code: answer.code, message: answer.message });
      } };
      worker.postMessage({ id, bytes } satisfies ScanReaderAsk);
    });
  };

  return {
    read(bytes) {
      if (held >= maxWaiting) return Promise.resolve({ ok: false, code: 'busy', message: `${held} scans are being read or waiting` });
      held += 1;
      const turn = queue.then(() => readOne(bytes)).catch((error: unknown) => ({ ok: false, code: 'too_complex', message: `the scan could not be read: ${error instanceof Error ? error.message : String(error)}` }) as const);
      queue = turn.finally(() => (held -= 1));
      return turn;
    },
    cutOff: () => cutOff,
    async close() {
      const ending = thread;
      thread = undefined;
      await ending?.worker.terminate();
    },
  };
}
