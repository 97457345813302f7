/**
 * `PUT /api/sync/blobs?attachments=<fact id>.<size>,…`: several whole attachments in one request,
 * their bytes one after the other — how the app sends a catch-up's photos — against the real
 * server, sent as a hostile script would send them:
 * - each attachment is kept under its own fact, readable back intact, nothing staged; the same
 *   batch again answers complete and writes nothing twice;
 * - each is answered on its own: bytes that do not hash to their name, a fact the server does not
 *   hold, another site's fact, a size that is not the fact's, a request's document that is not the
 *   type its fact names — each refused with the status a request of its own would get, keeping
 *   nothing of it, while the others in the same request are kept;
 * - a malformed batch (a body longer or shorter than the sizes named, a fact named twice, too many
 *   attachments, a misspelt query, no body, the wrong media type, too many bytes, no session, a
 *   foreign origin) is refused whole with its own 4xx, and nothing of it is kept;
 * - the same batch sent many times at once: every answer 200, every attachment complete, the bytes
 *   held once; an upload begun chunk by chunk and then sent whole in a batch completes and leaves
 *   nothing staged, and one whose staged chunk differs is refused as the chunk route refuses it;
 * - the app's queue sends small photos several to a request, and one whose batch was cut off
 *   resumes on its own, asking the server first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_BATCH_ATTACHMENTS, BLOB_BATCH_BYTES, BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, toBase64Url, type BlobBatchResponse } from '@seal/shared';
import { blobCall, blobIdsUnder, photo, readBlobBack, setUpBlobWorld } from './blobWorld';
import { localId } from '../../app/src/store/collections';
import { replicaPool, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let stranger: Person;
let otherSiteId: string;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff, stranger, otherSiteId } = await setUpBlobWorld(running));
}, 60_000);
afterAll(async () => running?.close());

interface Attachment {
  readonly sha: string;
  readonly fact: string;
  readonly bytes: Uint8Array;
}

/**
 * Attachment facts recorded by `person`'s tablet and synced, their bytes held back (the test
 * sends them by hand), about `about` (a request: its documents must be PDF, JPEG or PNG).
 */
async function factsFor(person: Person, unitId: string, photos: readonly Uint8Array[], name: string, about = 'request:req-batch'): Promise<Attachment[]> {
  const tablet = await replicas.open(person, name);
  tablet.network.intercept = (path) => { if (path.startsWith('/api/sync/blobs')) throw new TypeError('held back by the test'); };
  const added: Attachment[] = [];
  for (const bytes of photos) {
    const { sha256, factRowId } = await tablet.store.attachments.add({ bytes, about, mime: 'image/jpeg' }, unitId);
    added.push({ sha: sha256, fact: factRowId, bytes });
  }
  await syncAll([tablet]);
  await replicas.close(tablet);
  return added;
}

/** `<fact id>.<size>` of each, as the query names them. */
const named = (items: readonly { fact: string; size: number }[]) => items.map(({ fact, size }) => `${fact.replace(/^fact:attachment:/, '')}.${size}`).join(',');

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const whole = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
};

interface Answer {
  readonly status: number;
  readonly body: BlobBatchResponse & { error?: string };
}

/** A PUT of `body` to the batch route with `query` (the raw query string), as `person` (or no one). */
async function putBatch(person: Person | undefined, query: string, body: Uint8Array | string | undefined, { type = 'application/octet-stream', headers = {} }: { type?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${running.url}/api/sync/blobs${query}`, {
    method: 'PUT',
    headers: { ...(person ? { cookie: person.cookie } : {}), 'sec-fetch-site': 'same-origin', ...(body === undefined ? {} : { 'content-type': type }), ...headers },
    ...(body === undefined ? {} : { body: body as BodyInit }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** The batch of `items` (each its own bytes, or others given), as `person`. */
const send = (person: Person, items: readonly Attachment[], bytes?: readonly Uint8Array[]) =>
  putBatch(person, `?attachments=${named(items.map((a) => ({ fact: a.fact, size: a.bytes.length })))}`, concat(bytes ?? items.map((a) => a.bytes)));

const idsUnder = (prefix: string) => blobIdsUnder(running, prefix);
/** The blobs database's documents under a prefix, with their revisions (a rewrite changes one). */
async function revsUnder(prefix: string): Promise<Record<string, string>> {
  const db = running.server.store.couch.use(running.server.store.dbName('blobs'));
  const page = await db.list({ startkey: prefix, endkey: `${prefix}\ufff0` });
  return Object.fromEntries(page.rows.map((row) => [row.id, row.value.rev]));
}
const readBack = (a: Attachment) => readBlobBack(running, staff, a.sha, a.fact, a.bytes.length);
/** Whether anything (chunks, parts, proofs, the blob) is held for these bytes. */
const heldFor = async (sha: string) => [...await idsUnder(`chunk:${sha}:`), ...await idsUnder(`part:${sha}:`), ...await idsUnder(`proof:${sha}:`), ...await idsUnder(`blob:${sha}`)];

describe('several whole attachments in one request', () => {
  it('keeps each under its own fact, intact and readable back, stages nothing, and writes nothing twice when sent again', async () => {
    const photos = [photo(1000, 1), photo(BLOB_CHUNK_BYTES, 2), photo(2 * BLOB_CHUNK_BYTES + 17, 3), photo(4, 4)];
    const items = await factsFor(staff, world.siteId, photos, 'batch-keep');
    const answer = await send(staff, items);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual(items.map((a, i) => ({
      fact: a.fact, ok: true, status: { sha256: a.sha, size: photos[i]!.length, chunks: Math.ceil(photos[i]!.length / BLOB_CHUNK_BYTES), received: Array.from({ length: Math.ceil(photos[i]!.length / BLOB_CHUNK_BYTES) }, (_, k) => k), complete: true },
    })));
    for (const a of items) {
      expect(await idsUnder(`part:${a.sha}:`)).toEqual([]);
      expect(await readBack(a)).toEqual(a.bytes);
    }
    const before = await Promise.all(items.flatMap((a) => [revsUnder(`chunk:${a.sha}:`), revsUnder(`proof:${a.sha}:`), revsUnder(`blob:${a.sha}`)]));
    expect(Object.keys(before[0]!)).toHaveLength(1);
    // Sent again (a retry whose answer was lost): complete, and not a document written again.
    const again = await send(staff, items);
    expect(again.body.results.map((r) => r.ok && r.status.complete)).toEqual(items.map(() => true));
    expect(await Promise.all(items.flatMap((a) => [revsUnder(`chunk:${a.sha}:`), revsUnder(`proof:${a.sha}:`), revsUnder(`blob:${a.sha}`)]))).toEqual(before);
    // What a chunk-by-chunk check says of each: complete.
    for (const a of items) expect(await blobCall(running, staff, 'GET', `/api/sync/blobs/${a.sha}?fact=${encodeURIComponent(a.fact)}`)).toMatchObject({ status: 200, body: { complete: true } });
  });

  it('answers each attachment on its own: one refused keeps nothing of it and holds none of the others back', async () => {
    const [good, flipped, wrongSize, later] = await factsFor(staff, world.siteId, [photo(3000, 10), photo(BLOB_CHUNK_BYTES + 5, 11), photo(2000, 12), photo(1500, 13)], 'batch-each');
    const [elsewhere] = await factsFor(stranger, otherSiteId, [photo(1200, 14)], 'batch-elsewhere');
    const notJpeg = Uint8Array.from({ length: 900 }, (_, i) => (i * 7) % 200);
    const [document] = await factsFor(staff, world.siteId, [notJpeg], 'batch-not-jpeg');
    const unknown = { fact: `fact:attachment:${'ab'.repeat(32)}`, bytes: photo(700, 15) };
    const altered = Uint8Array.from(flipped!.bytes);
    altered[BLOB_CHUNK_BYTES + 2]! ^= 1;
    // The size named for `wrongSize` is one short of its fact's; its bytes are cut to match.
    const items = [
      { fact: good!.fact, size: good!.bytes.length },
      { fact: flipped!.fact, size: altered.length },
      { fact: unknown.fact, size: unknown.bytes.length },
      { fact: elsewhere!.fact, size: elsewhere!.bytes.length },
      { fact: wrongSize!.fact, size: wrongSize!.bytes.length - 1 },
      { fact: document!.fact, size: notJpeg.length },
      { fact: later!.fact, size: later!.bytes.length },
    ];
    const body = concat([good!.bytes, altered, unknown.bytes, elsewhere!.bytes, wrongSize!.bytes.subarray(1), notJpeg, later!.bytes]);
    const answer = await putBatch(staff, `?attachments=${named(items)}`, body);
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r) => (r.ok ? { fact: r.fact, complete: r.status.complete } : { fact: r.fact, httpStatus: r.httpStatus, error: r.error }))).toEqual([
      { fact: good!.fact, complete: true },
      { fact: flipped!.fact, httpStatus: 422, error: 'blob_hash_mismatch' },
      { fact: unknown.fact, httpStatus: 409, error: 'fact_not_synced' },
      { fact: elsewhere!.fact, httpStatus: 403, error: 'out_of_scope' },
      { fact: wrongSize!.fact, httpStatus: 400, error: 'invalid_body' },
      { fact: document!.fact, httpStatus: 415, error: 'unsupported_media_type' },
      { fact: later!.fact, complete: true },
    ]);
    for (const refused of answer.body.results.filter((r) => !r.ok)) expect(refused.ok === false && refused.message.length).toBeGreaterThan(10);
    expect(await readBack(good!)).toEqual(good!.bytes);
    expect(await readBack(later!)).toEqual(later!.bytes);
    for (const sha of [flipped!.sha, wrongSize!.sha, document!.sha, elsewhere!.sha]) expect({ sha, held: await heldFor(sha) }).toEqual({ sha, held: [] });
    // The honest bytes of the refused ones then go up (the stranger's, by the stranger).
    const honest = await send(staff, [flipped!, wrongSize!]);
    expect(honest.body.results.map((r) => r.ok && r.status.complete)).toEqual([true, true]);
    expect(await readBack(flipped!)).toEqual(flipped!.bytes);
    expect((await send(stranger, [elsewhere!])).body.results).toMatchObject([{ ok: true, status: { complete: true } }]);
  });

  it('refuses a malformed batch whole with its own 4xx, keeps nothing of it, and the honest batch then goes up', async () => {
    const [a, b] = await factsFor(staff, world.siteId, [photo(2500, 20), photo(BLOB_CHUNK_BYTES + 300, 21)], 'batch-malformed');
    const both = concat([a!.bytes, b!.bytes]);
    const id = (x: Attachment) => x.fact.replace(/^fact:attachment:/, '');
    const pair = named([{ fact: a!.fact, size: a!.bytes.length }, { fact: b!.fact, size: b!.bytes.length }]);
    const tooMany = Array.from({ length: BLOB_BATCH_ATTACHMENTS + 1 }, () => `${id(a!)}.${a!.bytes.length}`).join(',');
    const attempts: [string, string, Uint8Array | string | undefined, { type?: string; headers?: Record<string, string> }, number, string][] = [
      ['a body one byte short', `?attachments=${pair}`, both.subarray(1), {}, 400, 'invalid_body'],
      ['a body one byte long', `?attachments=${pair}`, concat([both, new Uint8Array(1)]), {}, 400, 'invalid_body'],
      ['the same fact twice', `?attachments=${id(a!)}.${a!.bytes.length},${id(a!)}.${a!.bytes.length}`, concat([a!.bytes, a!.bytes]), {}, 400, 'invalid_query'],
      ['one attachment too many', `?attachments=${tooMany}`, concat(Array.from({ length: BLOB_BATCH_ATTACHMENTS + 1 }, () => a!.bytes)), {}, 400, 'invalid_query'],
      ['no attachments named', '?attachments=', both, {}, 400, 'invalid_query'],
      ['no query at all', '', both, {}, 400, 'invalid_query'],
      ['a size with a leading zero', `?attachments=${id(a!)}.0${a!.bytes.length}`, a!.bytes, {}, 400, 'invalid_query'],
      ['a size of nothing', `?attachments=${id(a!)}.0`, new Uint8Array(1), {}, 400, 'invalid_query'],
      ['a negative size', `?attachments=${id(a!)}.-${a!.bytes.length}`, a!.bytes, {}, 400, 'invalid_query'],
      ['no size', `?attachments=${id(a!)}`, a!.bytes, {}, 400, 'invalid_query'],
      ['an id in capitals', `?attachments=${id(a!).toUpperCase()}.${a!.bytes.length}`, a!.bytes, {}, 400, 'invalid_query'],
      ['a whole row id', `?attachments=${encodeURIComponent(a!.fact)}.${a!.bytes.length}`, a!.bytes, {}, 400, 'invalid_query'],
      ['a trailing comma', `?attachments=${id(a!)}.${a!.bytes.length},`, a!.bytes, {}, 400, 'invalid_query'],
      ['a field the query does not have', `?attachments=${pair}&fact=${encodeURIComponent(a!.fact)}`, both, {}, 400, 'invalid_query'],
      ['the list given twice', `?attachments=${id(a!)}.${a!.bytes.length}&attachments=${id(b!)}.${b!.bytes.length}`, both, {}, 400, 'invalid_query'],
      ['no body', `?attachments=${pair}`, undefined, {}, 400, 'invalid_body'],
      ['an empty body', `?attachments=${pair}`, new Uint8Array(0), {}, 400, 'invalid_body'],
      ['the bytes as JSON', `?attachments=${pair}`, JSON.stringify({ data: [toBase64Url(a!.bytes)] }), { type: 'application/json' }, 415, 'unsupported_media_type'],
      ['the bytes as text', `?attachments=${pair}`, 'not bytes', { type: 'text/plain' }, 415, 'unsupported_media_type'],
      ['more bytes than a batch may carry', `?attachments=${pair}`, new Uint8Array(BLOB_BATCH_BYTES + 1), {}, 413, 'payload_too_large'],
      ['a page on another origin', `?attachments=${pair}`, both, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } }, 403, 'origin_not_allowed'],
    ];
    for (const [what, query, body, options, status, error] of attempts) {
      const answer = await putBatch(staff, query, body, options);
      expect({ what, status: answer.status, error: answer.body.error }).toEqual({ what, status, error });
    }
    expect(await putBatch(undefined, `?attachments=${pair}`, both)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    expect(await heldFor(a!.sha)).toEqual([]);
    expect(await heldFor(b!.sha)).toEqual([]);
    expect((await send(staff, [a!, b!])).body.results.map((r) => r.ok && r.status.complete)).toEqual([true, true]);
  });

  it('answers the same batch sent many times at once with 200 each, and holds the bytes once', async () => {
    const items = await factsFor(staff, world.siteId, [photo(BLOB_CHUNK_BYTES * 2, 30), photo(5000, 31), photo(BLOB_CHUNK_BYTES + 1, 32)], 'batch-race');
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(staff, items)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.results.map((r) => r.ok && r.status.complete)).toEqual([true, true, true]);
    }
    for (const a of items) {
      expect(await idsUnder(`chunk:${a.sha}:`)).toHaveLength(Math.ceil(a.bytes.length / BLOB_CHUNK_BYTES));
      expect(await idsUnder(`proof:${a.sha}:`)).toHaveLength(1);
      expect(await idsUnder(`part:${a.sha}:`)).toEqual([]);
      expect(await readBack(a)).toEqual(a.bytes);
    }
  });

  it('completes an upload begun chunk by chunk once it is sent whole, and refuses one whose staged chunk differs as the chunk route does', async () => {
    const [begun, spoilt, beside] = await factsFor(staff, world.siteId, [photo(2 * BLOB_CHUNK_BYTES + 9, 40), photo(2 * BLOB_CHUNK_BYTES + 8, 41), photo(800, 42)], 'batch-begun');
    const chunkPath = (a: Attachment, index: number) => `/api/sync/blobs/${a.sha}/chunks/${index}?fact=${encodeURIComponent(a.fact)}`;
    expect(await blobCall(running, staff, 'PUT', chunkPath(begun!, 0), { data: toBase64Url(begun!.bytes.subarray(0, BLOB_CHUNK_BYTES)) })).toMatchObject({ status: 200, body: { complete: false, received: [0] } });
    // Chunk 1 of `spoilt` staged as other bytes of the right length.
    const wrong = Uint8Array.from(spoilt!.bytes.subarray(BLOB_CHUNK_BYTES, 2 * BLOB_CHUNK_BYTES)).map((x) => x ^ 0x55);
    expect(await blobCall(running, staff, 'PUT', chunkPath(spoilt!, 1), { data: toBase64Url(wrong) })).toMatchObject({ status: 200, body: { complete: false } });
    const answer = await send(staff, [begun!, spoilt!, beside!]);
    expect(answer.body.results.map((r) => (r.ok ? r.status.complete : r.error))).toEqual([true, 'chunk_conflict', true]);
    expect(await idsUnder(`part:${begun!.sha}:`)).toEqual([]);
    expect(await readBack(begun!)).toEqual(begun!.bytes);
    expect(await readBack(beside!)).toEqual(beside!.bytes);
    expect(await idsUnder(`chunk:${spoilt!.sha}:`)).toEqual([]);
  });

  it('proves only the facts whose own item passed when one batch names the same bytes under several facts', async () => {
    const bytes = photo(BLOB_CHUNK_BYTES + 700, 60);
    const [mine] = await factsFor(staff, world.siteId, [bytes], 'batch-same-1', 'request:req-same-1');
    const [alsoMine] = await factsFor(staff, world.siteId, [bytes], 'batch-same-2', 'request:req-same-2');
    const [theirs] = await factsFor(stranger, otherSiteId, [bytes], 'batch-same-3', 'request:req-same-3');
    expect(new Set([mine!.sha, alsoMine!.sha, theirs!.sha]).size).toBe(1);
    expect(new Set([mine!.fact, alsoMine!.fact, theirs!.fact]).size).toBe(3);
    // Staff send the bytes under all three facts: another site's fact is refused, and stays unproven.
    const answer = await send(staff, [mine!, theirs!, alsoMine!]);
    expect(answer.body.results.map((r) => (r.ok ? r.status.complete : r.error))).toEqual([true, 'out_of_scope', true]);
    expect(await idsUnder(`chunk:${mine!.sha}:`)).toHaveLength(2);
    expect(await idsUnder(`proof:${mine!.sha}:`)).toHaveLength(2);
    expect(await readBack(mine!)).toEqual(bytes);
    expect(await readBack(alsoMine!)).toEqual(bytes);
    // The stranger's fact opens nothing until an upload under it delivers the bytes.
    const chunk = `/api/sync/blobs/${theirs!.sha}/chunks/0?fact=${encodeURIComponent(theirs!.fact)}`;
    expect(await blobCall(running, stranger, 'GET', chunk)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect((await send(stranger, [theirs!])).body.results).toMatchObject([{ ok: true, status: { complete: true } }]);
    expect((await blobCall(running, stranger, 'GET', chunk)).status).toBe(200);
  });
});

describe("the app's upload queue", () => {
  /** What a tablet's upload requests carried, by photo: a batch (its photos), a status check or bytes alone (the photo in the path). */
  interface Sent {
    readonly kind: 'batch' | 'status' | 'bytes';
    readonly shas: readonly string[];
  }
  const sentBy = (added: readonly { sha256: string; factRowId: string }[]) => {
    const shaOfFact = new Map(added.map((a) => [a.factRowId, a.sha256]));
    return (path: string, url: string): Sent | undefined => {
      if (!path.startsWith('/api/sync/blobs')) return undefined;
      const attachments = new URL(url).searchParams.get('attachments');
      if (attachments === null) return { kind: path.endsWith('/bytes') ? 'bytes' : 'status', shas: [path.split('/')[4]!] };
      return { kind: 'batch', shas: attachments.split(',').map((item) => shaOfFact.get(`fact:attachment:${item.split('.')[0]!}`) ?? item) };
    };
  };
  const count = (sent: readonly Sent[], kind: Sent['kind'], sha: string) => sent.filter((s) => s.kind === kind && s.shas.includes(sha)).length;
  const untilUploaded = async (tablet: { store: { book: { blob(sha: string): Promise<{ state: string } | undefined> } } }, shas: readonly string[], sent: readonly Sent[]) => {
    for (const sha of shas) {
      for (let i = 0; (await tablet.store.book.blob(sha))?.state !== 'uploaded'; i++) {
        if (i > 1500) throw new Error(`photo ${sha} did not go up: ${JSON.stringify(sent)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };

  it('sends small photos several to a request, and the photos of one cut off resume each on its own, asking the server first', async () => {
    const tablet = await replicas.open(staff, 'batch-queue');
    const photos = Array.from({ length: BLOB_BATCH_ATTACHMENTS + 4 }, (_, i) => photo(3000 + i, 50 + i));
    // Taken offline, as at a site: the facts and the bytes wait together.
    tablet.network.setOnline(false);
    const added = [];
    for (const bytes of photos) added.push(await tablet.store.attachments.add({ bytes, about: 'request:req-batch-queue', mime: 'image/jpeg' }, world.siteId));
    // Back online, the first request carrying several photos loses its connection.
    const what = sentBy(added);
    const sent: Sent[] = [];
    let cutOff: readonly string[] | undefined;
    tablet.network.intercept = (path, _init, url) => {
      const request = what(path, url);
      if (request === undefined) return;
      sent.push(request);
      if (request.kind === 'batch' && cutOff === undefined) {
        cutOff = request.shas;
        throw new TypeError('fetch failed: the connection dropped');
      }
    };
    tablet.network.setOnline(true);
    tablet.start();
    tablet.sync!.syncNow();
    await untilUploaded(tablet, added.map((a) => a.sha256), sent);
    // Several photos went in one request (how many depends on how many facts one pass found answered).
    expect(cutOff?.length).toBeGreaterThan(1);
    expect(cutOff!.length).toBeLessThanOrEqual(BLOB_BATCH_ATTACHMENTS);
    for (const { sha256 } of added) {
      const times = { batch: count(sent, 'batch', sha256), status: count(sent, 'status', sha256), bytes: count(sent, 'bytes', sha256) };
      // Cut off: asked the server once, then sent on its own once (never in a batch again, never blind).
      if (cutOff!.includes(sha256)) expect({ sha256, ...times }).toEqual({ sha256, batch: 1, status: 1, bytes: 1 });
      // Any other: its bytes went once, in a batch or on its own, and nothing was asked.
      else expect({ sha256, sent: times.batch + times.bytes, status: times.status }).toEqual({ sha256, sent: 1, status: 0 });
    }
    for (const [i, { sha256, factRowId }] of added.entries()) expect(await readBlobBack(running, staff, sha256, factRowId, photos[i]!.length)).toEqual(photos[i]);
    expect(tablet.store.status.get().attachments).toMatchObject({ queued: 0 });
  });

  it('asks the server, and sends nothing again, after a batch whose answer was lost once the server kept it; and uploads bytes again under a second fact', async () => {
    const tablet = await replicas.open(staff, 'batch-lost-answer');
    const photos = Array.from({ length: 4 }, (_, i) => photo(2000 + i, 70 + i));
    tablet.network.setOnline(false);
    const added = [];
    for (const bytes of photos) added.push(await tablet.store.attachments.add({ bytes, about: 'request:req-lost-answer', mime: 'image/jpeg' }, world.siteId));
    // The first photo again, about another request: a second fact, queued behind the first.
    const second = await tablet.store.attachments.add({ bytes: photos[0]!, about: 'request:req-lost-answer-2', mime: 'image/jpeg' }, world.siteId);
    expect(second.sha256).toBe(added[0]!.sha256);
    const what = sentBy([...added, second]);
    const sent: Sent[] = [];
    let lost: readonly string[] | undefined;
    tablet.network.intercept = async (path, init, url) => {
      const request = what(path, url);
      if (request === undefined) return;
      sent.push(request);
      if (request.kind !== 'batch' || lost !== undefined) return;
      lost = request.shas;
      // The server gets the request and keeps the bytes; its answer never comes back.
      const kept = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: staff.cookie, 'sec-fetch-site': 'same-origin' } });
      expect(kept.status).toBe(200);
      throw new TypeError('fetch failed: the answer was lost');
    };
    tablet.network.setOnline(true);
    tablet.start();
    tablet.sync!.syncNow();
    await untilUploaded(tablet, added.map((a) => a.sha256), sent);
    expect(lost?.length).toBeGreaterThan(1);
    for (const { sha256 } of added) {
      const times = { batch: count(sent, 'batch', sha256), status: count(sent, 'status', sha256), bytes: count(sent, 'bytes', sha256) };
      if (sha256 === second.sha256) continue;
      // Kept by the server in the lost batch: asked once, found complete, not sent again.
      if (lost!.includes(sha256)) expect({ sha256, ...times }).toEqual({ sha256, batch: 1, status: 1, bytes: 0 });
      else expect({ sha256, sent: times.batch + times.bytes, status: times.status }).toEqual({ sha256, sent: 1, status: 0 });
    }
    // The photo named by two facts: up under each (possession is per fact), so its bytes went twice.
    const twice = { batch: count(sent, 'batch', second.sha256), bytes: count(sent, 'bytes', second.sha256) };
    expect(twice.batch + twice.bytes).toBe(2);
    for (const [i, { sha256, factRowId }] of added.entries()) expect(await readBlobBack(running, staff, sha256, factRowId, photos[i]!.length)).toEqual(photos[i]);
    expect(await readBlobBack(running, staff, second.sha256, second.factRowId, photos[0]!.length)).toEqual(photos[0]);
  });

  it('sends none of a large photo missing a middle chunk here, and the others go up', async () => {
    const tablet = await replicas.open(staff, 'batch-missing-middle');
    tablet.network.setOnline(false);
    // Five chunks: more than one request carries whole, so it goes on its own, run by run.
    const large = photo(BLOB_CHUNKS_PER_REQUEST * BLOB_CHUNK_BYTES + 100, 77);
    const small = photo(3000, 78);
    const broken = await tablet.store.attachments.add({ bytes: large, about: 'request:req-missing-middle', mime: 'image/jpeg' }, world.siteId);
    const good = await tablet.store.attachments.add({ bytes: small, about: 'request:req-missing-middle', mime: 'image/jpeg' }, world.siteId);
    await tablet.store.db.local.bulkRemove([localId('chunk', `${broken.sha256}:000002`)]);
    const what = sentBy([broken, good]);
    const sent: Sent[] = [];
    tablet.network.intercept = (path, _init, url) => {
      const request = what(path, url);
      if (request !== undefined) sent.push(request);
    };
    const failures: string[] = [];
    const logged = console.warn;
    console.warn = (...args: unknown[]) => void failures.push(args.map(String).join(' '));
    try {
      tablet.network.setOnline(true);
      tablet.start();
      tablet.sync!.syncNow();
      await untilUploaded(tablet, [good.sha256], sent);
      await expect.poll(() => failures.some((line) => line.includes(`chunk 2 of ${broken.sha256} is missing here`)), { timeout: 15_000 }).toBe(true);
    } finally {
      console.warn = logged;
    }
    // Not a byte of it went: the run holding the missing chunk is not sent, nor any run of it.
    expect(count(sent, 'bytes', broken.sha256) + count(sent, 'batch', broken.sha256)).toBe(0);
    expect((await tablet.store.book.blob(broken.sha256))?.state).toBe('queued');
    expect(await readBlobBack(running, staff, good.sha256, good.factRowId, small.length)).toEqual(small);
  });

  // The tablet's own copy of one photo spoilt: its chunk spells more bytes than its entry says,
  // fewer, is not base64url, or is gone (`null`: storage lost it); or its entry counts chunks its
  // size does not make (`{ chunks }`: the copy is not held whole here).
  const spoilings: [string, (bytes: Uint8Array) => string | null | { chunks: number }][] = [
    ['more bytes', (bytes) => toBase64Url(new Uint8Array([...bytes, 1, 2, 3]))],
    ['fewer bytes', (bytes) => toBase64Url(bytes.subarray(0, bytes.length - 5))],
    ['not base64url', (bytes) => `${toBase64Url(bytes).slice(0, -4)}!!!!`],
    ['its chunk missing', () => null],
    ['its entry counting 3 chunks', () => ({ chunks: 3 })],
    ['its entry counting no number of chunks', () => ({ chunks: Number.NaN })],
  ];
  it.each(spoilings)('leaves out a photo whose copy here is damaged (%s), and sends the others together', async (how, spoil) => {
    const tablet = await replicas.open(staff, `batch-bad-local-${how.replaceAll(' ', '-')}`);
    const photos = Array.from({ length: 4 }, (_, i) => photo(4000 + i, 90 + i + how.length));
    tablet.network.setOnline(false);
    const added = [];
    for (const bytes of photos) added.push(await tablet.store.attachments.add({ bytes, about: 'request:req-bad-local', mime: 'image/jpeg' }, world.siteId));
    const [spoilt, ...good] = added;
    const spoilt0 = spoil(photos[0]!);
    if (spoilt0 === null) await tablet.store.db.local.bulkRemove([localId('chunk', `${spoilt!.sha256}:000000`)]);
    else if (typeof spoilt0 === 'object') await tablet.store.book.changeBlobs([spoilt!.sha256], (_sha, entry) => ({ ...entry, chunks: spoilt0.chunks }));
    else await tablet.store.book.putChunks(spoilt!.sha256, [spoilt0]);
    const what = sentBy(added);
    const sent: Sent[] = [];
    tablet.network.intercept = (path, _init, url) => {
      const request = what(path, url);
      if (request !== undefined) sent.push(request);
    };
    tablet.network.setOnline(true);
    tablet.start();
    tablet.sync!.syncNow();
    await untilUploaded(tablet, good.map((a) => a.sha256), sent);
    // The others went up, each once, at least two of them in one request; the spoilt one in none of theirs.
    for (const { sha256 } of good) expect({ sha256, sent: count(sent, 'batch', sha256) + count(sent, 'bytes', sha256) }).toEqual({ sha256, sent: 1 });
    expect(sent.some((s) => s.kind === 'batch' && s.shas.length > 1)).toBe(true);
    // Tried on its own once (noted as begun, so the next try asks the server first): its damaged
    // bytes are sent neither in a batch nor on their own.
    for (let i = 0; count(sent, 'status', spoilt!.sha256) === 0; i++) {
      if (i > 1500) throw new Error(`the damaged photo was not tried on its own: ${JSON.stringify(sent)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(count(sent, 'batch', spoilt!.sha256) + count(sent, 'bytes', spoilt!.sha256)).toBe(0);
    for (const [i, { sha256, factRowId }] of added.entries()) {
      if (i > 0) expect(await readBlobBack(running, staff, sha256, factRowId, photos[i]!.length)).toEqual(photos[i]);
    }
    // Nothing of the spoilt photo is held by the server, and the tablet still has it waiting.
    expect((await blobCall(running, staff, 'GET', `/api/sync/blobs/${spoilt!.sha256}/chunks/0?fact=${encodeURIComponent(spoilt!.factRowId)}`)).status).not.toBe(200);
    expect((await tablet.store.book.blob(spoilt!.sha256))?.state).toBe('queued');
    // Opened for a screen, the damaged copy is said to be damaged, not shown; one missing a chunk is
    // not held here whole, and the server does not hold it either.
    await expect(tablet.store.attachments.open(spoilt!.sha256, spoilt!.factRowId)).rejects.toThrow(typeof spoilt0 === 'string' ? /damaged/ : /not on the server yet/);
  });
});
