/**
 * The outbox keeps one entry per write (of at most a hundred rows), not one per row: the rows of
 * a write leave it as the server answers them, in any order and from any caller, the entry going
 * with its last; entries of older versions (one per row, in `local`) are read and answered alike,
 * and nothing new is written where an older version would take it for one of its own; an answered
 * batch costs the outbox a write per hundred rows, not a write per row (the browser's IndexedDB
 * paid a read and a tombstone per row).
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { createRevision, now as rxNow } from 'rxdb/plugins/utils';
import type { RxDocumentData } from 'rxdb';
import type { SyncRow } from '@seal/shared';
import { describe, expect, it } from 'vitest';
import { openLocalStore, type OpenedLocalStore } from '../../app/src/store/localStore';
import { localId, OUTBOX_ENTRY_ROWS, type LocalDoc, type OutboxEntry } from '../../app/src/store/collections';
import { isOutboxEntry, ORPHAN_AGE_MS } from '../../app/src/store/localBook';
import { loadAutomergeInNode } from './harness';
import { sealRecord } from './fixtures';

const USER = 'usr_outboxentries00001';
const UNIT = 'unit_outboxentriessite';
let counter = 0;

const fact = (i: number) => ({ sha256: i.toString(16).padStart(64, '0'), about: `request:req-${i % 7}`, mime: 'image/jpeg' as const, size: 1_000 + i, at: 1_790_000_000_000 + i });

async function withStore(run: (store: OpenedLocalStore, clock: { ms: number }) => Promise<void>): Promise<void> {
  const clock = { ms: 1_790_000_000_000 };
  const store = await openLocalStore({
    userId: USER, storage: localStorageDexie({ indexedDB, IDBKeyRange }), loadAutomerge: loadAutomergeInNode,
    databaseName: `outbox-entries-${process.pid}-${++counter}`, now: () => clock.ms,
  });
  try {
    await run(store, clock);
  } finally {
    await store.close();
  }
}

/** How many outbox entries the store holds (see `OutboxEntry`). */
const entryCount = async (store: OpenedLocalStore): Promise<number> =>
  (await store.db.local.find({ selector: { type: 'state' } }).exec()).filter((doc) => isOutboxEntry(doc)).length;

/** Records `n` facts in one write; their row ids, in order. */
async function write(store: OpenedLocalStore, from: number, n: number): Promise<string[]> {
  const outcomes = await store.facts.appendMany('attachment', Array.from({ length: n }, (_, k) => fact(from + k)), UNIT);
  return outcomes.map((o) => o.row.id);
}

describe('the outbox', () => {
  it('lets the rows of one write leave one by one, in the order made, and counts rows, not writes', async () => {
    await withStore(async (store, clock) => {
      const first = await write(store, 0, 3);
      clock.ms += 1_000;
      const second = await write(store, 10, 2);
      expect(await store.book.outboxInOrder()).toEqual([...first, ...second]);
      await expect.poll(() => store.status.get().pending).toBe(5);

      const answered: string[] = [];
      const watching = store.book.answered$().subscribe((id) => answered.push(id));
      try {
        // The middle row of the first write, then the first of the second: the rest keep their order.
        await store.book.removeFromOutbox([first[1]!]);
        await store.book.removeFromOutbox([second[0]!, 'fact:attachment:never-waited']);
        expect(await store.book.outboxInOrder()).toEqual([first[0], first[2], second[1]]);
        expect(await store.book.waitingAmong([...first, ...second])).toEqual([first[0], first[2], second[1]]);
        expect(await store.book.waitingAmong([first[1]!])).toEqual([]);
        await expect.poll(() => store.status.get().pending).toBe(3);
        // The oldest row still waiting is of the first write.
        expect(store.status.get().pendingSince).toBe(1_790_000_000_000);

        // The first write's last rows: its entry goes, and "since" moves on to the second.
        await store.book.removeFromOutbox([first[0]!, first[2]!]);
        await expect.poll(() => store.status.get().pendingSince).toBe(1_790_000_001_000);
        await store.book.removeFromOutbox([second[1]!]);
        await expect.poll(() => store.status.get().pending).toBe(0);
        expect(await store.book.outboxIds()).toEqual([]);
        // No entry is left behind, empty or not.
        expect(await entryCount(store)).toBe(0);
        await expect.poll(() => [...answered].sort()).toEqual([...first, ...second].sort());
      } finally {
        watching.unsubscribe();
      }
    });
  });

  it('keeps both of two removals from one write made at once', async () => {
    await withStore(async (store) => {
      const ids = await write(store, 0, 6);
      // The push answering one batch while a pull finds two rows already on the server, and the
      // fact log giving up a third: four removals of one entry at the same time.
      await Promise.all([
        store.book.removeFromOutbox([ids[0]!]),
        store.book.removeFromOutbox([ids[2]!, ids[3]!]),
        store.book.removeFromOutbox([ids[5]!]),
        store.book.removeFromOutbox([ids[2]!]),
      ]);
      expect(await store.book.outboxInOrder()).toEqual([ids[1], ids[4]]);
    });
  });

  it('keeps what another tab removed from the same entry while this one removed other rows', async () => {
    await withStore(async (store) => {
      const ids = await write(store, 0, 4);
      const storage = store.db.local.storageInstance;
      const original = storage.bulkWrite.bind(storage);
      let otherTabWrote = false;
      // Just before this tab's write lands, another tab (the same database) takes row 0 out of
      // the entry: this tab's write was prepared from the entry as it was before.
      (storage as { bulkWrite: typeof original }).bulkWrite = async (rows, context) => {
        if (!otherTabWrote && rows.some((r) => isOutboxEntry(r.document) && r.previous !== undefined)) {
          otherTabWrote = true;
          const previous: RxDocumentData<LocalDoc> = rows[0]!.previous!;
          const data = previous.data as OutboxEntry;
          const document = {
            ...previous, data: { ...data, ids: data.ids.filter((id) => id !== ids[0]) },
            _rev: createRevision(`other-tab-${counter}`, previous), _meta: { ...previous._meta, lwt: rxNow() },
          };
          const other = await original([{ previous, document }], 'other-tab');
          expect(other.error).toEqual([]);
        }
        return original(rows, context);
      };
      await store.book.removeFromOutbox([ids[2]!]);
      expect(otherTabWrote).toBe(true);
      // Neither removal undid the other: row 0 does not come back.
      expect(await store.book.outboxInOrder()).toEqual([ids[1], ids[3]]);
    });
  });

  it('reads entries of older versions (one per row) in their order among the new, and answers them alike', async () => {
    await withStore(async (store, clock) => {
      // Two rows recorded by an older version: one entry each, keyed by the row id (the oldest
      // kind without `seq`, ordered by its time), written before the new version's.
      const older = await write(store, 100, 2);
      await store.book.removeFromOutbox(older);
      await store.db.local.bulkInsert([
        { id: localId('outbox', older[1]!), type: 'outbox', key: older[1]!, at: clock.ms - 5_000, data: null },
        { id: localId('outbox', older[0]!), type: 'outbox', key: older[0]!, at: clock.ms - 9_000, data: { seq: (clock.ms - 9_000) * 1000 } },
      ] as never);
      const newer = await write(store, 200, 2);
      expect(await store.book.outboxInOrder()).toEqual([older[0], older[1], ...newer]);
      // The new write's entry is not where an older version looks (it would read the entry's key
      // as a row id, find no such row, and sweep the entry as an orphan after a minute).
      expect((await store.db.local.find({ selector: { type: 'outbox' } }).exec()).map((doc) => doc.key).sort()).toEqual([...older].sort());
      await expect.poll(() => store.status.get().pending).toBe(4);

      await store.book.removeFromOutbox([older[1]!, newer[0]!]);
      expect(await store.book.outboxInOrder()).toEqual([older[0], newer[1]]);
    });
  });

  it('sweeps an entry whose rows were never written, once it is old enough, and only their ids', async () => {
    await withStore(async (store, clock) => {
      const written = await write(store, 0, 2);
      // A write that ended before its rows (the app closed between the two writes): the entry
      // names two rows that never were, beside one that is.
      await store.book.addToOutbox(['fact:attachment:never-written-1', written[1]!, 'fact:attachment:never-written-2']);
      await store.book.sweepOrphans();
      expect(await store.book.outboxInOrder()).toHaveLength(4);
      clock.ms += ORPHAN_AGE_MS + 1;
      await store.book.sweepOrphans();
      expect(await store.book.outboxInOrder()).toEqual(written);
    });
  });

  it('keeps a row noted again by a write under way, though an old entry without its row names it too', async () => {
    await withStore(async (store, clock) => {
      // A write that ended before its row (X), then, over a minute later, the same fact recorded
      // again (a device log read again: its entries' ids are their own): its entry is written,
      // its row not yet, when the sweep runs (another tab opening, or a push pass meeting it).
      const x = 'fact:device_event:noted-twice';
      await store.book.addToOutbox([x]);
      clock.ms += ORPHAN_AGE_MS + 1;
      const between = await write(store, 0, 1);
      clock.ms += 1;
      await store.book.addToOutbox([x]);
      await store.book.sweepOrphans();
      // X waits, where it was noted last (after the row made in between), not swept with the old entry.
      expect(await store.book.outboxInOrder()).toEqual([...between, x]);
    });
  });

  it('sweeps an orphan only from entries that old, though a younger entry came in since it was read', async () => {
    await withStore(async (store, clock) => {
      const x = 'fact:device_event:swept-while-noted';
      await store.book.addToOutbox([x]);
      const old = clock.ms;
      clock.ms += ORPHAN_AGE_MS + 1;
      // The sweep read X in its old entry; meanwhile a write under way noted X again.
      await store.book.addToOutbox([x]);
      await store.book.removeOrphans([{ key: x, at: old }], clock.ms - ORPHAN_AGE_MS);
      expect(await store.book.outboxInOrder()).toEqual([x]);
    });
  });

  it('lets a write take back only its own entries\' rows', async () => {
    await withStore(async (store) => {
      const x = 'fact:device_event:two-writers';
      const [first] = await store.book.addToOutbox([x]);
      const [second] = await store.book.addToOutbox([x, 'fact:device_event:other']);
      // The second writer's row was taken by a pull first: it takes X back from its own entry.
      await store.book.removeFromOutbox([x], { entries: [second!] });
      // X still waits, under the first writer's entry (and goes up in its place, the earlier).
      expect(await store.book.outboxInOrder()).toEqual([x, 'fact:device_event:other']);
      await store.book.removeFromOutbox([x], { entries: [first!] });
      expect(await store.book.outboxInOrder()).toEqual(['fact:device_event:other']);
    });
  });

  it('answers a batch of 500 rows in a write per hundred rows, not one per row', async () => {
    await withStore(async (store) => {
      const ids = await write(store, 0, 500);
      const more = await write(store, 1_000, 10);
      expect(await entryCount(store)).toBe(500 / OUTBOX_ENTRY_ROWS + 1);
      const writes: string[] = [];
      const watching = store.db.local.$.subscribe((event) => writes.push(event.operation));
      try {
        await store.book.removeFromOutbox(ids);
        await store.book.removeFromOutbox(more.slice(0, 5));
        await expect.poll(() => writes.length).toBe(500 / OUTBOX_ENTRY_ROWS + 1);
      } finally {
        watching.unsubscribe();
      }
      expect(writes).toEqual([...Array.from({ length: 500 / OUTBOX_ENTRY_ROWS }, () => 'DELETE'), 'UPDATE']);
      expect(await store.book.outboxInOrder()).toEqual(more.slice(5));
    });
  });

  describe('a write frozen between its outbox entry and its rows (a locked screen, a background tab, the clock jumping on)', () => {
    /**
     * Lets the clock run past `ORPHAN_AGE_MS` between the write's outbox entry and its rows, with
     * `during` run then (the rows not in yet) and `after` once they are, before the write ends.
     */
    function freezeRowWrite(store: OpenedLocalStore, clock: { ms: number }, hooks: { during?: () => Promise<void>; after?: () => Promise<void> }): void {
      const original = store.db.rows.bulkInsert.bind(store.db.rows);
      let frozen = false;
      (store.db.rows as { bulkInsert: typeof original }).bulkInsert = async (docs) => {
        if (frozen) return original(docs);
        frozen = true;
        clock.ms += ORPHAN_AGE_MS + 1;
        await hooks.during?.();
        const written = await original(docs);
        await hooks.after?.();
        return written;
      };
    }

    it('keeps the facts waiting though a sweep took their entry for a crash\'s leftover before they were in', async () => {
      await withStore(async (store, clock) => {
        const before = await write(store, 0, 2);
        freezeRowWrite(store, clock, { during: () => store.book.sweepOrphans() });
        const frozen = await write(store, 10, 3);
        // The sweep did take the entry (a minute old, its rows not written): the write notes them again.
        expect(await store.book.outboxInOrder()).toEqual([...before, ...frozen]);
        await expect.poll(() => store.status.get().pending).toBe(5);
      });
    });

    it('keeps the facts waiting though the sweep read the outbox before they were in and took the entry after', async () => {
      await withStore(async (store, clock) => {
        let seen: { key: string; at: number }[] = [];
        let sweptBefore = 0;
        freezeRowWrite(store, clock, {
          during: async () => {
            // A push pass (or another tab's open) reads the entry and finds no row…
            seen = await store.book.outboxEntries();
            sweptBefore = clock.ms - ORPHAN_AGE_MS;
          },
          // …and takes it out only once the rows are in.
          after: () => store.book.removeOrphans(seen, sweptBefore),
        });
        const frozen = await write(store, 0, 3);
        expect(seen.map((entry) => entry.key)).toEqual(frozen);
        expect(await store.book.outboxInOrder()).toEqual(frozen);
      });
    });

    it('keeps a record\'s change waiting though a sweep took its entry before it was in', async () => {
      await withStore(async (store, clock) => {
        freezeRowWrite(store, clock, { during: () => store.book.sweepOrphans() });
        await store.records.create('seal', sealRecord('seal-frozen-write', UNIT, USER));
        const rows = await store.db.rows.find().exec();
        expect(rows).toHaveLength(1);
        expect(await store.book.outboxInOrder()).toEqual([rows[0]!.id]);
      });
    });

    it('does not send again a row refused while its write was frozen', async () => {
      await withStore(async (store, clock) => {
        freezeRowWrite(store, clock, {
          // Another tab pushed the row as soon as it was in; the server refused it.
          after: async () => {
            const row = (await store.db.rows.find().exec())[0]!.toJSON() as unknown as SyncRow;
            await store.book.putRefusals([{ code: 'out_of_scope', message: 'refused', row }]);
            await store.book.removeFromOutbox([row.id]);
          },
        });
        const [id] = await write(store, 0, 1);
        expect((await store.book.refusalsOf([id!])).size).toBe(1);
        expect(await store.book.outboxInOrder()).toEqual([]);
      });
    });

    it('keeps a row written quickly though a sweep that read the outbox before it stalled for over a minute after', async () => {
      await withStore(async (store, clock) => {
        // The write is held at its row until the sweep has read the outbox and found no row.
        const original = store.db.rows.bulkInsert.bind(store.db.rows);
        let atRowWrite!: () => void;
        const reachedRowWrite = new Promise<void>((done) => (atRowWrite = done));
        let rowGo!: () => void;
        const mayWriteRow = new Promise<void>((done) => (rowGo = done));
        (store.db.rows as { bulkInsert: typeof original }).bulkInsert = async (docs) => {
          atRowWrite();
          await mayWriteRow;
          return original(docs);
        };
        const writing = write(store, 0, 1);
        await reachedRowWrite;
        const read = store.db.rows.findByIds.bind(store.db.rows);
        (store.db.rows as { findByIds: typeof read }).findByIds = (ids) => {
          const query = read(ids);
          return Object.assign(Object.create(query) as typeof query, {
            exec: async () => {
              const found = await query.exec();
              // The sweep saw no row. The write ends at once (it took no time: nothing to note
              // again), then the sweeping tab is frozen for over a minute before it goes on.
              rowGo();
              await writing;
              clock.ms += ORPHAN_AGE_MS + 1;
              return found;
            },
          });
        };
        await store.book.sweepOrphans();
        const [id] = await writing;
        expect(await store.book.outboxInOrder()).toEqual([id]);
      });
    });

    it('notes nothing twice for a write that took no time', async () => {
      await withStore(async (store) => {
        await write(store, 0, 3);
        await store.records.create('seal', sealRecord('seal-quick-write', UNIT, USER));
        expect(await entryCount(store)).toBe(2);
        expect(await store.book.outboxInOrder()).toHaveLength(4);
      });
    });
  });
});
