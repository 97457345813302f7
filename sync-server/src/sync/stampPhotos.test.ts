/**
 * The one rule for a stamp's photo (`stampPhotosHeld`), on the embedded store: held for a device
 * only when an upload under an attachment fact about that device delivered the bytes — not for
 * another device naming the same hash, not under a fact filed with no upload behind it, not for a
 * request's document, not under a fact written into the store by anyone but the server — and
 * looked up for many stamps at once.
 */
import nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentId, factRowId, sha256, stampPhotoKey, subjectOf, toBase64Url, toHex, type FactRow, type UnitId, type UserId } from '@seal/shared';
import { migrateDesignDocs } from '../couch/designDocs';
import { connectStore, type Store } from '../couch/store';
import { SYNC_DATABASES, SYNC_DESIGN_DOCS } from '../couch/syncDatabases';
import { startTestStore, type TestStore } from '../testing/testServer';
import { blobsRepo, type BlobsRepo } from './blobsRepo';
import { rowsRepo, type RowsRepo } from './rowsRepo';
import { uploadKeyOf } from './settleUpload';
import { stampPhotoHeld, stampPhotosHeld } from './stampPhotos';

let testStore: TestStore;
let store: Store;
let rows: RowsRepo;
let blobs: BlobsRepo;

beforeAll(async () => {
  testStore = await startTestStore();
  store = connectStore(testStore.embedded.url, 'embedded', 'stampphotos_', testStore.mac);
  await store.ensureDatabases(SYNC_DATABASES);
  await migrateDesignDocs(store, SYNC_DESIGN_DOCS);
  rows = rowsRepo(store.couch.use(store.dbName('rows')));
  blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
});
afterAll(async () => testStore?.close());

const hashOf = async (bytes: Uint8Array) => toHex(await sha256(bytes));

/** An attachment fact filing `bytes` about `about` (as a tablet files a photo it read off a device). */
async function attachment(about: string, bytes: Uint8Array): Promise<FactRow> {
  const meta = { sha256: await hashOf(bytes), about, mime: 'image/jpeg', size: bytes.length, at: 1_790_000_000_000 };
  const id = await contentId(meta);
  return {
    id: factRowId('attachment', id), type: 'fact', kind: 'attachment', subject: about, scopeUnitId: 'site-1' as UnitId,
    author: 'usr_tablet' as UserId, createdAt: 1_790_000_000_000, body: { id, ...meta },
  };
}

/** The bytes held, delivered by an upload under `fact` (what a settled upload leaves: chunks, blob, proof). */
async function uploadedUnder(fact: FactRow, bytes: Uint8Array): Promise<void> {
  const sha = await hashOf(bytes);
  expect(await blobs.keepChunks(sha, [toBase64Url(bytes)])).toBe(true);
  await blobs.markHeld(sha, bytes.length, uploadKeyOf(fact.id), fact.id, false);
}

describe("a stamp's photo", () => {
  const photo = new TextEncoder().encode('the stamped page, photographed by dev-a');
  const document = new TextEncoder().encode('%PDF-1.4 another unit\'s contract');
  let photoSha: string;
  let documentSha: string;

  beforeAll(async () => {
    photoSha = await hashOf(photo);
    documentSha = await hashOf(document);
    const honest = await attachment(subjectOf('device', 'dev-a'), photo);
    const contract = await attachment(subjectOf('request', 'req-1'), document);
    // dev-b's maker files both hashes about dev-b, with no upload behind either.
    const filedOnly = [await attachment(subjectOf('device', 'dev-b'), photo), await attachment(subjectOf('device', 'dev-b'), document)];
    expect(await rows.createMany([honest, contract, ...filedOnly])).toEqual(['written', 'written', 'written', 'written']);
    await uploadedUnder(honest, photo);
    await uploadedUnder(contract, document);
    // A fact about dev-c written into the store by someone else (no MAC), its proof as the server would write it.
    const planted = await attachment(subjectOf('device', 'dev-c'), photo);
    await nano(testStore.embedded.url).use(store.dbName('rows')).insert({ ...planted, _id: planted.id });
    await blobs.markHeld(photoSha, photo.length, uploadKeyOf(planted.id), planted.id, true);
  });

  it("is held for the device whose fact's upload delivered it, and for no other device naming its hash", async () => {
    const asked = [
      { deviceId: 'dev-a', sha256: photoSha }, { deviceId: 'dev-b', sha256: photoSha }, { deviceId: 'dev-c', sha256: photoSha },
      { deviceId: 'dev-a', sha256: documentSha }, { deviceId: 'dev-b', sha256: documentSha }, { deviceId: 'dev-a', sha256: 'f'.repeat(64) },
    ];
    expect([...await stampPhotosHeld(asked, blobs, rows)]).toEqual([stampPhotoKey('dev-a', photoSha)]);
    expect(await Promise.all(asked.map((p) => stampPhotoHeld(p.sha256, p.deviceId, blobs, rows)))).toEqual([true, false, false, false, false, false]);
  });

  it('is looked up for many stamps in one read of the facts and one of the proofs', async () => {
    const calls = { facts: 0, proofs: 0 };
    const countedRows: RowsRepo = { ...rows, attachmentsAbout: (keys) => ((calls.facts += 1), rows.attachmentsAbout(keys)) };
    const countedBlobs: BlobsRepo = { ...blobs, heldUnder: (uploads) => ((calls.proofs += 1), blobs.heldUnder(uploads)) };
    const asked = Array.from({ length: 300 }, (_, i) => ({ deviceId: i === 0 ? 'dev-a' : `dev-${i}`, sha256: i === 0 ? photoSha : (i % 16).toString(16).repeat(64) }));
    expect([...await stampPhotosHeld(asked, countedBlobs, countedRows)]).toEqual([stampPhotoKey('dev-a', photoSha)]);
    expect(calls).toEqual({ facts: 1, proofs: 1 });
  });
});
