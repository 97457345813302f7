/**
 * `POST /api/verify/pdf` is public: a stranger can post any file, and one that matches nothing on
 * record used to be parsed in full. A few hundred kilobytes declaring hundreds of thousands of
 * objects took seconds of CPU and left every object number in pdf-lib's ref pool for good (a
 * hostile tester grew the heap 28 → 127 MB with four such files). Now a file without the plain
 * marks of a seal's signature is not parsed; one with them is parsed under pdf-lib's patched
 * budgets (objects declared, values parsed), at most AUTH_RATE_LIMIT times a minute per address;
 * and the ref and name pools give back what a parse made. Every such file is answered as any
 * unknown file is: 200, match "none".
 */
import { createHash } from 'node:crypto';
import { PDFObjectStreamParser, PDFRef } from '@cantoo/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage, manyObjectsPdf, settledPools, type HostileStream } from '../hostilePdfs';
import { startSyncServer, type RunningSync } from './harness';

const poolSize = (): number => (PDFRef as unknown as { poolSize(): number }).poolSize();
const charged = (): number => (PDFObjectStreamParser as unknown as { objectsChargedInAll: number }).objectsChargedInAll;
/** pdf-lib's patched budget of what one parse may declare. */
const MAX_OBJECTS_PER_PARSE = 100_000;

let running: RunningSync;

beforeAll(async () => { running = await startSyncServer(); });
afterAll(async () => { await running?.close(); });


/** Posts `pdf` as a stranger (no session), over HTTP; answers the status, body, and the objects pdf-lib was made to read. */
async function verify(pdf: Uint8Array, server = running): Promise<{ status: number; body: Record<string, unknown>; objectsRead: number }> {
  const before = charged();
  const res = await fetch(`${server.url}/api/verify/pdf`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.server.config.origins[0]! },
    body: JSON.stringify({ pdf: Buffer.from(pdf).toString('base64') }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, objectsRead: charged() - before };
}

const expectUnknown = (answer: Awaited<ReturnType<typeof verify>>, pdf: Uint8Array): void => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body).toMatchObject({ sha256: createHash('sha256').update(pdf).digest('hex'), match: 'none', record: null, claimed: null });
  expect(answer.body.message).toMatch(/^No stamped document on record has these bytes/);
};

describe('a stranger posts PDFs declaring hundreds of thousands of objects to /api/verify/pdf', () => {
  it('one without the marks of a seal signature is answered "none" without being parsed', async () => {
    const pdf = manyObjectsPdf([{ kind: 'objects', count: 200_000, first: 5_000_000 }]);
    expect(pdf.length).toBeLessThan(600_000);
    const answer = await verify(pdf);
    expectUnknown(answer, pdf);
    expect(answer.objectsRead).toBe(0);
  });

  const marked: Array<[string, HostileStream[]]> = [
    ['an object stream of /N 200000', [{ kind: 'objects', count: 200_000, first: 6_000_000 }]],
    ['three object streams of 40,000 each', [0, 1, 2].map((i) => ({ kind: 'objects' as const, count: 40_000, first: 8_000_000 + i * 40_000 }))],
    ['a cross-reference stream of 2,000,000 zero-width entries', [{ kind: 'entries', count: 2_000_000, first: 9_000_000 }]],
    ['one object holding 3,000,000 values (a few kilobytes of Flate)', [{ kind: 'values', count: 3_000_000, first: 10 }]],
  ];
  it.each(marked)('one carrying the marks, %s, is refused by the parse budget and answered "none"', async (_name, streams) => {
    const pdf = manyObjectsPdf(streams, true);
    const answer = await verify(pdf);
    expectUnknown(answer, pdf);
    expect(answer.objectsRead).toBeLessThanOrEqual(MAX_OBJECTS_PER_PARSE);
  });

  it('several different ones under the budget, parsed in full, leave no ref behind in the pool', async () => {
    const pool = await settledPools(poolSize);
    collectGarbage();
    const heap = process.memoryUsage().heapUsed;
    for (let variant = 0; variant < 4; variant++) {
      const pdf = manyObjectsPdf([{ kind: 'objects', count: 40_000, first: 20_000_000 + variant * 1_000_000 }], true);
      const answer = await verify(pdf);
      expectUnknown(answer, pdf);
      expect(answer.objectsRead).toBeGreaterThan(40_000);
    }
    // 160,000 refs were made: the pool (a process-wide map) keeps none of them.
    expect(await settledPools(poolSize) - pool).toBeLessThan(5_000);
    console.info(`verifyPdfHostile: heap retained after four parsed variants: ${((process.memoryUsage().heapUsed - heap) / 1e6).toFixed(1)} MB`);
  });
});

describe('parses of posted PDFs are limited per address', () => {
  let strict: RunningSync;
  beforeAll(async () => { strict = await startSyncServer({ AUTH_RATE_LIMIT: '2' }); });
  afterAll(async () => { await strict?.close(); });

  it('past AUTH_RATE_LIMIT a minute, a file carrying the marks is refused 429; one without them is still answered', async () => {
    const marked = manyObjectsPdf([{ kind: 'objects', count: 10, first: 100 }], true);
    for (let i = 0; i < 2; i++) expectUnknown(await verify(marked, strict), marked);
    const refused = await verify(marked, strict);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'rate_limited' });
    expect(refused.objectsRead).toBe(0);
    const plain = manyObjectsPdf([{ kind: 'objects', count: 10, first: 100 }]);
    expectUnknown(await verify(plain, strict), plain);
  });
});
