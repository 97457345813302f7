/**
 * A fact recorded on this tablet while a pull brings the same fact from the server (another
 * replica recorded it first: a content-addressed grant, a device log entry two tablets carry).
 * The pull's write lands between the fact log's look at what is held and its own write. Nothing
 * of ours is then waiting to go up: the tablet must not show it as "waiting to sync" for ever.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { describe, expect, it, vi } from 'vitest';
import { openLocalStore, type OpenedLocalStore } from '../../app/src/store/localStore';
import { StoreError } from '../../app/src/store/StoreError';
import { sealMove, sealRecord } from './fixtures';
import { loadAutomergeInNode } from './harness';

const USER = 'usr_factlograce00001';
const UNIT = 'unit_factlogracesite1';
let counter = 0;

async function tablet(): Promise<OpenedLocalStore> {
  return openLocalStore({ userId: USER, storage: localStorageDexie({ indexedDB, IDBKeyRange }), loadAutomerge: loadAutomergeInNode, databaseName: `factlog-race-${process.pid}-${++counter}` });
}

/** Makes the next write to `rows` find `row` written just before it, as a pull would. */
function pullWritesFirst(store: OpenedLocalStore, row: Record<string, unknown>): void {
  const rows = store.db.rows;
  const original = rows.bulkInsert.bind(rows);
  rows.bulkInsert = (async (docs: never[]) => {
    rows.bulkInsert = original;
    await rows.insert(row as never);
    return original(docs);
  });
}

describe('a fact recorded here as the same fact arrives from the server', () => {
  it('is held once, and nothing waits to go up', async () => {
    const store = await tablet();
    const move = sealMove('seal-race', null, 'active', USER, 'custodian', 1_790_000_000_500);
    // What the server holds: the same fact, recorded by another replica of this person.
    const other = await tablet();
    const { row: serverCopy } = await other.facts.append('seal_status_change', move, UNIT);
    await other.close();

    pullWritesFirst(store, serverCopy);
    const outcome = await store.facts.append('seal_status_change', move, UNIT);
    expect(outcome.added).toBe(false);
    expect(outcome.row).toMatchObject({ id: serverCopy.id, body: serverCopy.body });
    expect(await store.book.outboxIds()).toEqual([]);
    expect((await store.db.rows.find().exec()).map((d) => d.id)).toEqual([serverCopy.id]);
    await store.close();
  });

  it('refuses, and keeps nothing waiting, when the arriving fact has another body under the id', async () => {
    const store = await tablet();
    const move = sealMove('seal-race-2', null, 'active', USER, 'custodian', 1_790_000_000_600);
    const other = await tablet();
    const { row: serverCopy } = await other.facts.append('seal_status_change', { ...move, reason: 'recorded elsewhere' }, UNIT);
    await other.close();

    pullWritesFirst(store, serverCopy);
    const attempt = store.facts.append('seal_status_change', move, UNIT);
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    await expect(attempt).rejects.toMatchObject({ code: 'fact_conflict' });
    expect(await store.book.outboxIds()).toEqual([]);
    await store.close();
  });

  it('leaves waiting the same fact as another writer here noted it, when that writer\'s row went in first', async () => {
    const store = await tablet();
    const move = sealMove('seal-race-3', null, 'active', USER, 'custodian', 1_790_000_000_700);
    const other = await tablet();
    const { row: sameFact } = await other.facts.append('seal_status_change', move, UNIT);
    await other.close();
    // Another tab of this database recorded the same fact: its entry is written, then its row,
    // which lands just before this write's own.
    await store.book.addToOutbox([sameFact.id]);
    pullWritesFirst(store, sameFact);
    const outcome = await store.facts.append('seal_status_change', move, UNIT);
    expect(outcome.added).toBe(false);
    // This write took the id back from its own entry only: the other writer's row still goes up.
    expect(await store.book.outboxIds()).toEqual([sameFact.id]);
    await store.close();
  });

  it('keeps nothing waiting for a row the store could not write', async () => {
    const store = await tablet();
    const rows = store.db.rows;
    const original = rows.bulkInsert.bind(rows);
    rows.bulkInsert = ((docs: { id: string }[]) => {
      rows.bulkInsert = original;
      return Promise.resolve({ success: [], error: docs.map((doc) => ({ status: 500, documentId: doc.id, isError: true, writeRow: { document: doc } })) });
    }) as never;
    const attempt = store.facts.append('seal_status_change', sealMove('seal-race-4', null, 'active', USER, 'custodian', 1_790_000_000_800), UNIT);
    await expect(attempt).rejects.toMatchObject({ code: 'write_failed' });
    expect(await store.book.outboxIds()).toEqual([]);
    await store.close();
  });

  it('makes a refused creation again without failing: the same change, held once, refused as before, nothing new waiting', async () => {
    // A creation refused by the server drops out of what the store shows; made again in the same
    // second by the same store, it is the same Automerge change under the same id (the
    // convergence run met this and failed on RxDB's conflict).
    const store = await tablet();
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_790_000_000_900);
    try {
      const record = sealRecord('seal-race-5', UNIT, USER);
      const first = await store.records.create('seal', record);
      await store.book.removeFromOutbox([first.id]);
      await store.book.putRefusals([{ code: 'stale_transition', message: 'refused for the test', row: first }]);
      const again = await store.records.create('seal', record);
      expect(again).toEqual(first);
      expect(await store.book.outboxIds()).toEqual([]);
      expect((await store.db.rows.find().exec()).map((d) => d.id)).toEqual([first.id]);
      expect([...(await store.book.refusalsOf([first.id])).keys()]).toEqual([first.id]);
    } finally {
      now.mockRestore();
      await store.close();
    }
  });
});
