import { describe, expect, it } from 'vitest';
import { readEvents } from './eventStream';
import { REPLICA_USER_HEADER } from '@seal/shared';
import { SyncClient } from './syncClient';

const streamOf = (...chunks: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe('readEvents', () => {
  it('reads named events across chunk boundaries, skipping comments and data', async () => {
    const names: string[] = [];
    await readEvents(streamOf('retry: 3000\nevent: rea', 'dy\ndata: {}\n\n: keep-alive\n\nevent: changes\r\ndata: {}\r\n\r\n', 'event: changes\n\n'), (name) => names.push(name));
    expect(names).toEqual(['ready', 'changes', 'changes']);
  });
});

describe('SyncClient.openStream', () => {
  it('names the replica listening (the server then leaves out hints of its own pushes), and the user it belongs to', async () => {
    const asked: { url: string; headers: Headers }[] = [];
    const fetchStub = ((input: string, init?: RequestInit) => {
      asked.push({ url: input, headers: new Headers(init?.headers) });
      return Promise.resolve(new Response('', { status: 200 }));
    }) as typeof fetch;
    await new SyncClient({ baseUrl: 'http://sync.test', fetch: fetchStub }, 'replica-0123456789', 'user-a').openStream(new AbortController().signal);
    await new SyncClient({ baseUrl: 'http://sync.test', fetch: fetchStub }).openStream(new AbortController().signal);
    const [named, bare] = asked.map(({ url }) => new URL(url));
    expect(named!.pathname).toBe('/api/sync/stream');
    expect([...named!.searchParams]).toEqual([['replica', 'replica-0123456789']]);
    expect(asked[0]!.headers.get(REPLICA_USER_HEADER)).toBe('user-a');
    expect(bare!.search).toBe('');
  });
});
