/**
 * Rows written while nobody projected them — the tab closed or reloaded between a pull's write and
 * its projection — are projected when the store opens again. Here the rows reach a database with
 * no store open on it (as a write cut short by a reload leaves them), and a store opened on it
 * afterwards must show the records they carry.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { createRxDatabase } from 'rxdb';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { describe, expect, it } from 'vitest';
import { COLLECTION_SCHEMAS, type SealCollections } from '../../app/src/store/collections';
import { openLocalStore } from '../../app/src/store/localStore';
import { sealMove, sealRecord } from './fixtures';
import { loadAutomergeInNode } from './harness';

const storage = () => localStorageDexie({ indexedDB, IDBKeyRange });
const USER = 'usr_projectorrestart1';
const UNIT = 'unit_projectorsite01';

describe('projections after a restart', () => {
  it('projects rows that were written while no store was projecting', async () => {
    // Rows as another replica made them.
    const source = await openLocalStore({ userId: USER, storage: storage(), loadAutomerge: loadAutomergeInNode, databaseName: `proj-src-${process.pid}` });
    await source.records.create('seal', sealRecord('seal-restart', UNIT, USER, '项目部合同章'));
    await source.facts.append('seal_status_change', sealMove('seal-restart', null, 'active', USER, 'custodian', 1_790_000_000_100), UNIT);
    const rows = (await source.db.rows.find().exec()).map((doc) => doc.toJSON());
    expect(rows).toHaveLength(2);
    await source.close();

    // They land in the tablet's database with nothing projecting (the page went away mid-pull).
    const name = `proj-dst-${process.pid}`;
    const raw = await createRxDatabase<SealCollections>({ name, storage: storage(), multiInstance: false, closeDuplicates: true });
    await raw.addCollections(COLLECTION_SCHEMAS);
    await raw.rows.bulkInsert(rows as never);
    expect(await raw.records.count().exec()).toBe(0);
    await raw.close();

    // The page opens again: the seal is shown, with its status.
    const tablet = await openLocalStore({ userId: USER, storage: storage(), loadAutomerge: loadAutomergeInNode, databaseName: name });
    await tablet.whenProjected();
    expect(await tablet.projection('seal:seal-restart')).toMatchObject({ record: { name: '项目部合同章' }, valid: true, derived: { status: 'active' } });
    await tablet.close();

    // And again: nothing lost, nothing projected twice into another shape.
    const again = await openLocalStore({ userId: USER, storage: storage(), loadAutomerge: loadAutomergeInNode, databaseName: name });
    await again.whenProjected();
    expect(await again.projection('seal:seal-restart')).toMatchObject({ record: { name: '项目部合同章' }, derived: { status: 'active', lifecycleChanges: 1 } });
    await again.close();
  });
});
