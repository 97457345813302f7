import { onCleanup } from 'solid-js';

/**
 * Reads the device every `everyMs` while started, and on demand. One read at a time: a read asked
 * for while one runs is skipped (the running one is about to show the same). Stops with the owner.
 */
export function createPolling(read: () => Promise<void>, everyMs: number) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let reading = false;

  async function readNow(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      await read();
    } finally {
      reading = false;
    }
  }
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const start = (): void => {
    stop();
    timer = setInterval(() => void readNow(), everyMs);
  };
  onCleanup(stop);
  return { readNow, start, stop };
}
