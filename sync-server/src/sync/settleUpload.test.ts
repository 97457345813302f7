/**
 * How uploads settle into held bytes, on the embedded store: the first upload whose parts hash to
 * the name has them copied into the chunks (written once, never changed) and drops its parts;
 * every later upload of the same bytes, under another fact, is proven and drops its own; nothing
 * of an upload is readable as chunks before it is complete; and a settle of wrong bytes racing a
 * good upload under the same fact (anyone in the fact's scope may send chunks under it) never
 * takes the held bytes with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, sha256, toBase64Url, toHex } from '@seal/shared';
import { migrateDesignDocs } from '../couch/designDocs';
import { connectStore, type Store } from '../couch/store';
import { SYNC_DESIGN_DOCS } from '../couch/syncDatabases';
import { startTestStore, type TestStore } from '../testing/testServer';
import { blobsRepo, type BlobsRepo } from './blobsRepo';
import { receiveChunk, settleUpload, uploadKeyOf, uploadUnder } from './settleUpload';

let testStore: TestStore;
let store: Store;
let blobs: BlobsRepo;

beforeAll(async () => {
  testStore = await startTestStore();
  store = connectStore(testStore.embedded.url, 'embedded', 'settle_', testStore.mac);
  await store.ensureDatabases(['blobs']);
  // The store's own write-once rule for held bytes, as on a running server.
  await migrateDesignDocs(store, { blobs: SYNC_DESIGN_DOCS.blobs! });
  blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
});
afterAll(async () => testStore?.close());

/** The upload the test's one uploader makes under `fact`. */
const by = (fact: string) => uploadUnder(fact, 'usr_uploader');

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
    expect(await blobs.stage(sha, by(fact).staging, index, data)).toBe(true);
    status = await settleUpload(blobs, sha, by(fact), bytes.length, { index, data });
  }
  return status;
}

async function read(sha: string, count: number): Promise<(string | undefined)[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => blobs.getChunk(sha, i)));
}

describe('settling uploads into held bytes', () => {
  it('copies the first upload\'s parts into the chunks, and drops every upload\'s parts once proven', async () => {
    const bytes = bytesOf(2 * BLOB_CHUNK_BYTES + 77, 1);
    const sha = toHex(await sha256(bytes));
    const first = 'fact:attachment:first';
    const second = 'fact:attachment:second';

    // Half an upload: nothing is readable yet, not even the part already staged.
    await blobs.stage(sha, by(first).staging, 0, chunksOf(bytes)[0]!);
    expect(await settleUpload(blobs, sha, by(first), bytes.length)).toMatchObject({ complete: false, received: [0] });
    expect(await read(sha, 3)).toEqual([undefined, undefined, undefined]);

    expect(await upload(bytes, sha, first)).toMatchObject({ complete: true });
    expect(await read(sha, 3)).toEqual(chunksOf(bytes));
    expect(await ids(`chunk:${sha}:`)).toHaveLength(3);
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await blobs.isProven(sha, uploadKeyOf(first))).toBe(true);

    expect(await blobs.isProven(sha, uploadKeyOf(second))).toBe(false);
    expect(await upload(bytes, sha, second)).toMatchObject({ complete: true });
    expect(await blobs.isProven(sha, uploadKeyOf(second))).toBe(true);
    // Held once: one copy, no parts left.
    expect(await ids(`chunk:${sha}:`)).toHaveLength(3);
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await read(sha, 3)).toEqual(chunksOf(bytes));

    // Settling the first again (a retry whose answer was lost) changes nothing.
    expect(await settleUpload(blobs, sha, by(first), bytes.length)).toMatchObject({ complete: true });
    expect(await read(sha, 3)).toEqual(chunksOf(bytes));
  });

  it('drops an upload whose bytes do not hash to the name, and keeps nothing of it', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 5, 2);
    const sha = toHex(await sha256(bytesOf(BLOB_CHUNK_BYTES + 5, 3)));
    const fact = 'fact:attachment:liar';
    const chunks = chunksOf(bytes);
    await blobs.stage(sha, by(fact).staging, 0, chunks[0]!);
    await blobs.stage(sha, by(fact).staging, 1, chunks[1]!);
    await expect(settleUpload(blobs, sha, by(fact), bytes.length, { index: 1, data: chunks[1]! })).rejects.toMatchObject({ code: 'blob_hash_mismatch' });
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await blobs.isComplete(sha)).toBe(false);
    expect(await read(sha, 2)).toEqual([undefined, undefined]);
  });

  it('never loses held bytes to a settle of wrong bytes that ran alongside the good upload', async () => {
    const good = bytesOf(1_000, 6);
    const wrong = bytesOf(1_000, 7);
    const sha = toHex(await sha256(good));
    const fact = 'fact:attachment:victim';
    const upload = by(fact);
    const [goodData, wrongData] = [toBase64Url(good), toBase64Url(wrong)];
    // Someone in the fact's scope sends wrong bytes under it, twice at once: both are staged (the
    // same characters) and both settle; one of them is slow to drop the parts it found wrong.
    expect(await blobs.stage(sha, upload.staging, 0, wrongData)).toBe(true);
    expect(await blobs.stage(sha, upload.staging, 0, wrongData)).toBe(true);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: BlobsRepo = { ...blobs, dropParts: async (parts) => { await gate; return blobs.dropParts(parts); } };
    const slowSettle = settleUpload(slow, sha, by(fact), good.length, { index: 0, data: wrongData }).catch((error: unknown) => error);
    await expect(settleUpload(blobs, sha, by(fact), good.length, { index: 0, data: wrongData })).rejects.toMatchObject({ code: 'blob_hash_mismatch' });
    // The good upload lands in the emptied slot and completes; then the slow settle drops what it finds.
    expect(await blobs.stage(sha, upload.staging, 0, goodData)).toBe(true);
    expect(await settleUpload(blobs, sha, by(fact), good.length, { index: 0, data: goodData })).toMatchObject({ complete: true });
    release();
    expect(await slowSettle).toMatchObject({ code: 'blob_hash_mismatch' });
    // Still held, still the right bytes, for this fact and for the next upload of them.
    expect(await blobs.isProven(sha, upload.proof)).toBe(true);
    expect(await read(sha, 1)).toEqual([goodData]);
    const other = 'fact:attachment:other';
    expect(await blobs.stage(sha, by(other).staging, 0, goodData)).toBe(true);
    expect(await settleUpload(blobs, sha, by(other), good.length, { index: 0, data: goodData })).toMatchObject({ complete: true });
    expect(await read(sha, 1)).toEqual([goodData]);
  });

  it('completes an upload sent in any order through the chunk route\'s path, and leaves no part behind', async () => {
    const bytes = bytesOf(3 * BLOB_CHUNK_BYTES + 11, 8);
    const sha = toHex(await sha256(bytes));
    const chunks = chunksOf(bytes);
    for (const [fact, order] of [['fact:attachment:in-order', [0, 1, 2, 3]], ['fact:attachment:last-first', [3, 0, 2, 1]], ['fact:attachment:backwards', [3, 2, 1, 0]]] as const) {
      const answers = [];
      for (const index of order) answers.push(await receiveChunk(blobs, sha, by(fact), bytes.length, { index, data: chunks[index]! }));
      // Complete only once every chunk is in, whatever the order.
      expect(answers.map((a) => a.complete)).toEqual([false, false, false, true]);
      expect(await blobs.isProven(sha, uploadKeyOf(fact))).toBe(true);
      expect(await ids(`part:${sha}:${by(fact).staging}`)).toEqual([]);
    }
    expect(await read(sha, 4)).toEqual(chunks);
    // A chunk sent again after the upload completed (a retry whose answer was lost): answered complete, nothing staged.
    const late = await receiveChunk(blobs, sha, by('fact:attachment:in-order'), bytes.length, { index: 1, data: chunks[1]! });
    expect(late.complete).toBe(true);
    expect(await ids(`part:${sha}:`)).toEqual([]);
  });

  it('refuses a last chunk that completes wrong bytes, keeps none of them, and takes the right ones after', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 300, 9);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:wrong-last';
    const chunks = chunksOf(bytes);
    const forged = toBase64Url(bytesOf(300, 10));
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 0, data: chunks[0]! })).toMatchObject({ complete: false, received: [0] });
    await expect(receiveChunk(blobs, sha, by(fact), bytes.length, { index: 1, data: forged })).rejects.toMatchObject({ code: 'blob_hash_mismatch' });
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await ids(`chunk:${sha}:`)).toEqual([]);
    expect(await blobs.isComplete(sha)).toBe(false);
    expect(await blobs.isProven(sha, uploadKeyOf(fact))).toBe(false);
    // The upload starts again from its first chunk and completes.
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 0, data: chunks[0]! })).toMatchObject({ complete: false });
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 1, data: chunks[1]! })).toMatchObject({ complete: true });
    expect(await read(sha, 2)).toEqual(chunks);
  });

  it('answers chunk_conflict to a chunk that differs from the one the upload staged under its index, and keeps the staged one', async () => {
    const bytes = bytesOf(2 * BLOB_CHUNK_BYTES + 40, 11);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:conflict';
    const chunks = chunksOf(bytes);
    const other = toBase64Url(bytesOf(40, 12));
    // The last chunk staged first (the others missing), then a different last chunk once the others are in.
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 2, data: chunks[2]! })).toMatchObject({ complete: false, received: [2] });
    await expect(receiveChunk(blobs, sha, by(fact), bytes.length, { index: 2, data: other })).rejects.toMatchObject({ code: 'chunk_conflict' });
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 0, data: chunks[0]! })).toMatchObject({ complete: false });
    await expect(receiveChunk(blobs, sha, by(fact), bytes.length, { index: 1, data: toBase64Url(bytesOf(BLOB_CHUNK_BYTES, 13)) })).rejects.toMatchObject({ code: 'blob_hash_mismatch' });
    // A different last chunk while the others are staged is refused too, not assembled in place of the staged one.
    for (const [index, data] of chunks.entries()) if (index < 2) await receiveChunk(blobs, sha, by(fact), bytes.length, { index, data });
    await blobs.stage(sha, by(fact).staging, 2, chunks[2]!);
    await expect(receiveChunk(blobs, sha, by(fact), bytes.length, { index: 2, data: other })).rejects.toMatchObject({ code: 'chunk_conflict' });
    expect(await blobs.isComplete(sha)).toBe(false);
    expect(await settleUpload(blobs, sha, by(fact), bytes.length)).toMatchObject({ complete: true });
    expect(await read(sha, 3)).toEqual(chunks);
  });

  it('stages a completing chunk whose bytes the store failed to keep, so that the upload resumes without sending it again', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 70, 14);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:store-fails';
    const chunks = chunksOf(bytes);
    const failing: BlobsRepo = { ...blobs, markHeld: () => storeDown() };
    await receiveChunk(failing, sha, by(fact), bytes.length, { index: 0, data: chunks[0]! });
    await expect(receiveChunk(failing, sha, by(fact), bytes.length, { index: 1, data: chunks[1]! })).rejects.toThrow('the store is down');
    // Both chunks are now staged: a check (the tablet's next question) completes the upload.
    expect((await settleUpload(failing, sha, by(fact), bytes.length).catch(() => undefined))).toBeUndefined();
    expect(await settleUpload(blobs, sha, by(fact), bytes.length)).toMatchObject({ complete: true });
    expect(await read(sha, 2)).toEqual(chunks);
    expect(await ids(`part:${sha}:`)).toEqual([]);
  });

  it('stages each person\'s upload under a key of its own that begins with its fact\'s, and no two people or facts share one', () => {
    const facts = ['fact:attachment:a', 'fact:attachment:b', 'fact:attachment:a:b'];
    const users = ['usr_1', 'usr_2', 'usr_1:x', ''];
    const keys = facts.flatMap((fact) => users.map((user) => uploadUnder(fact, user)));
    expect(new Set(keys.map((k) => k.staging)).size).toBe(keys.length);
    for (const key of keys) {
      expect(key.proof).toBe(uploadKeyOf(key.fact));
      expect(key.staging.startsWith(`${key.proof}:`)).toBe(true);
      expect(key.staging).toMatch(/^[0-9a-f]{64}:[0-9a-f]{64}$/);
    }
  });

  it('drops what anyone staged under a fact once it is proven: a colleague\'s abandoned upload, and parts staged under the fact\'s own key before staging was per person', async () => {
    const bytes = bytesOf(3 * BLOB_CHUNK_BYTES + 40, 27);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:abandoned';
    const chunks = chunksOf(bytes);
    const colleague = uploadUnder(fact, 'usr_colleague');
    expect(await receiveChunk(blobs, sha, colleague, bytes.length, { index: 0, data: chunks[0]! })).toMatchObject({ complete: false, received: [0] });
    expect(await receiveChunk(blobs, sha, colleague, bytes.length, { index: 2, data: chunks[2]! })).toMatchObject({ complete: false, received: [0, 2] });
    // A part as an older server staged it: under the fact's key itself.
    expect(await blobs.stage(sha, uploadKeyOf(fact), 1, chunks[1]!)).toBe(true);
    expect(await ids(`part:${sha}:`)).toHaveLength(3);
    // The owner's upload sees none of them, and completes in two runs.
    expect(await settleUpload(blobs, sha, by(fact), bytes.length)).toMatchObject({ complete: false, received: [] });
    for (const index of [0, 1, 2]) await receiveChunk(blobs, sha, by(fact), bytes.length, { index, data: chunks[index]! });
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 3, data: chunks[3]! })).toMatchObject({ complete: true });
    expect(await ids(`part:${sha}:`)).toEqual([]);
    expect(await read(sha, 4)).toEqual(chunks);
    // Another fact naming the same bytes keeps its own staged parts: only a proven fact's go.
    const elsewhere = uploadUnder('fact:attachment:elsewhere', 'usr_colleague');
    await receiveChunk(blobs, sha, elsewhere, bytes.length, { index: 0, data: chunks[0]! });
    expect(await settleUpload(blobs, sha, by(fact), bytes.length)).toMatchObject({ complete: true });
    expect(await ids(`part:${sha}:${elsewhere.proof}:`)).toHaveLength(1);
  });

  it('drops every part left under an upload once it is proven: a last chunk staged while another request assembled it in hand, or a drop that failed', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 50, 21);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:two-senders';
    const [first, last] = chunksOf(bytes) as [string, string];
    const stageHeld = gate();
    const settleHeld = gate();
    const keepHeld = gate();
    let reads = 0;
    // R sends the last chunk before the first is in: its read finds the first missing, and it is held before staging.
    const slowR: BlobsRepo = {
      ...blobs,
      stage: async (...args) => { await stageHeld.wait(); return blobs.stage(...args); },
      uploadState: async (...args) => { if (++reads === 3) await settleHeld.wait(); return blobs.uploadState(...args); },
    };
    const r = receiveChunk(slowR, sha, by(fact), bytes.length, { index: 1, data: last });
    await stageHeld.reached;
    await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 0, data: first });
    // Q sends the last chunk again (a retry): it finds the first staged and assembles in hand.
    const q = receiveChunk({ ...blobs, keepChunks: async (...args) => { await keepHeld.wait(); return blobs.keepChunks(...args); } }, sha, by(fact), bytes.length, { index: 1, data: last });
    await keepHeld.reached;
    stageHeld.open();
    await settleHeld.reached;
    keepHeld.open();
    expect(await q).toMatchObject({ complete: true });
    settleHeld.open();
    expect(await r).toMatchObject({ complete: true });
    expect(await ids(`part:${sha}:`)).toEqual([]);

    // The store fails to drop the parts after the proof: the next check drops them.
    const other = bytesOf(BLOB_CHUNK_BYTES + 80, 26);
    const otherSha = toHex(await sha256(other));
    const [a, b] = chunksOf(other) as [string, string];
    await receiveChunk(blobs, otherSha, by(fact), other.length, { index: 0, data: a });
    const failingDrop: BlobsRepo = { ...blobs, dropStagedUnder: () => storeDown() };
    await expect(receiveChunk(failingDrop, otherSha, by(fact), other.length, { index: 1, data: b })).rejects.toThrow('the store is down');
    expect(await blobs.isProven(otherSha, uploadKeyOf(fact))).toBe(true);
    expect(await settleUpload(blobs, otherSha, by(fact), other.length)).toMatchObject({ complete: true });
    expect(await ids(`part:${otherSha}:`)).toEqual([]);
  });

  it('never stages a last chunk whose whole failed the hash, even when dropping the parts fails; the right chunk completes after', async () => {
    const bytes = bytesOf(BLOB_CHUNK_BYTES + 60, 22);
    const sha = toHex(await sha256(bytes));
    const fact = 'fact:attachment:wrong-then-right';
    const [first, last] = chunksOf(bytes) as [string, string];
    await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 0, data: first });
    const failingDrop: BlobsRepo = { ...blobs, dropParts: () => storeDown() };
    await expect(receiveChunk(failingDrop, sha, by(fact), bytes.length, { index: 1, data: toBase64Url(bytesOf(60, 23)) })).rejects.toThrow('the store is down');
    expect(await blobs.stagedChunk(sha, by(fact).staging, 1)).toBeUndefined();
    expect(await receiveChunk(blobs, sha, by(fact), bytes.length, { index: 1, data: last })).toMatchObject({ complete: true });
    expect(await read(sha, 2)).toEqual(chunksOf(bytes));
  });

  it('holds the right bytes and completes every upload, whatever mix of good, repeated and wrong chunks arrives at once', async () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const problems: string[] = [];
    for (let round = 0; round < 8; round++) {
      const bytes = bytesOf(3 * BLOB_CHUNK_BYTES + 17 + round, 30 + round);
      const sha = toHex(await sha256(bytes));
      const chunks = chunksOf(bytes);
      const fact = `fact:attachment:mixed-${round}`;
      const sends: (() => Promise<unknown>)[] = [];
      for (const [index, data] of chunks.entries()) {
        sends.push(() => receiveChunk(blobs, sha, by(fact), bytes.length, { index, data }));
        if (random() < 0.5) sends.push(() => receiveChunk(blobs, sha, by(fact), bytes.length, { index, data }));
        if (random() < 0.3) sends.push(() => receiveChunk(blobs, sha, by(fact), bytes.length, { index, data: toBase64Url(bytesOf(index === 3 ? 17 + round : BLOB_CHUNK_BYTES, 99 + index)) }));
      }
      if (random() < 0.5) sends.push(() => settleUpload(blobs, sha, by(fact), bytes.length));
      sends.sort(() => random() - 0.5);
      for (const result of await Promise.allSettled(sends.map((send) => send()))) {
        const code = result.status === 'rejected' ? (result.reason as { code?: string }).code : undefined;
        if (result.status === 'rejected' && code !== 'chunk_conflict' && code !== 'blob_hash_mismatch') problems.push(`round ${round}: ${String(result.reason)}`);
      }
      if (await blobs.isComplete(sha)) expect(await read(sha, 4)).toEqual(chunks);
      // The tablet's recovery: ask, send what the server lacks, until it says complete.
      let complete = false;
      for (let attempt = 0; attempt < 6 && !complete; attempt++) {
        const status = await settleUpload(blobs, sha, by(fact), bytes.length).catch(() => undefined);
        complete = status?.complete === true;
        for (const [index, data] of chunks.entries()) {
          if (complete || status?.received.includes(index)) continue;
          complete = (await receiveChunk(blobs, sha, by(fact), bytes.length, { index, data }).catch(() => undefined))?.complete === true;
        }
      }
      if (!complete) problems.push(`round ${round}: never completed`);
      expect(await read(sha, 4)).toEqual(chunks);
      const left = await ids(`part:${sha}:`);
      if (left.length > 0) problems.push(`round ${round}: ${left.length} parts left`);
    }
    expect(problems).toEqual([]);
    // Eight rounds of concurrent uploads: seconds alone, more beside the rest of the suite on two cores.
  }, 60_000);
});

/** A store call that fails as a store that went down does. */
const storeDown = (): Promise<never> => Promise.reject(Object.assign(new Error('the store is down'), { statusCode: 503 }));

/** A point a test holds a request at: `reached` once it gets there, on until `open`. */
function gate() {
  let open: () => void = () => undefined;
  let reach: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  return { open, reached, wait: async () => { reach(); await opened; } };
}
