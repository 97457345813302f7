/**
 * The store's connection under resets: a loopback proxy between nano and the embedded store
 * resets the connection carrying the next request (a fresh one, or a keep-alive socket already
 * used — as the store does when it closes an idle socket the client is about to reuse). A read
 * is answered anyway, over a new connection; a write is not sent twice — it fails, and what the
 * store holds says whether it got there.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';
import type { BulkGetter } from './macScope';
import { connectStore, type Store } from './store';
import { READ_ATTEMPTS } from './retryReads';

interface Proxy {
  readonly server: Server;
  readonly port: number;
  /** Requests (first chunks) seen. */
  readonly seen: { requests: number };
  /** Resets the connection of the next `n` requests before they reach the store. */
  resetBefore(n: number): void;
  /** Forwards the next request, then resets the connection before its answer reaches nano. */
  resetAfterForwarding(): void;
}

async function startProxy(target: number): Promise<Proxy> {
  let before = 0;
  let after = false;
  const seen = { requests: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(target, '127.0.0.1');
    let cutAnswer = false;
    const reset = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      // A request starts with its method; a body's later chunks do not count again.
      const starts = /^(GET|HEAD|POST|PUT|DELETE|COPY) /.test(chunk.subarray(0, 8).toString('latin1'));
      if (starts) seen.requests++;
      if (starts && before > 0) {
        before--;
        reset();
        return;
      }
      if (starts && after) {
        after = false;
        cutAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (cutAnswer ? reset() : client.write(chunk)));
    client.on('close', () => { sockets.delete(client); upstream.destroy(); });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return {
    server, port: (server.address() as AddressInfo).port, seen,
    resetBefore: (n) => void (before = n),
    resetAfterForwarding: () => void (after = true),
  };
}

let testStore: TestStore;
let proxy: Proxy;
let store: Store;

beforeAll(async () => {
  testStore = await startTestStore();
  const target = Number(new URL(testStore.embedded.url).port);
  proxy = await startProxy(target);
  const viaProxy = new URL(testStore.embedded.url);
  viaProxy.port = String(proxy.port);
  store = connectStore(viaProxy.toString().replace(/\/$/, ''), 'embedded', 'retry_', testStore.mac);
  await store.ensureDatabases(['things']);
  await store.couch.use(store.dbName('things')).insert({ _id: 'a', value: 1 } as never);
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.server.close(resolve));
  await testStore?.close();
});

const things = () => store.couch.use<{ value: number }>(store.dbName('things'));

describe('the store connection under resets', () => {
  it('answers a read whose connection was reset, by asking again', async () => {
    const requests = proxy.seen.requests;
    proxy.resetBefore(1);
    expect((await things().get('a')).value).toBe(1);
    expect(proxy.seen.requests - requests).toBe(2);
  });

  it('answers a read whose keep-alive socket is reset when reused, and a read-only POST (keys)', async () => {
    await things().get('a');
    proxy.resetBefore(1);
    expect((await things().get('a')).value).toBe(1);
    proxy.resetBefore(1);
    const fetched = await things().fetch({ keys: ['a'] });
    expect(fetched.rows).toHaveLength(1);
    proxy.resetBefore(1);
    expect(await store.couch.db.list()).toContain(store.dbName('things'));
  });

  it('answers a read by ids in bulk (`_bulk_get`, a read-only POST) whose connection was reset', async () => {
    const bulk = things() as unknown as BulkGetter<{ value: number }>;
    const requests = proxy.seen.requests;
    proxy.resetBefore(1);
    expect((await bulk.bulkGet(['a', 'missing'])).get('a')?.value).toBe(1);
    expect(proxy.seen.requests - requests).toBe(2);
  });

  it('gives up after a bounded number of attempts', async () => {
    const requests = proxy.seen.requests;
    proxy.resetBefore(READ_ATTEMPTS);
    await expect(things().get('a')).rejects.toThrow(/connection/);
    expect(proxy.seen.requests - requests).toBe(READ_ATTEMPTS);
    proxy.resetBefore(0);
  });

  it('sends a write once: reset before the store, it fails and nothing is written', async () => {
    const requests = proxy.seen.requests;
    proxy.resetBefore(1);
    await expect(things().insert({ _id: 'b', value: 2 })).rejects.toThrow(/connection/);
    expect(proxy.seen.requests - requests).toBe(1);
    await expect(things().get('b')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('sends a write once: reset after the store took it, it fails, and the store holds it once (no conflicting second attempt)', async () => {
    const requests = proxy.seen.requests;
    proxy.resetAfterForwarding();
    await expect(things().insert({ _id: 'c', value: 3 })).rejects.toThrow(/connection/);
    expect(proxy.seen.requests - requests).toBe(1);
    const held = await things().get('c');
    expect(held.value).toBe(3);
    expect(held._rev).toMatch(/^1-/);
  });
});
