import { Backoff, sleep, SYNC_STREAM_EVENTS, SYNC_STREAM_HEARTBEAT_MS } from '@seal/shared';
import type { SyncClient } from './syncClient';

/** What the live stream reports. */
export interface HintHandlers {
  /** Connected (again): pull now, something may have been missed while away. */
  onReady(): void;
  /** Rows in scope changed, other than those this replica pushed itself: pull now. */
  onChanges(): void;
  /** The stream dropped; it reconnects by itself. */
  onDrop(error: unknown): void;
}

/** Reconnecting waits 0.5 s, then twice as long each time up to 30 s; any event starts over. */
const RECONNECT = { initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * A stream that says nothing (no event, no heartbeat) for three of the server's heartbeats is
 * taken for dead: a half-open connection never ends by itself.
 */
export const STREAM_SILENCE_MS = 3 * SYNC_STREAM_HEARTBEAT_MS;

/**
 * Splits a server-sent-events text stream into events (`event:` name; data and comments ignored).
 * `onData` hears of every piece read, comments (the heartbeat) included.
 */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string) => void, onData?: () => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onData?.();
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
 * interruption with a growing back-off — also after `silenceMs` without a byte (the server's
 * heartbeat stopped reaching us: the connection is dead though nothing closed it). Returns `close`.
 */
export function openHintStream(client: SyncClient, handlers: HintHandlers, { silenceMs = STREAM_SILENCE_MS }: { silenceMs?: number } = {}): () => void {
  const abort = new AbortController();
  const backoff = new Backoff(RECONNECT);
  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      // This connection's own end: closing the stream, or its silence.
      const connection = new AbortController();
      const close = () => connection.abort(abort.signal.reason);
      abort.signal.addEventListener('abort', close, { once: true });
      let silence: ReturnType<typeof setTimeout> | undefined;
      const listen = () => {
        clearTimeout(silence);
        silence = setTimeout(() => connection.abort(new Error(`the live stream said nothing for ${Math.round(silenceMs / 1000)} s: connecting again`)), silenceMs);
      };
      try {
        listen();
        const response = await client.openStream(connection.signal);
        if (!response.ok || !response.body) throw new Error(`the live stream answered ${response.status}`);
        await readEvents(response.body, (name) => {
          backoff.reset();
          if (name === SYNC_STREAM_EVENTS.ready) handlers.onReady();
          else if (name === SYNC_STREAM_EVENTS.changes) handlers.onChanges();
        }, listen);
        if (!abort.signal.aborted) handlers.onDrop(new Error('the live stream ended'));
      } catch (error) {
        if (abort.signal.aborted) return;
        handlers.onDrop(connection.signal.aborted ? connection.signal.reason : error);
      } finally {
        clearTimeout(silence);
        abort.signal.removeEventListener('abort', close);
        // A connection given up on is closed, not left open beside the next one.
        connection.abort();
      }
      // Closed while waiting: the loop ends.
      await sleep(backoff.next(), abort.signal).catch(() => undefined);
    }
  };
  void loop();
  return () => abort.abort();
}
