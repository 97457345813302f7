import { describe, expect, it } from 'vitest';
import { readEvents } from './eventStream';

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
