/**
 * An attachment is kept as its bytes, then its fact, then its bytes' place in the upload queue.
 * When the app closes between the last two (or that last write fails: storage full), the fact is
 * in the outbox and goes up, but nothing queued the bytes: HQ would see a photo it can never open
 * while the tablet said nothing waited. Opening the store queues the bytes of every attachment
 * fact made here that waits to go up under no queue entry; they reach the server with the fact,
 * once, and a colleague reads them back.
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

describe('an attachment whose bytes were not queued when the app closed', () => {
  for (const [when, bytes] of [['new bytes', 300_000], ['small bytes', 40_000]] as const) {
    it(`goes up with its fact once the app opens again (${when})`, async () => {
      const databaseName = `attachment-requeue-${process.pid}-${++databases}`;
      const tablet = await replicas.open(staff, 'requeue-before', { databaseName });
      const queueWrite = tablet.store.book.putBlob.bind(tablet.store.book);
      // The queue's write never happens: the app closed right after the fact was written.
      tablet.store.book.putBlob = () => Promise.reject(new Error('the app closed'));
      const image = photo(bytes, databases);
      const adding = tablet.store.attachments.add({ bytes: image, about: `request:req-requeue-${databases}`, mime: 'image/jpeg', name: 'receipt.jpg' }, world.siteId);
      await expect(adding).rejects.toThrow('the app closed');
      tablet.store.book.putBlob = queueWrite;
      const [factRowId] = (await tablet.store.db.rows.find({ selector: { kind: 'attachment' } }).exec()).map((doc) => doc.id);
      expect(await tablet.store.book.queuedBlobs()).toEqual([]);
      await replicas.close(tablet);

      const reopened = await replicas.open(staff, 'requeue-after', { databaseName });
      expect((await reopened.store.book.queuedBlobs()).map((blob) => blob.entry.factRowId)).toEqual([factRowId]);
      await syncAll([reopened]);
      await reopened.sync!.drainAttachments();
      expect(reopened.store.status.get().attachments.queued).toBe(0);
      const { sha256 } = ((await reopened.store.db.rows.findOne(factRowId).exec())!.toJSON() as unknown as { body: { sha256: string } }).body;
      expect(await readBlobBack(running, colleague, sha256, factRowId!, image.length)).toEqual(image);

      // Opened again, nothing is queued twice.
      await replicas.close(reopened);
      const third = await replicas.open(staff, 'requeue-third', { databaseName });
      expect(await third.store.book.queuedBlobs()).toEqual([]);
    });
  }
});
