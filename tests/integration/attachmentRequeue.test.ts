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

describe('which facts a push checks for bytes to queue', () => {
  it('an entry written before writes were marked is checked: its photo still goes up', async () => {
    const databaseName = `attachment-requeue-${process.pid}-${++databases}`;
    const tablet = await replicas.open(staff, 'requeue-unmarked', { databaseName });
    const queueWrite = tablet.store.book.putBlob.bind(tablet.store.book);
    tablet.store.book.putBlob = () => Promise.reject(new Error('the app closed'));
    const image = photo(200_000, databases);
    await expect(tablet.store.attachments.add({ bytes: image, about: `request:req-unmarked-${databases}`, mime: 'image/jpeg' }, world.siteId)).rejects.toThrow('the app closed');
    tablet.store.book.putBlob = queueWrite;
    // The outbox entry as a version before the mark wrote it: no `bytesKept`.
    const entries = await tablet.store.db.local.find({ selector: { type: 'state' } }).exec();
    const outbox = entries.filter((doc) => doc.key.startsWith('outbox~'));
    expect(outbox).toHaveLength(1);
    const { bytesKept, ...before } = outbox[0]!.toJSON().data as { bytesKept?: boolean };
    expect(bytesKept).toBe(true);
    await outbox[0]!.incrementalModify((stored) => ({ ...stored, data: before }));
    await replicas.close(tablet);
    const reopened = await replicas.open(staff, 'requeue-unmarked-after', { databaseName });
    const [factRowId] = (await reopened.store.db.rows.find({ selector: { kind: 'attachment' } }).exec()).map((doc) => doc.id);
    await syncAll([reopened]);
    await reopened.sync!.drainAttachments();
    const sha = ((await reopened.store.db.rows.findOne(factRowId).exec())!.toJSON() as unknown as { body: { sha256: string } }).body.sha256;
    expect(await readBlobBack(running, colleague, sha, factRowId!, image.length)).toEqual(image);
  });

  it('facts whose bytes are not kept here cost no read of the queue; a photo among them still goes up with its bytes', async () => {
    const tablet = await replicas.open(staff, 'requeue-mixed', { databaseName: `attachment-requeue-${process.pid}-${++databases}` });
    const described = (i: number) => ({ sha256: (databases * 10_000 + i).toString(16).padStart(64, '0'), about: `request:req-mixed-${i}`, mime: 'image/jpeg' as const, size: 1_000 + i, at: 1_790_000_000_000 + i });
    await tablet.store.facts.appendMany('attachment', Array.from({ length: 300 }, (_, i) => described(i)), world.siteId, { bytesKept: false });
    // Between them, a photo made here whose queue write failed (the app closed, then opened again).
    const queueWrite = tablet.store.book.putBlob.bind(tablet.store.book);
    tablet.store.book.putBlob = () => Promise.reject(new Error('the app closed'));
    const image = photo(150_000, databases);
    const adding = tablet.store.attachments.add({ bytes: image, about: `request:req-mixed-photo-${databases}`, mime: 'image/jpeg' }, world.siteId);
    await expect(adding).rejects.toThrow('the app closed');
    tablet.store.book.putBlob = queueWrite;
    await tablet.store.facts.appendMany('attachment', Array.from({ length: 300 }, (_, i) => described(300 + i)), world.siteId, { bytesKept: false });
    // What the push asks of the queue: the entries of the facts it checks.
    const looked: string[][] = [];
    const changeBlobs = tablet.store.book.changeBlobs.bind(tablet.store.book);
    tablet.store.book.changeBlobs = (shas, change) => {
      looked.push([...shas]);
      return changeBlobs(shas, change);
    };
    await syncAll([tablet]);
    await tablet.sync!.drainAttachments();
    const photoFact = (await tablet.store.db.rows.find({ selector: { kind: 'attachment' } }).exec())
      .map((doc) => doc.toJSON() as unknown as { id: string; body: { sha256: string; size: number } })
      .find((row) => row.body.size === image.length)!;
    expect(await tablet.store.book.waitingAmong([photoFact.id])).toEqual([]);
    expect(await readBlobBack(running, colleague, photoFact.body.sha256, photoFact.id, image.length)).toEqual(image);
    // Of the 601 facts, only the photo's bytes were looked up (and queued) by the push.
    expect(looked.flat().filter((sha) => sha !== photoFact.body.sha256)).toEqual([]);
    expect(looked.flat()).toContain(photoFact.body.sha256);
  });
});
