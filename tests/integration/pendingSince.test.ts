/**
 * The sync status says what waits to go up and since when: the time the oldest row still
 * waiting was made here, which moves on as the server answers the older ones.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { describe, expect, it } from 'vitest';
import { openLocalStore } from '../../app/src/store/localStore';
import { sealMove } from './fixtures';
import { loadAutomergeInNode } from './harness';

const USER = 'usr_pendingsince00001';
const UNIT = 'unit_pendingsincesite1';

describe('rows waiting to go up', () => {
  it('are counted with the time the oldest of them was made', async () => {
    let clock = 1_790_000_000_000;
    const store = await openLocalStore({ userId: USER, storage: localStorageDexie({ indexedDB, IDBKeyRange }), loadAutomerge: loadAutomergeInNode, databaseName: `pending-since-${process.pid}`, now: () => clock });
    try {
      expect(store.status.get()).toMatchObject({ pending: 0, pendingSince: null });
      const first = await store.facts.append('seal_status_change', sealMove('seal-a', null, 'active', USER, 'custodian', clock), UNIT);
      clock += 60_000;
      await store.facts.append('seal_status_change', sealMove('seal-b', null, 'active', USER, 'custodian', clock), UNIT);
      await expect.poll(() => store.status.get().pending).toBe(2);
      expect(store.status.get().pendingSince).toBe(1_790_000_000_000);

      // The server answered the older row: the newer one waits, since it was made.
      await store.book.removeFromOutbox([first.row.id]);
      await expect.poll(() => store.status.get().pending).toBe(1);
      expect(store.status.get().pendingSince).toBe(1_790_000_060_000);
    } finally {
      await store.close();
    }
  });
});
