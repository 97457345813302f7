import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factRowId, subjectOf, type FactRow, type UnitId, type UserId } from '@seal/shared';
import { migrateDesignDocs } from '../couch/designDocs';
import { connectStore } from '../couch/store';
import { startTestStore, type TestStore } from '../testing/testServer';
import { SYNC_DATABASES, SYNC_DESIGN_DOCS } from '../couch/syncDatabases';
import { rowsRepo, type RowsRepo } from './rowsRepo';

/** A stored device log entry as the push path stores it (the view reads only `deviceId` and `seq`). */
const entry = (deviceId: string, seq: number): FactRow => ({
  id: factRowId('device_event', `${deviceId}:${seq}`), type: 'fact', kind: 'device_event', subject: subjectOf('device', deviceId),
  scopeUnitId: 'site-1' as UnitId, author: 'custodian' as UserId, createdAt: 1_790_000_000_000,
  body: { deviceId, seq, prevHash: '0'.repeat(64), at: 1_790_000_000_000 + seq, type: 'low_battery', payload: { percent: 50 }, signature: 'A'.repeat(86) },
});

describe('rowsRepo: a device log read by seq', () => {
  let testStore: TestStore;
  let rows: RowsRepo;
  beforeAll(async () => {
    testStore = await startTestStore();
    const store = connectStore(testStore.embedded.url, 'embedded', 'rowsrepo_', testStore.mac);
    await store.ensureDatabases(SYNC_DATABASES);
    await migrateDesignDocs(store, SYNC_DESIGN_DOCS);
    rows = rowsRepo(store.couch.use(store.dbName('rows')));
    await rows.createMany([...[0, 1, 2, 9, 10, 11, 25].map((seq) => entry('dev-a', seq)), entry('dev-b', 5), entry('dev-a0', 3)]);
  });
  afterAll(async () => testStore?.close());

  it('finds the stored entry with the highest seq below a seq, in numeric order (ids sort "10" before "9")', async () => {
    const seqBelow = async (deviceId: string, seq: number) => ((await rows.deviceEntryBelow(deviceId, seq))?.body as { seq?: number } | undefined)?.seq;
    expect(await seqBelow('dev-a', 12)).toBe(11);
    expect(await seqBelow('dev-a', 10)).toBe(9);
    expect(await seqBelow('dev-a', 9)).toBe(2);
    expect(await seqBelow('dev-a', 5)).toBe(2);
    expect(await seqBelow('dev-a', 1_000)).toBe(25);
    expect(await seqBelow('dev-a', 1)).toBe(0);
    expect(await seqBelow('dev-a', 0)).toBeUndefined();
    // Another device's entries never count, however its id sorts.
    expect(await seqBelow('dev-b', 5)).toBeUndefined();
    expect(await seqBelow('dev-a0', 3)).toBeUndefined();
    expect(await seqBelow('dev', 100)).toBeUndefined();
  });

  it('returns the stored row itself', async () => {
    expect(await rows.deviceEntryBelow('dev-b', 6)).toEqual(entry('dev-b', 5));
  });
});
