import { Backoff, sleep, SYNC_STREAM_EVENTS } from '@seal/shared';
import type { SyncClient } from './syncClient';

/** What the live stream reports. */
export interface HintHandlers {
  /** Connected (again): pull now, something may have been missed while away. */
  onReady(): void;
  /** The server's store changed: pull now. */
  onChanges(): void;
  /** The stream dropped; it reconnects by itself. */
  onDrop(error: unknown): void;
}

/** Reconnecting waits 0.5 s, then twice as long each time up to 30 s; any event starts over. */
const RECONNECT = { initialDelayMs: 500, maxDelayMs: 30_000 };

/** Splits a server-sent-events text stream into events (`event:` name; data and comments ignored). */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = block.split('\n').find((line) => line.startsWith('event:'))?.slice(6).trim();
      if (name) onEvent(name);
    }
  }
}

/**
 * The live stream of "pull now" hints (`GET /api/sync/stream`), read with `fetch` so that it
 * runs alike in the browser and in Node (which has no EventSource), and reconnects after any
 * interruption with a growing back-off. Returns `close`.
 */
export function openHintStream(client: SyncClient, handlers: HintHandlers): () => void {
  const abort = new AbortController();
  const backoff = new Backoff(RECONNECT);
  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const response = await client.openStream(abort.signal);
        if (!response.ok || !response.body) throw new Error(`the live stream answered ${response.status}`);
        await readEvents(response.body, (name) => {
          backoff.reset();
          if (name === SYNC_STREAM_EVENTS.ready) handlers.onReady();
          else if (name === SYNC_STREAM_EVENTS.changes) handlers.onChanges();
        });
        if (!abort.signal.aborted) handlers.onDrop(new Error('the live stream ended'));
      } catch (error) {
        if (abort.signal.aborted) return;
        handlers.onDrop(error);
      }
      // Closed while waiting: the loop ends.
      await sleep(backoff.next(), abort.signal).catch(() => undefined);
    }
  };
  void loop();
  return () => abort.abort();
}
