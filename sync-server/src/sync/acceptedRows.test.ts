import Nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRow } from '@seal/shared';
import { startTestStore, type TestStore } from '../testing/testServer';
import { macScope } from '../couch/macScope';
import { connectStore } from '../couch/store';
import { reportingAcceptedRows } from './acceptedRows';
import { rowsRepo, RowsPartlyWritten } from './rowsRepo';

const row = (i: number): SyncRow => ({
  id: `fact:attachment:${i.toString(16).padStart(64, '0')}`, type: 'fact', kind: 'attachment', subject: 'request:r1', scopeUnitId: 'site-1', author: 'u1', createdAt: 1_790_000_000_000 + i,
  body: { sha256: i.toString(16).padStart(64, '0'), about: 'request:r1', mime: 'image/jpeg', size: 1000 + i, at: 1_790_000_000_000 + i, id: i.toString(16).padStart(64, '0') },
} as unknown as SyncRow);

/** Rows a write stored are told once, also when the write failed after storing part of them. */
describe('rows told as stored', () => {
  let testStore: TestStore;

  beforeAll(async () => {
    testStore = await startTestStore();
    await connectStore(testStore.embedded.url, 'embedded', 'accepted_', testStore.mac).ensureDatabases(['rows']);
  }, 60_000);
  afterAll(async () => testStore?.close());

  /** The rows repository over the store, its requests failing from the `failFrom`-th on. */
  const repo = (told: SyncRow[][], failFrom = Infinity) => {
    const real = Nano(testStore.embedded.url).use<SyncRow>('accepted_rows');
    const relax = real.server.relax.bind(real.server) as (options: never) => Promise<unknown>;
    let calls = 0;
    const server = { ...real.server, relax: (options: never) => (++calls >= failFrom ? Promise.reject(new Error('store restarted')) : relax(options)) };
    const db = macScope({ ...real, server }, 'rows', testStore.mac);
    return reportingAcceptedRows(rowsRepo(db), (rows) => {
      told.push([...rows]);
      return Promise.resolve();
    }, () => undefined);
  };

  it('tells of the part stored before a write failed, and of the rest when it is sent again: each row once', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => row(i));
    const told: SyncRow[][] = [];
    const failed = await repo(told, 2).createMany(rows).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RowsPartlyWritten);
    const first = told.flat().map((r) => r.id);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(500);
    // The push is sent again: what was stored comes back held, the rest is written.
    const outcomes = await repo(told).createMany(rows);
    expect(outcomes.filter((o) => o === 'exists')).toHaveLength(first.length);
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(500 - first.length);
    const all = told.flat().map((r) => r.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
