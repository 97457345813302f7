/**
 * A sync request that never gets an answer (a half-open connection: the tablet moved to another
 * network, the site's hotspot dropped) must not hold the sync forever, and the live stream must
 * notice when the server's heartbeat stops reaching it; nor may a screen's API call hold its
 * screen (or the sign-in) for ever. Against real HTTP servers on loopback that accept a request
 * and then say nothing, or answer slowly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_STREAM_EVENTS } from '@seal/shared';
import { ApiError } from '../../app/src/api/ApiError';
import { openHintStream } from '../../app/src/store/eventStream';
import { deadlineMs, SyncClient } from '../../app/src/store/syncClient';
import { probeHealth } from '../../app/src/api/reachability';
import { apiRequest, noAnswer } from '../../app/src/api/request';
import { unitsResponseSchema } from '@seal/shared';

interface Seen {
  /** Requests the server received. */
  readonly requests: string[];
  /** Requests whose connection the client closed before any answer. */
  readonly abandoned: string[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that hands each request to `handle` (which may never answer); what it saw. */
async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { requests: [], abandoned: [] };
  const server = createServer((request, response) => {
    seen.requests.push(`${request.method} ${request.url}`);
    response.once('close', () => {
      if (!response.writableFinished) seen.abandoned.push(`${request.method} ${request.url}`);
    });
    request.resume();
    handle(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const pushAnswer = (rows: number) => JSON.stringify({ results: Array.from({ length: rows }, (_, i) => ({ id: `fact:x:${i}`, status: 'accepted' })) });
const row = (i: number, bytes = 100) => ({ id: `fact:x:${i}`, type: 'fact', kind: 'x', author: 'u', scopeUnitId: 'unit', createdAt: 1, body: { pad: 'p'.repeat(bytes) } });

describe('a sync request nobody answers', () => {
  it('fails as a network error once past its deadline, and closes its connection', async () => {
    const { url, seen } = await serve(() => undefined);
    const client = new SyncClient({ baseUrl: url, fetch, deadline: { baseMs: 300, bytesPerSecond: 1e9 } });
    const failure = await client.push([row(0) as never]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('network');
    await expect.poll(() => seen.abandoned).toEqual(['POST /api/sync/push']);

    const pull = await client.pull(undefined, 10).catch((error: unknown) => error);
    expect((pull as ApiError).code).toBe('network');
  });

  it('gives a request carrying more bytes more time: a large push on a slow link completes', async () => {
    // Answers 600 ms after the request arrived, as a slow link would take to carry it.
    const { url } = await serve((_request, response) => {
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(pushAnswer(1)), 600);
    });
    const deadline = { baseMs: 300, bytesPerSecond: 250_000 };
    const small = new SyncClient({ baseUrl: url, fetch, deadline });
    expect(((await small.push([row(0) as never]).catch((error: unknown) => error)) as ApiError).code).toBe('network');
    // 500 KB at 250 kB/s: 300 + 2,000 ms allowed, answered at 600 (margins wide enough for a loaded machine).
    const large = await small.push([row(0, 500_000) as never]);
    expect(large.results).toHaveLength(1);
    expect(deadlineMs(500_000, deadline)).toBe(2_300);
  });

  it('waits twice as long after each request given up, until one is answered', async () => {
    let delayMs = 3_000;
    const { url } = await serve((_request, response) => {
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(pushAnswer(1)), delayMs);
    });
    const client = new SyncClient({ baseUrl: url, fetch, deadline: { baseMs: 2_000, bytesPerSecond: 1e9 } });
    // 2 s: given up; then 4 s: answered at 3 s (a second either way, for a loaded machine).
    expect(((await client.push([row(0) as never]).catch((error: unknown) => error)) as ApiError).code).toBe('network');
    expect((await client.push([row(0) as never])).results).toHaveLength(1);
    // Answered: back to 2 s, which a 3 s answer misses again.
    expect(((await client.push([row(0) as never]).catch((error: unknown) => error)) as ApiError).code).toBe('network');
    delayMs = 0;
    expect((await client.push([row(0) as never])).results).toHaveLength(1);
  });

  it('counts a body\'s bytes, not its characters (Chinese text is three bytes a character)', async () => {
    // Answered 2 s after the request. 100,000 characters of Chinese are 300,000 bytes: at 100 kB/s the deadline is
    // 300 + 3,000 = 3,300 ms counted in bytes, 300 + 1,000 = 1,300 ms (too short) counted in characters.
    const { url } = await serve((_request, response) => {
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(pushAnswer(1)), 2_000);
    });
    const client = new SyncClient({ baseUrl: url, fetch, deadline: { baseMs: 300, bytesPerSecond: 100_000 } });
    const chinese = { ...row(0), body: { note: '印'.repeat(100_000) } };
    expect((await client.push([chinese as never])).results).toHaveLength(1);
  });

  it('fails too when the answer starts and then stalls', async () => {
    const { url, seen } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"results":[');
    });
    const client = new SyncClient({ baseUrl: url, fetch, deadline: { baseMs: 300, bytesPerSecond: 1e9 } });
    expect(((await client.push([row(0) as never]).catch((error: unknown) => error)) as ApiError).code).toBe('network');
    await expect.poll(() => seen.abandoned).toEqual(['POST /api/sync/push']);
  });

  it('is generous by default: 30 s, plus a second for each 8 KiB both ways', () => {
    expect(deadlineMs(0)).toBe(30_000);
    expect(deadlineMs(8 * 1024)).toBe(31_000);
    // A 500-row push of 2 MB on a 64 kbit/s link: over four minutes, never cut short.
    expect(deadlineMs(2_000_000)).toBeGreaterThan(270_000);
  });
});

describe('the live stream', () => {
  const handlersRecording = () => {
    const calls = { ready: 0, drops: [] as string[] };
    return { calls, handlers: { onReady: () => calls.ready++, onChanges: () => undefined, onDrop: (error: unknown) => calls.drops.push(String((error as Error)?.message ?? error)) } };
  };

  it('connects again when the server falls silent (no event, no heartbeat), closing the dead connection', async () => {
    const { url, seen } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`event: ${SYNC_STREAM_EVENTS.ready}\ndata: {}\n\n`);
      // …and then nothing, the connection left open.
    });
    const { calls, handlers } = handlersRecording();
    const close = openHintStream(new SyncClient({ baseUrl: url, fetch }), handlers, { silenceMs: 300 });
    try {
      await expect.poll(() => calls.ready, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      expect(calls.drops[0]).toMatch(/said nothing/);
      await expect.poll(() => seen.abandoned.length).toBeGreaterThanOrEqual(1);
    } finally {
      close();
    }
  });

  it('connects again when the server takes the connection and never answers it', async () => {
    const { url, seen } = await serve(() => undefined);
    const { calls, handlers } = handlersRecording();
    const close = openHintStream(new SyncClient({ baseUrl: url, fetch }), handlers, { silenceMs: 300 });
    try {
      await expect.poll(() => seen.requests.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      expect(calls.drops[0]).toMatch(/said nothing/);
      expect(calls.ready).toBe(0);
    } finally {
      close();
    }
  });

  it('stays on one connection while the heartbeat arrives', async () => {
    const timers: ReturnType<typeof setInterval>[] = [];
    const { url, seen } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`event: ${SYNC_STREAM_EVENTS.ready}\ndata: {}\n\n`);
      timers.push(setInterval(() => response.write(': keep-alive\n\n'), 100));
    });
    const { calls, handlers } = handlersRecording();
    const close = openHintStream(new SyncClient({ baseUrl: url, fetch }), handlers, { silenceMs: 1_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(calls.drops).toEqual([]);
      expect(seen.requests).toHaveLength(1);
    } finally {
      close();
      timers.forEach(clearInterval);
    }
  });
});

describe('the health probe', () => {
  it('ends when the server takes the request and never answers, and says yes to an answer', async () => {
    const silent = await serve(() => undefined);
    // A probe that never ended would hold the test until its own timeout.
    await expect(probeHealth(`${silent.url}/healthz`, 300)).rejects.toThrow();
    const healthy = await serve((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    expect(await probeHealth(`${healthy.url}/healthz`, 5_000)).toBe(true);
  });
});

describe('an API call nobody answers', () => {
  const quick = { baseMs: 150, bytesPerSecond: 100_000 };
  const units = { units: [{ id: 'hq', name: 'HQ', kind: 'hq', parentId: null, createdAt: 1, updatedAt: 2 }] };
  const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  it('is given up as network, said to be late, when the server takes it and never answers, and its connection is closed', async () => {
    const { url, seen } = await serve(() => undefined);
    const error = await failureOf(apiRequest('GET', `${url}/api/units`, unitsResponseSchema, undefined, quick));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect((error as ApiError).message).toMatch(/GET .*\/api\/units got no answer from the server in time/);
    expect(((error as ApiError).cause as DOMException).name).toBe('TimeoutError');
    await expect.poll(() => seen.abandoned).toEqual(['GET /api/units']);
  });

  it('is given up when the answer starts and its body never ends', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"units": [');
    });
    const error = await failureOf(apiRequest('GET', `${url}/api/units`, unitsResponseSchema, undefined, quick));
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect(((error as ApiError).cause as DOMException).name).toBe('TimeoutError');
  });

  it('reads a large answer to its end however long it takes while it keeps arriving', async () => {
    const { url } = await serve((request, response) => {
      request.on('end', () => {
        // Ten pieces, 100 ms apart: a second in all, well past the 600 ms the answer had to begin in,
        // each piece well within 600 ms of the last (a loaded machine stalls for tens of ms).
        const text = JSON.stringify(units);
        response.writeHead(200, { 'content-type': 'application/json' });
        let piece = 0;
        const next = setInterval(() => {
          const size = Math.ceil(text.length / 10);
          response.write(text.slice(piece * size, (piece + 1) * size));
          if (++piece === 10) {
            clearInterval(next);
            response.end();
          }
        }, 100);
        response.once('close', () => clearInterval(next));
      });
    });
    await expect(apiRequest('GET', `${url}/api/units`, unitsResponseSchema, undefined, { ...quick, baseMs: 600 })).resolves.toEqual(units);
  });

  it('takes an answer with no body (204) as it is', async () => {
    const { url } = await serve((request, response) => request.on('end', () => response.writeHead(204).end()));
    await expect(apiRequest('POST', `${url}/api/auth/logout`, noAnswer, undefined, quick)).resolves.toBeUndefined();
  });

  it('waits longer for a larger body: a slow answer to a large request still arrives, the same answer to a bare one does not', async () => {
    const { url } = await serve((request, response) => {
      // Later than the base deadline, well within the base plus the body's time (100 KB at 100 KB/s).
      request.on('end', () => setTimeout(() => response.end(JSON.stringify(units)), 400));
    });
    await expect(apiRequest('POST', `${url}/api/units`, unitsResponseSchema, { note: 'x'.repeat(100_000) }, quick)).resolves.toEqual(units);
    expect(await failureOf(apiRequest('GET', `${url}/api/units`, unitsResponseSchema, undefined, quick))).toMatchObject({ code: 'network' });
  });
});

