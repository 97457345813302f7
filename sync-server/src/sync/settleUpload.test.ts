/**
 * How uploads settle into held bytes, on the embedded store: the first upload whose parts hash to
 * the name keeps them as the chunks (no copy is written); every later upload of the same bytes,
 * under another fact, is proven and drops its own parts; bytes held the earlier way (`chunk:`
 * copies) still read; and nothing of an upload is readable as chunks before it is complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, sha256, toBase64Url, toHex } from '@seal/shared';
import { connectStore, type Store } from '../couch/store';
import { startTestStore, type TestStore } from '../testing/testServer';
import { blobsRepo, type BlobsRepo } from './blobsRepo';
import { settleUpload, uploadKeyOf } from './settleUpload';

let testStore: TestStore;
let store: Store;
let blobs: BlobsRepo;

beforeAll(async () => {
  testStore = await startTestStore();
  store = connectStore(testStore.embedded.url, 'embedded', 'settle_', testStore.mac);
  await store.ensureDatabases(['blobs']);
  blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
});
afterAll(async () => testStore?.close());

const bytesOf = (size: number, seed: number) => Uint8Array.from({ length: size }, (_, i) => (i * 7 + seed * 13) % 256);
const chunksOf = (bytes: Uint8Array) => Array.from({ length: Math.ceil(bytes.length / BLOB_CHUNK_BYTES) }, (_, i) => toBase64Url(bytes.subarray(i * BLOB_CHUNK_BYTES, (i + 1) * BLOB_CHUNK_BYTES)));

/** Every document id of the blobs database under `prefix`. */
async function ids(prefix: string): Promise<string[]> {
  return (await store.couch.use(store.dbName('blobs')).list({ startkey: prefix, endkey: `${prefix}\ufff0` })).rows.map((r) => r.id);
}

/** Stages every chunk of `bytes` under the fact `fact`, then settles, as the chunk route does. */
async function upload(bytes: Uint8Array, sha: string, fact: string) {
  const chunks = chunksOf(bytes);
  let status;
  for (const [index, data] of chunks.entries()) {
    expect(await blobs.stage(sha, uploadKeyOf(fact), index, data)).toBe(true);
    status = await settleUpload(blobs, sha, fact, bytes.length, { index, data });
  }
  return status!;
}

async function read(sha: string, count: number): Promise<(string | undefined)[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => blobs.getChunk(sha, i)));
}

describe('settling uploads into held bytes', () => {
  it('keeps the first upload\'s parts as the chunks, and drops a later upload\'s once proven', async () => {
    const bytes = bytesOf(2 * BLOB_CHUNK_BYTES + 77, 1);
    const sha = toHex(await sha256(bytes));
    const first = 'fact:attachment:first';
    const second = 'fact:attachment:second';

    // Half an upload: nothing is readable yet, not even the part already staged.
    await blobs.stage(sha, uploadKeyOf(first), 0, chunksOf(bytes)[0]!);
    expect(await settleUpload(blobs, sha, first, bytes.length)).toMatchObject({ complete: false, received: [0] });
    expect(await read(sha, 3)).toEqual([undefined, undefined, undefined]);

    expect(await upload(bytes, sha, first)).toMatchObject({ complete: true });
    expect(await read(sha, 3)).toEqual(chunksOf(bytes));
    expect(await ids(`chunk:${sha}:`)).toEqual([]);
    expect(await ids(`part:${sha}:`)).toHaveLength(3);
    expect(await blobs.isProven(sha, uploadKeyOf(first))).toBe(true);

    expect(await blobs.isProven(sha, uploadKeyOf(second))).toBe(false);
    expect(await upload(bytes, sha, second)).toMatchObject({ complete: true });
    expect(await blobs.isProven(sha, uploadKeyOf(second))).toBe(true);
    // Held once: the first upload's parts, the second's gone.
    expect((await ids(`part:${sha}:`)).every((id) => id.startsWith(`part:${sha}:${uploadKeyOf(first)}:`))).toBe(true);
    expect(await ids(`part:${sha}:`)).toHaveLength(3);
    expect(await read(sha, 3)).toEqual(chunksOf(bytes));

    // Settling the first again (a retry whose answer was lost) keeps its parts.
    expect(await settleUpload(blobs, sha, first, bytes.length)).toMatchObject({ complete: true });
    expect(await read(sha, 3)).toEqual(chunksOf(bytes));
  });

  it('drops an upload whose bytes do not hash to the name, and keeps nothing of it', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 5, 2);
    const sha = toHex(await sha256(bytesOf(BLOB_CHUNK_BYTES + 5, 3)));
    const fact = 'fact:attachment:liar';
    const chunks = chunksOf(bytes);
    await blobs.stage(sha, uploadKeyOf(fact), 0, chunks[0]!);
    await blobs.stage(sha, uploadKeyOf(fact), 1, chunks[1]!);
    await expect(settleUpload(blobs, sha, fact, bytes.length, { index: 1, data: chunks[1]! })).rejects.toMatchObject({ code: 'blob_hash_mismatch' });
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await blobs.isComplete(sha)).toBe(false);
    expect(await read(sha, 2)).toEqual([undefined, undefined]);
  });

  it('still reads bytes held as chunk copies, and a new upload of them leaves no parts behind', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 300, 4);
    const sha = toHex(await sha256(bytes));
    for (const [index, data] of chunksOf(bytes).entries()) expect(await blobs.putChunk(sha, index, data)).toBe(true);
    await blobs.markComplete(sha, bytes.length);
    expect(await read(sha, 2)).toEqual(chunksOf(bytes));

    const fact = 'fact:attachment:later';
    expect(await upload(bytes, sha, fact)).toMatchObject({ complete: true });
    expect(await blobs.isProven(sha, uploadKeyOf(fact))).toBe(true);
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await read(sha, 2)).toEqual(chunksOf(bytes));
  });

  it('serves a chunk only from the document its blob names, and only that chunk of those bytes', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 1, 5);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:kept';
    await upload(bytes, sha, fact);
    // A chunk copy someone left behind (under the server's MAC: a bug, or bytes of another day) is not read once the blob names its parts.
    expect(await blobs.putChunk(sha, 0, toBase64Url(bytesOf(BLOB_CHUNK_BYTES, 9)))).toBe(true);
    expect(await blobs.getChunk(sha, 0)).toBe(chunksOf(bytes)[0]);
    // Past the last chunk: nothing.
    expect(await blobs.getChunk(sha, 2)).toBeUndefined();
  });
});
