/**
 * Attachment bytes against the real server, as outsiders and unlucky tablets meet them:
 * - a hash alone is worth nothing: staff at one site who learn the SHA-256 of another site's
 *   photo and push an attachment fact of their own naming it get no byte of it, however they ask;
 *   bytes open only under a fact whose own upload delivered them (so possession, once proven by
 *   uploading the bytes, does open them);
 * - an upload whose chunks all reached the server before it assembled them (the store failed the
 *   assembly's write) still completes when the tablet resumes: the tablet keeps it queued until
 *   the server says complete, sends no chunk twice, and colleagues then download the bytes;
 * - several uploads go up at once: one the server refuses (bytes not of their type) holds none of
 *   the others up, one cut off mid-way resumes with what the server lacks, each arrives intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, fromBase64Url, sha256, toBase64Url, toHex } from '@seal/shared';
import { blobCall, photo, setUpBlobWorld } from './blobWorld';
import { replicaPool, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { chunksSent } from './network';

let running: RunningSync;
let world: World;
let staff: Person;
let colleague: Person;
let stranger: Person;
let otherSiteId: string;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  ({ world, staff, stranger, otherSiteId } = await setUpBlobWorld(running));
  colleague = await world.person(world.siteId, ['custodian'], 'Site custodian');
}, 60_000);
afterAll(async () => running?.close());

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const raw = (person: Person, method: 'GET' | 'PUT', path: string, body?: unknown) => blobCall(running, person, method, path, body);
const blobPath = (sha: string, fact: string, index?: number) => `/api/sync/blobs/${sha}${index === undefined ? '' : `/chunks/${index}`}?fact=${encodeURIComponent(fact)}`;

/** The stranger's own attachment fact naming `sha` (pushed through a replica, so it is valid). */
async function strangersFact(sha: string, size: number, at: number): Promise<string> {
  const tablet = await replicas.open(stranger, `stranger-${at}`);
  tablet.start();
  const { row } = await tablet.store.facts.append('attachment', { sha256: sha, about: 'request:req-stolen', mime: 'image/jpeg', size, at }, otherSiteId);
  await tablet.sync!.awaitInSync();
  expect(tablet.store.status.get().refusals).toEqual([]);
  await replicas.close(tablet);
  return row.id;
}

async function uploaded(tablet: Replica, sha: string): Promise<void> {
  await eventually(async () => ((await tablet.store.book.blob(sha))?.state === 'uploaded' ? true : undefined), `the upload of ${sha}`);
}

describe('a hash alone opens no bytes', () => {
  it('refuses another site\'s photo to staff who name its hash in a fact of their own, before and after it arrives', async () => {
    const bytes = photo(2 * BLOB_CHUNK_BYTES + 77, 3);
    const tablet = await replicas.open(staff, 'site-camera');
    // The stranger learned the hash first and got in first: a fact of their own, and garbage
    // staged under it, before the real upload (which must not be spoiled by it).
    const sha = (await tablet.store.attachments.add({ bytes, about: 'request:req-contract', mime: 'image/jpeg' }, world.siteId)).sha256;
    const stolen = await strangersFact(sha, bytes.length, 1_790_000_500_000);
    const garbage = toBase64Url(Uint8Array.from({ length: BLOB_CHUNK_BYTES }, (_, i) => [0xff, 0xd8, 0xff][i] ?? 0));
    expect((await raw(stranger, 'PUT', blobPath(sha, stolen, 0), { data: garbage })).status).toBe(200);

    tablet.start();
    await uploaded(tablet, sha);
    const factRowId = (await tablet.store.book.blob(sha))!.factRowId;

    // Colleagues at the site read it under the site's fact.
    const office = await replicas.open(colleague, 'site-office');
    await syncAll([office]);
    expect(await office.store.attachments.bytes(sha, factRowId, office.sync!.client)).toEqual(bytes);

    // The stranger: under their own fact nothing is complete and no chunk is served…
    const status = await raw(stranger, 'GET', blobPath(sha, stolen));
    expect(status).toMatchObject({ status: 200, body: { complete: false, received: [0] } });
    for (const index of [0, 1, 2]) {
      const chunk = await raw(stranger, 'GET', blobPath(sha, stolen, index));
      expect(chunk.status, `chunk ${index}`).toBe(404);
      expect(chunk.body.data).toBeUndefined();
    }
    // …the site's fact is out of their scope…
    expect(await raw(stranger, 'GET', blobPath(sha, factRowId, 0))).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    expect(await raw(stranger, 'GET', blobPath(sha, factRowId))).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    // …and finishing the upload with wrong bytes is refused and opens nothing.
    const rest = [1, 2].map((i) => toBase64Url(new Uint8Array(i === 2 ? 77 : BLOB_CHUNK_BYTES)));
    expect((await raw(stranger, 'PUT', blobPath(sha, stolen, 1), { data: rest[0] })).status).toBe(200);
    expect(await raw(stranger, 'PUT', blobPath(sha, stolen, 2), { data: rest[1] })).toMatchObject({ status: 422, body: { error: 'blob_hash_mismatch' } });
    expect((await raw(stranger, 'GET', blobPath(sha, stolen, 0))).status).toBe(404);
    expect(await raw(stranger, 'GET', blobPath(sha, stolen))).toMatchObject({ status: 200, body: { complete: false, received: [] } });
  }, 60_000);

  it('opens the bytes under a fact whose own upload delivered them: possession, not the hash, is what counts', async () => {
    const bytes = photo(BLOB_CHUNK_BYTES + 5, 11);
    const tablet = await replicas.open(staff, 'site-camera-2');
    tablet.start();
    const { sha256: sha } = await tablet.store.attachments.add({ bytes, about: 'request:req-2', mime: 'image/jpeg' }, world.siteId);
    await uploaded(tablet, sha);
    // The stranger really holds the same bytes (say, the same public notice photographed) and uploads them.
    const theirs = await strangersFact(sha, bytes.length, 1_790_000_500_001);
    expect((await raw(stranger, 'GET', blobPath(sha, theirs, 0))).status).toBe(404);
    expect((await raw(stranger, 'PUT', blobPath(sha, theirs, 0), { data: toBase64Url(bytes.subarray(0, BLOB_CHUNK_BYTES)) })).body).toMatchObject({ complete: false });
    expect((await raw(stranger, 'PUT', blobPath(sha, theirs, 1), { data: toBase64Url(bytes.subarray(BLOB_CHUNK_BYTES)) })).body).toMatchObject({ complete: true });
    expect(await raw(stranger, 'GET', blobPath(sha, theirs, 1))).toMatchObject({ status: 200, body: { data: toBase64Url(bytes.subarray(BLOB_CHUNK_BYTES)) } });
  }, 60_000);

  it('uploads bytes again under a second fact made on the same tablet, so that fact\'s readers get them too', async () => {
    const bytes = photo(1000, 5);
    const tablet = await replicas.open(staff, 'site-camera-3');
    tablet.start();
    const first = await tablet.store.attachments.add({ bytes, about: 'request:req-3', mime: 'image/jpeg' }, world.siteId);
    await uploaded(tablet, first.sha256);
    const second = await tablet.store.attachments.add({ bytes, about: 'request:req-4', mime: 'image/jpeg' }, world.siteId);
    expect(second.factRowId).not.toBe(first.factRowId);
    await eventually(async () => ((await tablet.store.book.blob(first.sha256))?.factRowId === second.factRowId ? true : undefined), 'the second upload');
    await uploaded(tablet, first.sha256);
    const chunk = await raw(colleague, 'GET', blobPath(first.sha256, second.factRowId, 0));
    expect(chunk).toMatchObject({ status: 200, body: { data: toBase64Url(bytes) } });
  }, 60_000);
});

describe('bytes whose fact is answered while the queue looks', () => {
  it('go up: an answer that comes after the queue read its facts as waiting, before it waits again, is not lost', async () => {
    const bytes = photo(3000, 11);
    const tablet = await replicas.open(staff, 'site-camera-late-answer');
    const added = await tablet.store.attachments.add({ bytes, about: 'request:req-late', mime: 'image/jpeg' }, world.siteId);
    // The queue's first look finds the fact waiting; the server's answer to it (the outbox entry
    // leaving, which wakes the queue) comes before that look ends — as it may on a busy tablet.
    const book = tablet.store.book;
    const waitingAmong = book.waitingAmong.bind(book);
    let held = false;
    book.waitingAmong = async (ids) => {
      const waiting = await waitingAmong(ids);
      if (!held && waiting.includes(added.factRowId)) {
        held = true;
        await eventually(async () => ((await book.outboxIds()).includes(added.factRowId) ? undefined : true), 'the answer to the attachment fact');
      }
      return waiting;
    };
    tablet.start();
    await eventually(() => (held ? true : undefined), 'the queue\'s first look');
    await uploaded(tablet, added.sha256);
    const chunk = await raw(colleague, 'GET', blobPath(added.sha256, added.factRowId, 0));
    expect(chunk).toMatchObject({ status: 200, body: { data: toBase64Url(bytes) } });
  }, 60_000);
});

describe('an upload whose chunks all arrived before the server assembled them', () => {
  it('completes when the tablet resumes: queued until the server says complete, no chunk twice, then downloadable', async () => {
    const blobsDb = running.server.store.couch.use(running.server.store.dbName('blobs'));
    // The fault: the store refuses the write that marks assembled bytes complete, so the request
    // carrying the last chunk stores it and then fails (as a server killed at that point would).
    const fault = await blobsDb.insert({
      _id: '_design/injected_fault',
      validate_doc_update: "function (doc) { if (doc._id.indexOf('blob:') === 0) throw({ forbidden: 'injected fault: the assembly fails' }); }",
    } as never);
    const bytes = photo(3 * BLOB_CHUNK_BYTES + 9, 17);
    const tablet = await replicas.open(staff, 'site-camera-fault');
    const puts: number[] = [];
    tablet.network.intercept = (_path, init, url) => {
      puts.push(...(chunksSent(url, init)?.indices ?? []));
    };
    const { sha256: sha, factRowId } = await tablet.store.attachments.add({ bytes, about: 'request:req-fault', mime: 'image/jpeg' }, world.siteId);
    const checks = () => tablet.network.counts.get(`/api/sync/blobs/${sha}`) ?? 0;
    tablet.start();
    // Every chunk went up; the tablet has asked since, more than once, and is still not done.
    await eventually(async () => (checks() >= 4 || (await tablet.store.book.blob(sha))?.state === 'uploaded' ? true : undefined), 'the tablet to ask again');
    expect((await tablet.store.book.blob(sha))?.state).toBe('queued');
    expect(puts).toEqual([0, 1, 2, 3]);
    expect((await raw(colleague, 'GET', blobPath(sha, factRowId, 0))).status).toBe(404);

    // The fault clears (the server is back): the next check assembles what the server holds.
    await blobsDb.destroy('_design/injected_fault', fault.rev).catch(() => blobsDb.destroy('_design/injected_fault', fault.rev));
    await uploaded(tablet, sha);
    expect(puts).toEqual([0, 1, 2, 3]);

    const office = await replicas.open(colleague, 'site-office-fault');
    await syncAll([office]);
    expect(await office.store.attachments.bytes(sha, factRowId, office.sync!.client)).toEqual(bytes);
    // Held once: one assembled copy per chunk, nothing left staged.
    const ids = async (prefix: string) => {
      // A fresh request each time: the store may have closed this test's idle keep-alive socket.
      const list = () => blobsDb.list({ startkey: prefix, endkey: `${prefix}\ufff0` });
      return (await list().catch(list)).rows.map((row) => row.id);
    };
    expect(await ids(`chunk:${sha}:`)).toHaveLength(4);
    expect(await ids(`part:${sha}:`)).toEqual([]);
  }, 60_000);
});

describe('the same chunk sent several times at once (a retry racing its first attempt, two queues on one tablet)', () => {
  it('answers each with the upload\'s state, never a conflict, and the bytes are held once', async () => {
    for (const [size, seed] of [[2_000, 41], [2 * BLOB_CHUNK_BYTES + 5, 42], [3_000, 43], [4_000, 44], [BLOB_CHUNK_BYTES + 1, 45]] as const) {
      const bytes = photo(size, seed);
      const tablet = await replicas.open(staff, `site-camera-race-${seed}`);
      const { sha256: sha, factRowId } = await tablet.store.attachments.add({ bytes, about: 'request:req-race', mime: 'image/jpeg' }, world.siteId);
      // The fact reaches the server (the tablet's own upload held back); its bytes go up by hand, each chunk sixteen times at once.
      tablet.network.intercept = (path) => { if (path.startsWith('/api/sync/blobs')) throw new TypeError('held back by the test'); };
      await syncAll([tablet]);
      const chunks = Math.ceil(size / BLOB_CHUNK_BYTES);
      const answers = await Promise.all(Array.from({ length: chunks * 16 }, async (_, k) => {
        const index = k % chunks;
        const data = toBase64Url(bytes.subarray(index * BLOB_CHUNK_BYTES, (index + 1) * BLOB_CHUNK_BYTES));
        return raw(staff, 'PUT', blobPath(sha, factRowId, index), { data });
      }));
      expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body])).toEqual([]);
      expect(answers.some((a) => a.body.complete === true)).toBe(true);
      const status = await raw(staff, 'GET', blobPath(sha, factRowId));
      expect(status.body.complete).toBe(true);
      const back = await Promise.all(Array.from({ length: chunks }, async (_, i) => fromBase64Url((await raw(colleague, 'GET', blobPath(sha, factRowId, i))).body.data!)));
      const joined = new Uint8Array(size);
      back.forEach((part, i) => joined.set(part, i * BLOB_CHUNK_BYTES));
      expect(joined).toEqual(bytes);
      await replicas.close(tablet);
    }
  }, 60_000);
});

describe('several uploads at once', () => {
  it('go up side by side; one the server refuses holds none of the others up, one cut off mid-way resumes, each arrives intact', async () => {
    const tablet = await replicas.open(staff, 'site-camera-batch');
    const blobsDb = running.server.store.couch.use(running.server.store.dbName('blobs'));
    const hex = async (bytes: Uint8Array) => toHex(await sha256(bytes));
    // Good photos of two requests each (the first carries BLOB_CHUNKS_PER_REQUEST chunks, the
    // second two), and one "photo" whose bytes are not a JPEG (the server answers 415 for it, for
    // ever). It is made to come first in the queue, which is in hash order: a queue that stopped
    // at a refusal would never send the others.
    const good = Array.from({ length: 5 }, (_, i) => photo((BLOB_CHUNKS_PER_REQUEST + 1) * BLOB_CHUNK_BYTES + 100 + i, 40 + i));
    const goodShas = await Promise.all(good.map(hex));
    let refused: Uint8Array | undefined;
    for (let seed = 0; refused === undefined; seed++) {
      const candidate = Uint8Array.from({ length: BLOB_CHUNK_BYTES + 9 }, (_, i) => (i * 13 + seed) % 256 === 0xff ? 1 : (i * 13 + seed) % 256);
      const sha = await hex(candidate);
      if (goodShas.every((other) => sha < other)) refused = candidate;
    }
    // Queued while the bytes' route is down: their facts go up, the bytes wait.
    tablet.network.blockPaths = /^\/api\/sync\/blobs(\/|$)/;
    tablet.start();
    const refusedUpload = await tablet.store.attachments.add({ bytes: refused, about: 'request:req-batch-0', mime: 'image/jpeg' }, world.siteId);
    const uploads = [];
    for (const [i, bytes] of good.entries()) uploads.push(await tablet.store.attachments.add({ bytes, about: `request:req-batch-${i + 1}`, mime: 'image/jpeg' }, world.siteId));
    await tablet.sync!.awaitInSync();
    // The queue counts what waits at the start of each of its passes, apart from the rows' sync:
    // the pass after the sixth photo was added may end after the rows are in sync.
    await eventually(() => (tablet.store.status.get().attachments.queued === 6 ? true : undefined), 'the status to show six attachments waiting');

    // The way back: the connection drops once during the second request of one photo; and the
    // first requests of two different photos must be in flight together before either is let through.
    const cutOff = uploads[2]!.sha256;
    // Each photo's requests, as the chunks each carried ("0,1,2,3").
    const puts = new Map<string, string[]>();
    const firstChunksWaiting = new Set<string>();
    let together: () => void = () => undefined;
    const bothInFlight = new Promise<void>((resolve) => (together = resolve));
    let dropped = false;
    tablet.network.intercept = async (_path, init, url) => {
      const sent = chunksSent(url, init);
      if (!sent) return;
      const { sha } = sent;
      puts.set(sha, [...(puts.get(sha) ?? []), sent.indices.join()]);
      if (sha === cutOff && sent.indices[0] !== 0 && !dropped) {
        dropped = true;
        throw new TypeError('fetch failed: the connection dropped');
      }
      if (sent.indices[0] === 0 && sha !== refusedUpload.sha256 && firstChunksWaiting.size < 2) {
        firstChunksWaiting.add(sha);
        if (firstChunksWaiting.size === 2) together();
        // Guarded: a queue sending one at a time never gets here twice, and the test fails below.
        await Promise.race([bothInFlight, new Promise((r) => setTimeout(r, 10_000))]);
      }
    };
    tablet.network.blockPaths = undefined;
    for (const { sha256 } of uploads) await uploaded(tablet, sha256);
    expect(firstChunksWaiting.size).toBe(2);
    expect(dropped).toBe(true);

    // What the tablet says: one attachment still waits (the refused one), the others went.
    expect((await tablet.store.book.blob(refusedUpload.sha256))?.state).toBe('queued');
    await eventually(() => (tablet.store.status.get().attachments.queued === 1 ? true : undefined), 'the status to show one attachment waiting');
    // Each chunk once, in order — but those of the request cut off, sent again — and the refused
    // photo only ever in its one request (refused at its first chunk, which is not a JPEG).
    const first = Array.from({ length: BLOB_CHUNKS_PER_REQUEST }, (_, i) => i).join();
    const second = [BLOB_CHUNKS_PER_REQUEST, BLOB_CHUNKS_PER_REQUEST + 1].join();
    for (const { sha256 } of uploads) expect(puts.get(sha256), sha256).toEqual(sha256 === cutOff ? [first, second, second] : [first, second]);
    expect(new Set(puts.get(refusedUpload.sha256))).toEqual(new Set(['0,1']));

    // Colleagues get every good photo intact; nothing is left staged; the refused bytes are not served.
    const office = await replicas.open(colleague, 'site-office-batch');
    await syncAll([office]);
    for (const [i, { sha256, factRowId }] of uploads.entries()) {
      expect(await office.store.attachments.bytes(sha256, factRowId, office.sync!.client)).toEqual(good[i]);
      const staged = await blobsDb.list({ startkey: `part:${sha256}:`, endkey: `part:${sha256}:\ufff0` });
      expect(staged.rows).toEqual([]);
    }
    expect((await raw(colleague, 'GET', blobPath(refusedUpload.sha256, refusedUpload.factRowId, 0))).status).toBe(404);
  }, 90_000);
});
