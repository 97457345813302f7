/**
 * `PUT /api/sync/blobs/:sha256/chunks?fact=…&from=…`: several chunks of an attachment in one
 * request (a photo goes up in one), against the real server, as a hostile script would send them:
 * - the whole attachment in one request is kept at once (nothing staged), and reads back intact;
 * - a run that ends an upload begun chunk by chunk completes it and leaves nothing staged;
 * - wrong bytes, wrong lengths, runs past the end, too many chunks, chunks that are not
 *   base64url as the app writes it, unknown query fields, another site's fact: each refused with
 *   its own 4xx, nothing kept or staged, and the honest upload afterwards still completes;
 * - the same whole request sent many times at once: every answer 200, the bytes held once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, sha256, toBase64Url, toHex } from '@seal/shared';
import { blobCall, blobIdsUnder, factWithoutBytes, photo, readBlobBack, setUpBlobWorld } from './blobWorld';
import { replicaPool, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let stranger: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff, stranger } = await setUpBlobWorld(running));
}, 60_000);
afterAll(async () => running?.close());

const chunksOf = (bytes: Uint8Array) =>
  Array.from({ length: Math.ceil(bytes.length / BLOB_CHUNK_BYTES) }, (_, i) => toBase64Url(bytes.subarray(i * BLOB_CHUNK_BYTES, (i + 1) * BLOB_CHUNK_BYTES)));

const raw = (person: Person, method: 'GET' | 'PUT', path: string, body?: unknown) => blobCall(running, person, method, path, body);
const run = (sha: string, fact: string, from: number | string, extra = '') => `/api/sync/blobs/${sha}/chunks?fact=${encodeURIComponent(fact)}&from=${from}${extra}`;
const one = (sha: string, fact: string, index: number) => `/api/sync/blobs/${sha}/chunks/${index}?fact=${encodeURIComponent(fact)}`;
const status = (sha: string, fact: string) => `/api/sync/blobs/${sha}?fact=${encodeURIComponent(fact)}`;

const idsUnder = (prefix: string) => blobIdsUnder(running, prefix);
const factFor = (person: Person, unitId: string, bytes: Uint8Array, name: string, about = 'request:req-runs') => factWithoutBytes(replicas, person, unitId, bytes, name, about);
const readBack = (sha: string, fact: string, size: number) => readBlobBack(running, staff, sha, fact, size);

describe('several chunks in one request', () => {
  it('keeps a whole photo sent in one request at once: complete, nothing staged, intact', async () => {
    const bytes = photo(BLOB_CHUNKS_PER_REQUEST * BLOB_CHUNK_BYTES - 5, 1);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'runs-whole');
    const answer = await raw(staff, 'PUT', run(sha, fact, 0), { data: chunksOf(bytes) });
    expect(answer).toMatchObject({ status: 200, body: { complete: true, received: [0, 1, 2, 3].slice(0, BLOB_CHUNKS_PER_REQUEST) } });
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await idsUnder(`chunk:${sha}:`)).toHaveLength(BLOB_CHUNKS_PER_REQUEST);
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
    // Sent again (a retry whose first answer was lost): complete, nothing written twice.
    expect(await raw(staff, 'PUT', run(sha, fact, 0), { data: chunksOf(bytes) })).toMatchObject({ status: 200, body: { complete: true } });
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
  });

  it('completes an upload begun chunk by chunk with a run that ends it, and drops what was staged', async () => {
    const bytes = photo((BLOB_CHUNKS_PER_REQUEST + 2) * BLOB_CHUNK_BYTES + 17, 2);
    const chunks = chunksOf(bytes);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'runs-resume');
    // The first two one at a time (an older app), then a run that is not the end, then the end.
    expect(await raw(staff, 'PUT', one(sha, fact, 0), { data: chunks[0] })).toMatchObject({ status: 200, body: { complete: false } });
    expect(await raw(staff, 'PUT', one(sha, fact, 1), { data: chunks[1] })).toMatchObject({ status: 200, body: { complete: false } });
    const middle = await raw(staff, 'PUT', run(sha, fact, 2), { data: chunks.slice(2, 4) });
    expect(middle).toMatchObject({ status: 200, body: { complete: false, received: [0, 1, 2, 3] } });
    expect(await raw(staff, 'PUT', run(sha, fact, 4), { data: chunks.slice(4) })).toMatchObject({ status: 200, body: { complete: true } });
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
  });

  it('refuses what a hostile script sends with its own 4xx, keeps and stages nothing, and the honest upload then completes', async () => {
    // The last chunk's 1,000 bytes spell as 4n+2 characters: a last character carries 4 unused bits.
    const bytes = photo(3 * BLOB_CHUNK_BYTES + 1000, 3);
    const chunks = chunksOf(bytes);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'runs-hostile');
    const flipped = Uint8Array.from(bytes);
    flipped[BLOB_CHUNK_BYTES + 5]! ^= 1;
    const tooMany = Array.from({ length: BLOB_CHUNKS_PER_REQUEST + 1 }, () => chunks[0]);
    const attempts: [string, string, unknown, number, string][] = [
      ['bytes that do not hash to the name', run(sha, fact, 0), { data: chunksOf(flipped) }, 422, 'blob_hash_mismatch'],
      ['a chunk of the wrong length in the run', run(sha, fact, 0), { data: [chunks[0], chunks[3], chunks[2], chunks[3]] }, 400, 'invalid_body'],
      ['a run past the last chunk', run(sha, fact, 3), { data: [chunks[3], chunks[3]] }, 400, 'invalid_query'],
      ['a run starting past the end', run(sha, fact, 9), { data: [chunks[3]] }, 400, 'invalid_query'],
      ['more chunks than a request may carry', run(sha, fact, 0), { data: tooMany }, 400, 'invalid_body'],
      ['no chunk at all', run(sha, fact, 0), { data: [] }, 400, 'invalid_body'],
      ['padding', run(sha, fact, 3), { data: [`${chunks[3]}==`] }, 400, 'invalid_body'],
      ['a character outside base64url', run(sha, fact, 3), { data: [`${chunks[3]!.slice(0, -2)}+/`] }, 400, 'invalid_body'],
      ['a last character with bits past the last byte', run(sha, fact, 3), { data: [`${chunks[3]!.slice(0, -1)}${chunks[3]!.at(-1) === 'B' ? 'C' : 'B'}`] }, 400, 'invalid_body'],
      ['a chunk that is not a string', run(sha, fact, 3), { data: [12345] }, 400, 'invalid_body'],
      ['a field the body does not have', run(sha, fact, 3), { data: [chunks[3]], index: 3 }, 400, 'invalid_body'],
      ['a negative start', run(sha, fact, -1), { data: [chunks[0]] }, 400, 'invalid_query'],
      ['a start that is not a number', run(sha, fact, 'one'), { data: [chunks[0]] }, 400, 'invalid_query'],
      ['an empty start', run(sha, fact, ''), { data: chunks }, 400, 'invalid_query'],
      ['a start in hexadecimal', run(sha, fact, '0x0'), { data: chunks }, 400, 'invalid_query'],
      ['a start with a leading zero', run(sha, fact, '03'), { data: [chunks[3]] }, 400, 'invalid_query'],
      ['a start with spaces', run(sha, fact, '%203'), { data: [chunks[3]] }, 400, 'invalid_query'],
      ['a field the query does not have', run(sha, fact, 0, '&index=0'), { data: chunks }, 400, 'invalid_query'],
      ['no start', `/api/sync/blobs/${sha}/chunks?fact=${encodeURIComponent(fact)}`, { data: chunks }, 400, 'invalid_query'],
      ['a body that is not JSON', run(sha, fact, 0), '{"data": [', 400, 'invalid_json'],
    ];
    for (const [what, path, body, code, error] of attempts) {
      const answer = await raw(staff, 'PUT', path, body);
      expect({ what, status: answer.status }).toEqual({ what, status: code });
      expect(answer.body.error, what).toBe(error);
    }
    // Another site's staff, with the honest bytes: out of their scope.
    expect(await raw(stranger, 'PUT', run(sha, fact, 0), { data: chunks })).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await idsUnder(`chunk:${sha}:`)).toEqual([]);
    expect(await raw(staff, 'GET', status(sha, fact))).toMatchObject({ status: 200, body: { complete: false, received: [] } });

    expect(await raw(staff, 'PUT', run(sha, fact, 0), { data: chunks })).toMatchObject({ status: 200, body: { complete: true } });
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
  });

  it('refuses a request document that is not the type its fact names, by the first chunk of the run', async () => {
    const bytes = Uint8Array.from({ length: BLOB_CHUNK_BYTES + 10 }, (_, i) => (i * 7) % 200);
    const tablet = await replicas.open(staff, 'runs-not-jpeg');
    tablet.network.intercept = (path) => { if (path.startsWith('/api/sync/blobs')) throw new TypeError('held back by the test'); };
    const added = await tablet.store.attachments.add({ bytes, about: 'request:req-runs-type', mime: 'image/jpeg' }, world.siteId);
    await syncAll([tablet]);
    const answer = await raw(staff, 'PUT', run(added.sha256, added.factRowId, 0), { data: chunksOf(bytes) });
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(await idsUnder(`chunk:${added.sha256}:`)).toEqual([]);
  });

  it('answers the same whole request sent many times at once with 200 each, and holds the bytes once', async () => {
    const bytes = photo(2 * BLOB_CHUNK_BYTES + 3, 5);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'runs-race');
    expect(sha).toBe(toHex(await sha256(bytes)));
    const answers = await Promise.all(Array.from({ length: 12 }, () => raw(staff, 'PUT', run(sha, fact, 0), { data: chunksOf(bytes) })));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.every((a) => a.body.complete === true)).toBe(true);
    expect(await idsUnder(`chunk:${sha}:`)).toHaveLength(3);
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
  });
});
