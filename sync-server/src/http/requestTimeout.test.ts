/**
 * A client that trickles a request in, or opens a connection and says nothing, holds it only for
 * REQUEST_SECONDS / IDLE_SECONDS (here 1 s each): then 408 and the connection closed. Everyone
 * else is served meanwhile, and a slow body that arrives in time is answered as usual.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, startTestStore, type TestServer, type TestStore } from '../testing/testServer';

let testStore: TestStore;
let server: TestServer;
let port: number;

beforeAll(async () => {
  testStore = await startTestStore();
  server = await startTestServer(testStore, { REQUEST_SECONDS: '1', IDLE_SECONDS: '1' });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  port = (server.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.app.server.closeAllConnections();
  await server?.close();
  await testStore?.close();
});

/** A raw connection: what it was sent back, and when (ms after opening) it was closed. */
function rawConnection(): { socket: Socket; answer: () => string; closed: Promise<number> } {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1'); });
  socket.on('error', () => undefined);
  const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now() - started)));
  return { socket, answer: () => received, closed };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('requests that take too long to arrive', () => {
  it('a body trickled in a byte at a time is cut at REQUEST_SECONDS with 408, while others are served', async () => {
    const trickler = rawConnection();
    trickler.socket.write(`POST /api/auth/login/verify HTTP/1.1\r\nHost: localhost\r\nOrigin: ${server.config.origins[0]}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    let stop = false;
    const trickle = (async () => {
      while (!stop && !trickler.socket.destroyed) {
        trickler.socket.write(' ');
        await sleep(100); // a byte each 100 ms: never idle, never done
      }
    })();
    await sleep(300);
    // Meanwhile the server answers others.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const closedAfter = await trickler.closed;
    stop = true;
    await trickle;
    expect(trickler.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(5_000);
  });

  it('a connection that sends half its headers and then nothing is closed', async () => {
    const silent = rawConnection();
    silent.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const closedAfter = await silent.closed;
    expect(closedAfter).toBeLessThan(5_000);
    expect(silent.answer()).not.toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a connection opened and never used is closed', async () => {
    const idle = rawConnection();
    expect(await idle.closed).toBeLessThan(5_000);
    expect(idle.answer()).toBe('');
  });

  it('a body that arrives slowly but within the limit is answered as usual', async () => {
    const slow = rawConnection();
    const body = '{"response": 1}';
    slow.socket.write(`POST /api/auth/login/verify HTTP/1.1\r\nHost: localhost\r\nOrigin: ${server.config.origins[0]}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    for (const part of [body.slice(0, 5), body.slice(5, 10), body.slice(10)]) {
      await sleep(150);
      slow.socket.write(part);
    }
    await slow.closed;
    expect(slow.answer()).toMatch(/^HTTP\/1\.1 400 /); // refused for what it says (no assertion), not for its pace
    expect(slow.answer()).toContain('invalid_body');
  });
});
