/**
 * An attachment is kept as its bytes, then its fact, then its bytes' place in the upload queue.
 * When the app closes between the last two (or that last write fails: storage full), the fact is
 * in the outbox and goes up, but nothing queued the bytes: HQ would see a photo it can never open
 * while the tablet said nothing waited. Every attachment fact made here goes up with its bytes
 * queued (the push queues them if nothing did, whichever tab pushes): they reach the server with
 * the fact, once, and a colleague reads them back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo, readBlobBack, setUpBlobWorld } from './blobWorld';
import { replicaPool, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let colleague: Person;
const replicas = replicaPool(() => running.url);
let databases = 0;

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff } = await setUpBlobWorld(running));
  colleague = await world.person(world.siteId, ['custodian'], 'Reading colleague');
}, 60_000);
afterAll(async () => running?.close());

describe('an attachment whose bytes were not queued', () => {
  for (const [when, bytes, reopen] of [
    ['the app closed before it queued them', 300_000, true],
    ['the app closed before it queued small bytes', 40_000, true],
    ['the queue\'s write failed (storage full) while the sync ran', 300_000, false],
  ] as const) {
    it(`goes up with its fact, once, when ${when}`, async () => {
      const databaseName = `attachment-requeue-${process.pid}-${++databases}`;
      const tablet = await replicas.open(staff, 'requeue-before', { databaseName });
      if (!reopen) tablet.start();
      const queueWrite = tablet.store.book.putBlob.bind(tablet.store.book);
      // The queue's write never happens: the app closed (or the write failed) right after the fact was written.
      tablet.store.book.putBlob = () => Promise.reject(new Error('the app closed'));
      const image = photo(bytes, databases);
      const adding = tablet.store.attachments.add({ bytes: image, about: `request:req-requeue-${databases}`, mime: 'image/jpeg', name: 'receipt.jpg' }, world.siteId);
      await expect(adding).rejects.toThrow('the app closed');
      const [factRowId] = (await tablet.store.db.rows.find({ selector: { kind: 'attachment' } }).exec()).map((doc) => doc.id);
      if (!reopen) {
        // While the queue cannot be written, the fact does not go up without its bytes, and the status says why.
        tablet.sync!.syncNow();
        await expect.poll(() => tablet.store.status.get().lastError, { timeout: 10_000 }).toContain('the app closed');
        expect(await tablet.store.book.waitingAmong([factRowId!])).toEqual([factRowId]);
      }
      tablet.store.book.putBlob = queueWrite;

      let synced = tablet;
      if (reopen) {
        expect(await tablet.store.book.queuedBlobs()).toEqual([]);
        await replicas.close(tablet);
        synced = await replicas.open(staff, 'requeue-after', { databaseName });
      }
      await syncAll([synced]);
      await synced.sync!.drainAttachments();
      expect(synced.store.status.get().attachments.queued).toBe(0);
      const { sha256 } = ((await synced.store.db.rows.findOne(factRowId).exec())!.toJSON() as unknown as { body: { sha256: string } }).body;
      expect(await synced.store.book.blob(sha256)).toMatchObject({ state: 'uploaded', factRowId });
      expect(await readBlobBack(running, colleague, sha256, factRowId!, image.length)).toEqual(image);
    });
  }
});
