/**
 * `PUT /api/sync/blobs/:sha256/bytes?fact=…&from=…`: consecutive chunks of an attachment as
 * their bytes (`application/octet-stream`), how the app uploads photos and documents, against the
 * real server, sent as a hostile script would send them:
 * - a whole photo in one request is kept at once (nothing staged) and reads back intact; a
 *   larger one goes up in runs that resume where the server stands;
 * - bodies of the wrong size (short, long, ending inside a chunk, more chunks than a request
 *   carries), starts past the end or misspelt, bytes that do not hash to their name, JSON sent
 *   here and bytes sent to a JSON route, no body, no session, another site's staff, a fact the
 *   server does not hold: each refused with its own 4xx, nothing kept or staged, and the honest
 *   upload afterwards still completes;
 * - a request's document that is not the type its fact names is refused by its first bytes;
 * - the same whole request sent many times at once: every answer 200, the bytes held once;
 * - a colleague at the same site staging wrong chunks under someone's fact holds nobody's upload
 *   back: each person's staged chunks are their own, the fact's proof the fact's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, sha256, toHex } from '@seal/shared';
import { blobCall, blobIdsUnder, factWithoutBytes, photo, readBlobBack, setUpBlobWorld, type BlobAnswer } from './blobWorld';
import { replicaPool, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let stranger: Person;
let colleague: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff, stranger } = await setUpBlobWorld(running));
  colleague = await world.person(world.siteId, ['staff'], 'Colleague at the site');
}, 60_000);
afterAll(async () => running?.close());

const bytesPath = (sha: string, fact: string, from: number | string, extra = '') => `/api/sync/blobs/${sha}/bytes?fact=${encodeURIComponent(fact)}&from=${from}${extra}`;
const one = (sha: string, fact: string, index: number) => `/api/sync/blobs/${sha}/chunks/${index}?fact=${encodeURIComponent(fact)}`;
const status = (sha: string, fact: string) => `/api/sync/blobs/${sha}?fact=${encodeURIComponent(fact)}`;

/** A PUT of `body` as `type` (bytes by default), as `person` (or with no session at all). */
async function put(person: Person | undefined, path: string, body: Uint8Array | string | undefined, type = 'application/octet-stream'): Promise<BlobAnswer> {
  const res = await fetch(`${running.url}${path}`, {
    method: 'PUT',
    headers: { ...(person ? { cookie: person.cookie } : {}), 'sec-fetch-site': 'same-origin', ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { body: body as BodyInit }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

const idsUnder = (prefix: string) => blobIdsUnder(running, prefix);
const factFor = (person: Person, unitId: string, bytes: Uint8Array, name: string, about = 'request:req-bytes') => factWithoutBytes(replicas, person, unitId, bytes, name, about);
const readBack = (sha: string, fact: string, size: number) => readBlobBack(running, staff, sha, fact, size);

/** Chunks `from` to `to` (exclusive) of `bytes`, as one body. */
const span = (bytes: Uint8Array, from: number, to: number) => bytes.subarray(from * BLOB_CHUNK_BYTES, Math.min(bytes.length, to * BLOB_CHUNK_BYTES));

describe('chunks uploaded as bytes', () => {
  it('keeps a whole photo sent in one request at once, and a larger one sent in runs, each intact', async () => {
    const small = photo(2 * BLOB_CHUNK_BYTES - 77, 11);
    const first = await factFor(staff, world.siteId, small, 'bytes-whole');
    expect(await put(staff, bytesPath(first.sha, first.fact, 0), small)).toMatchObject({ status: 200, body: { complete: true, received: [0, 1] } });
    expect(await idsUnder(`part:${first.sha}:`)).toEqual([]);
    expect(await idsUnder(`chunk:${first.sha}:`)).toHaveLength(2);
    expect(await readBack(first.sha, first.fact, small.length)).toEqual(small);
    // Sent again (a retry whose first answer was lost): complete, nothing written twice.
    expect(await put(staff, bytesPath(first.sha, first.fact, 0), small)).toMatchObject({ status: 200, body: { complete: true } });
    expect(await idsUnder(`chunk:${first.sha}:`)).toHaveLength(2);

    // Six chunks and a bit: a run of four, the rest in a second, the first resumed from the server's word.
    const large = photo((BLOB_CHUNKS_PER_REQUEST + 2) * BLOB_CHUNK_BYTES + 123, 12);
    const second = await factFor(staff, world.siteId, large, 'bytes-runs');
    expect(await put(staff, bytesPath(second.sha, second.fact, 0), span(large, 0, 4))).toMatchObject({ status: 200, body: { complete: false, received: [0, 1, 2, 3] } });
    expect(await blobCall(running, staff, 'GET', status(second.sha, second.fact))).toMatchObject({ status: 200, body: { complete: false, received: [0, 1, 2, 3] } });
    expect(await put(staff, bytesPath(second.sha, second.fact, 4), span(large, 4, 7))).toMatchObject({ status: 200, body: { complete: true } });
    expect(await idsUnder(`part:${second.sha}:`)).toEqual([]);
    expect(await readBack(second.sha, second.fact, large.length)).toEqual(large);
  });

  it('refuses what a hostile script sends with its own 4xx, keeps and stages nothing, and the honest upload then completes', async () => {
    const bytes = photo(3 * BLOB_CHUNK_BYTES + 1000, 13);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'bytes-hostile');
    const flipped = Uint8Array.from(bytes);
    flipped[2 * BLOB_CHUNK_BYTES + 9]! ^= 1;
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    const tooMany = new Uint8Array((BLOB_CHUNKS_PER_REQUEST + 1) * BLOB_CHUNK_BYTES);
    const attempts: [string, string, Uint8Array | string | undefined, string | undefined, number, string][] = [
      ['bytes that do not hash to the name', bytesPath(sha, fact, 0), flipped, undefined, 422, 'blob_hash_mismatch'],
      ['one byte short of the last chunk', bytesPath(sha, fact, 0), bytes.subarray(0, bytes.length - 1), undefined, 400, 'invalid_body'],
      ['one byte past the last chunk', bytesPath(sha, fact, 0), longer, undefined, 400, 'invalid_body'],
      ['a body that ends inside a chunk', bytesPath(sha, fact, 0), bytes.subarray(0, BLOB_CHUNK_BYTES + 10), undefined, 400, 'invalid_body'],
      ['the last chunk sent as another', bytesPath(sha, fact, 1), span(bytes, 3, 4), undefined, 400, 'invalid_body'],
      ['two chunks where one is left', bytesPath(sha, fact, 3), span(bytes, 2, 4), undefined, 400, 'invalid_body'],
      ['more bytes than a request may carry', bytesPath(sha, fact, 0), tooMany, undefined, 413, 'payload_too_large'],
      ['a start past the end', bytesPath(sha, fact, 4), span(bytes, 3, 4), undefined, 400, 'invalid_query'],
      ['a negative start', bytesPath(sha, fact, -1), span(bytes, 0, 1), undefined, 400, 'invalid_query'],
      ['a start that is not a number', bytesPath(sha, fact, 'one'), span(bytes, 0, 1), undefined, 400, 'invalid_query'],
      ['a start with a leading zero', bytesPath(sha, fact, '03'), span(bytes, 3, 4), undefined, 400, 'invalid_query'],
      ['a field the query does not have', bytesPath(sha, fact, 0, '&index=0'), bytes, undefined, 400, 'invalid_query'],
      ['no start', `/api/sync/blobs/${sha}/bytes?fact=${encodeURIComponent(fact)}`, bytes, undefined, 400, 'invalid_query'],
      ['no body', bytesPath(sha, fact, 0), undefined, undefined, 400, 'invalid_body'],
      ['an empty body', bytesPath(sha, fact, 0), new Uint8Array(0), undefined, 400, 'invalid_body'],
      ['the chunks as JSON', bytesPath(sha, fact, 0), JSON.stringify({ data: ['AAAA'] }), 'application/json', 415, 'unsupported_media_type'],
      ['the bytes as text', bytesPath(sha, fact, 0), 'not bytes', 'text/plain', 415, 'unsupported_media_type'],
      ['a fact the server does not hold', bytesPath(sha, 'fact:attachment:unknown', 0), bytes, undefined, 409, 'fact_not_synced'],
    ];
    for (const [what, path, body, type, code, error] of attempts) {
      const answer = await put(staff, path, body, type);
      expect({ what, status: answer.status, error: answer.body.error }).toEqual({ what, status: code, error });
    }
    // Bytes sent to the routes that take JSON: refused as the wrong type, before anything else.
    expect(await put(staff, `/api/sync/blobs/${sha}/chunks?fact=${encodeURIComponent(fact)}&from=0`, bytes)).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(await put(staff, one(sha, fact, 0), span(bytes, 0, 1))).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    // A path with no route is not found, whatever its body.
    expect((await put(staff, '/api/sync/blobs/nothing-here', span(bytes, 0, 1))).status).toBe(404);
    // No session; another site's staff with the honest bytes.
    expect(await put(undefined, bytesPath(sha, fact, 0), bytes)).toMatchObject({ status: 401 });
    expect(await put(stranger, bytesPath(sha, fact, 0), bytes)).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await idsUnder(`chunk:${sha}:`)).toEqual([]);
    expect(await blobCall(running, staff, 'GET', status(sha, fact))).toMatchObject({ status: 200, body: { complete: false, received: [] } });

    expect(await put(staff, bytesPath(sha, fact, 0), bytes)).toMatchObject({ status: 200, body: { complete: true } });
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
  });

  it('refuses a request document that is not the type its fact names, by its first bytes', async () => {
    const bytes = Uint8Array.from({ length: BLOB_CHUNK_BYTES + 10 }, (_, i) => (i * 7) % 200);
    const tablet = await replicas.open(staff, 'bytes-not-jpeg');
    tablet.network.intercept = (path) => { if (path.startsWith('/api/sync/blobs')) throw new TypeError('held back by the test'); };
    const added = await tablet.store.attachments.add({ bytes, about: 'request:req-bytes-type', mime: 'image/jpeg' }, world.siteId);
    await syncAll([tablet]);
    await replicas.close(tablet);
    expect(await put(staff, bytesPath(added.sha256, added.factRowId, 0), bytes)).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(await idsUnder(`chunk:${added.sha256}:`)).toEqual([]);
  });

  it('answers the same whole request sent many times at once with 200 each, and holds the bytes once', async () => {
    const bytes = photo(2 * BLOB_CHUNK_BYTES + 3, 15);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'bytes-race');
    expect(sha).toBe(toHex(await sha256(bytes)));
    const answers = await Promise.all(Array.from({ length: 12 }, () => put(staff, bytesPath(sha, fact, 0), bytes)));
    expect(answers.map((a) => [a.status, a.body.error])).toEqual(answers.map(() => [200, undefined]));
    expect(answers.every((a) => a.body.complete === true)).toBe(true);
    expect(await idsUnder(`chunk:${sha}:`)).toHaveLength(3);
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
  });

  it('holds nobody\'s upload back when a colleague stages wrong chunks under their fact: staged chunks are each uploader\'s own', async () => {
    const bytes = photo(3 * BLOB_CHUNK_BYTES + 500, 21);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'bytes-colleague');
    // The colleague (whose scope covers the fact) stages a wrong chunk 0 and a wrong chunk 1 of the
    // right lengths, one as bytes, one as base64url JSON: both staged, as their own.
    const wrong = Uint8Array.from(span(bytes, 0, 2), (byte, i) => (i < 3 ? byte : byte ^ 0x5a));
    expect(await put(colleague, bytesPath(sha, fact, 0), wrong.subarray(0, BLOB_CHUNK_BYTES))).toMatchObject({ status: 200, body: { complete: false, received: [0] } });
    expect(await blobCall(running, colleague, 'PUT', one(sha, fact, 1), { data: Buffer.from(wrong.subarray(BLOB_CHUNK_BYTES)).toString('base64url') })).toMatchObject({ status: 200, body: { complete: false, received: [0, 1] } });
    // The owner's server holds nothing of theirs yet: the status says so (the app would otherwise skip chunks 0 and 1).
    expect(await blobCall(running, staff, 'GET', status(sha, fact))).toMatchObject({ status: 200, body: { complete: false, received: [] } });
    // The owner's upload: a run of two, then the rest; neither meets the colleague's chunks.
    expect(await put(staff, bytesPath(sha, fact, 0), span(bytes, 0, 2))).toMatchObject({ status: 200, body: { complete: false, received: [0, 1] } });
    expect(await put(staff, bytesPath(sha, fact, 2), span(bytes, 2, 4))).toMatchObject({ status: 200, body: { complete: true } });
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
    // Proven, the fact's staged chunks are of no use, whoever staged them: gone with the owner's
    // (the colleague may never come back), and the colleague's next word is "complete".
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
    expect(await blobCall(running, colleague, 'GET', status(sha, fact))).toMatchObject({ status: 200, body: { complete: true } });
    // Finishing their wrong upload gets them nothing but the truth: the upload is complete, with the right bytes.
    expect(await put(colleague, bytesPath(sha, fact, 2), span(bytes, 2, 4))).toMatchObject({ status: 200, body: { complete: true } });
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
  });

  it('refuses a colleague\'s wrong bytes with 422 when they complete their own upload, and the owner\'s goes up untouched after', async () => {
    const bytes = photo(2 * BLOB_CHUNK_BYTES + 9, 22);
    const { sha, fact } = await factFor(staff, world.siteId, bytes, 'bytes-colleague-first');
    const wrong = Uint8Array.from(bytes, (byte, i) => (i < 3 ? byte : byte ^ 0x33));
    // Started by the owner, then a colleague sends a whole wrong copy under the same fact.
    expect(await put(staff, bytesPath(sha, fact, 0), span(bytes, 0, 1))).toMatchObject({ status: 200, body: { complete: false, received: [0] } });
    expect(await put(colleague, bytesPath(sha, fact, 0), wrong)).toMatchObject({ status: 422, body: { error: 'blob_hash_mismatch' } });
    // The owner's chunk 0 is still theirs and still staged: they resume from chunk 1.
    expect(await blobCall(running, staff, 'GET', status(sha, fact))).toMatchObject({ status: 200, body: { complete: false, received: [0] } });
    expect(await put(staff, bytesPath(sha, fact, 1), span(bytes, 1, 3))).toMatchObject({ status: 200, body: { complete: true } });
    expect(await readBack(sha, fact, bytes.length)).toEqual(bytes);
    expect(await idsUnder(`part:${sha}:`)).toEqual([]);
  });
});
