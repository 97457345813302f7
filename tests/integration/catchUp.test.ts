/**
 * Catching up: a site tablet offline with thousands of facts (a device log pulled over days)
 * sends them all in one go when a connection appears, and a fresh replica downloads them in one
 * go, with progress. Attachment bytes go through their own queue, after the facts that describe
 * them, never holding those facts up, and resume where an interrupted upload stopped. An idle
 * replica learns of new rows from the live stream (no polling), and after its connection drops it
 * reconnects and catches up with what it missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, SERVER_AUTHOR } from '@seal/shared';
import type { SyncStatusSnapshot } from '../../app/src/store/syncStatus';
import { deviceWithLog, sealMove, sealRecord } from './fixtures';
import { chunksSent } from './network';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type ReplicaOptions, type RunningSync, type World } from './harness';

const BACKLOG = Number(process.env.BACKLOG_FACTS ?? 3000);
let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let auditor: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian');
  staff = await world.person(world.siteId, ['staff'], 'Site staff');
  auditor = await world.person(world.branchId, ['auditor'], 'Auditor');
}, 60_000);
afterAll(async () => running?.close());

const replica = (person: Person, name: string, options?: ReplicaOptions): Promise<Replica> => replicas.open(person, name, options);

/** Every status snapshot a store publishes from now on. */
function record(r: Replica): SyncStatusSnapshot[] {
  const seen: SyncStatusSnapshot[] = [];
  r.store.status.subscribe((s) => seen.push(s));
  return seen;
}

describe('a tablet offline with a large backlog', () => {
  it(`sends ${BACKLOG} facts in one go, and a fresh replica downloads them in one go, with progress`, async () => {
    const device = await deviceWithLog('dev-backlog', world.siteId, BACKLOG);
    const office = await replica(custodian, 'office', { pullBatchSize: 500 });
    office.start();
    await office.store.records.create('device', device.record);
    const tablet = await replica(staff, 'tablet', { pushBatchSize: 200, pullBatchSize: 500 });
    await syncAll([office, tablet]);

    // Weeks without a network: the tablet reads the device's log in bursts and keeps it.
    tablet.network.setOnline(false);
    for (let i = 0; i < BACKLOG; i += 250) await tablet.store.facts.appendMany('device_event', device.log.slice(i, i + 250), world.siteId);
    // The count of rows waiting follows the outbox as a query does: soon after, not at once.
    await expect.poll(() => tablet.store.status.get()).toMatchObject({ pending: BACKLOG, connection: 'offline' });

    const up = record(tablet);
    const started = performance.now();
    tablet.network.setOnline(true);
    tablet.sync!.syncNow();
    await tablet.sync!.awaitInSync();
    const upMs = performance.now() - started;
    expect(tablet.store.status.get().pending).toBe(0);
    const pendings = up.map((s) => s.pending);
    expect(pendings.at(-1)).toBe(0);
    expect(new Set(pendings).size, 'the count of rows waiting went down in steps').toBeGreaterThan(3);
    expect(pendings.every((n, i) => i === 0 || n <= pendings[i - 1]!)).toBe(true);

    // An auditor's laptop that has never synced catches up in one go.
    const laptop = await replica(auditor, 'laptop', { pullBatchSize: 500 });
    const down = record(laptop);
    const fresh = performance.now();
    laptop.start();
    await laptop.sync!.awaitInSync();
    const downMs = performance.now() - fresh;
    // Every fact came down once. The backlog went up in RxDB's order, which is not the log's seq
    // order: a gap the server saw on the way is raised and resolved (its rows are the server's);
    // none stays open once every entry is held.
    const pulled = (await laptop.store.db.rows.find().exec()).map((d) => d.toJSON() as unknown as { author: string; kind: string; body: { id: string } });
    expect(pulled.filter((row) => row.author !== SERVER_AUTHOR).length).toBe(BACKLOG + 1);
    const resolved = new Set(pulled.filter((row) => row.kind === 'alarm_resolution').map((row) => row.body.id));
    expect(pulled.filter((row) => row.author === SERVER_AUTHOR && !resolved.has(row.body.id)).map((row) => row.body.id)).toEqual([]);
    const progress = down.flatMap((s) => (s.catchUp ? [s.catchUp] : []));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map((p) => p.pulled)).toEqual([...progress.map((p) => p.pulled)].sort((a, b) => a - b));
    expect(progress.at(-1)!.remaining).toBeLessThan(progress[0]!.remaining);
    expect(laptop.store.status.get()).toMatchObject({ catchUp: null, connection: 'online', pending: 0 });
    expect(laptop.store.status.get().lastSyncAt).not.toBeNull();
    console.log(`backlog of ${BACKLOG}: up in ${Math.round(upMs)} ms, down to a fresh replica in ${Math.round(downMs)} ms`);
  }, 120_000);
});

describe('attachments', () => {
  const photo = (size: number, seed: number) => Uint8Array.from({ length: size }, (_, i) => [0xff, 0xd8, 0xff][i] ?? (i * 31 + seed) % 251);

  it('go up after their fact, never hold facts up, resume, and come down intact', async () => {
    const tablet = await replica(staff, 'camera-tablet');
    tablet.start();
    // Two requests' worth of chunks (a request carries up to BLOB_CHUNKS_PER_REQUEST).
    const bytes = photo((BLOB_CHUNKS_PER_REQUEST + 2) * BLOB_CHUNK_BYTES + 1234, 7);
    // The bytes' route is down: the fact still goes up, the bytes wait.
    tablet.network.blockPaths = /^\/api\/sync\/blobs(\/|$)/;
    const { factRowId, sha256 } = await tablet.store.attachments.add({ bytes, about: 'request:req-photo', mime: 'image/jpeg', name: 'page-1.jpg' }, world.siteId);
    await tablet.sync!.awaitInSync();
    expect(await tablet.store.book.outboxIds()).toEqual([]);
    expect((await tablet.store.book.blob(sha256))?.state).toBe('queued');
    expect(tablet.store.status.get().attachments).toMatchObject({ queued: 1, bytesTotal: bytes.length });

    // Then the connection drops during the second request: the upload resumes with what the server lacks.
    const attempts: (readonly number[])[] = [];
    tablet.network.intercept = (_path, init, url) => {
      const sent = chunksSent(url, init);
      if (!sent) return;
      attempts.push(sent.indices);
      if (attempts.length === 2) throw new TypeError('fetch failed: the connection dropped');
    };
    tablet.network.blockPaths = undefined;
    while ((await tablet.store.book.blob(sha256))?.state !== 'uploaded') await new Promise((r) => setTimeout(r, 20));
    const first = Array.from({ length: BLOB_CHUNKS_PER_REQUEST }, (_, i) => i);
    const rest = [BLOB_CHUNKS_PER_REQUEST, BLOB_CHUNKS_PER_REQUEST + 1, BLOB_CHUNKS_PER_REQUEST + 2];
    // The first request's chunks are not sent again: only the request cut off is.
    expect(attempts).toEqual([first, rest, rest]);
    expect(tablet.store.status.get().attachments).toMatchObject({ queued: 0 });

    // Another replica in scope fetches the bytes, checked against their hash.
    const office = await replica(custodian, 'office-viewer');
    await syncAll([office]);
    expect(await office.store.attachments.bytes(sha256, factRowId, office.sync!.client)).toEqual(bytes);
  }, 60_000);
});

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Waits here are guards against a hang, not speed limits: under load 16 on two cores a hint can
// take several seconds to travel.
describe('live sync', () => {
  it('brings a change to an idle replica through a hint, and catches up after a dropped connection', async () => {
    const tablet = await replica(custodian, 'live-tablet');
    const phone = await replica(custodian, 'live-phone');
    tablet.start();
    phone.start();
    await phone.sync!.awaitInSync();
    await tablet.store.records.create('seal', sealRecord('seal-live', world.siteId, custodian.userId));
    await tablet.store.facts.append('seal_status_change', sealMove('seal-live', null, 'active', custodian.userId, 'custodian', 1_790_000_300_000), world.siteId);
    const seen = await eventually(async () => ((await phone.store.projection('seal:seal-live'))?.derived.status === 'active' ? true : undefined), 20_000);
    expect(seen).toBe(true);
    // Nothing polls: in live mode RxDB pulls only on a stream event, so the hint brought it.
    expect(phone.network.counts.get('/api/sync/stream')).toBe(1);

    // Let the hints of those writes settle, then the phone's connection drops (its live stream
    // with it); meanwhile the seal is suspended.
    await tablet.sync!.awaitInSync();
    await new Promise((r) => setTimeout(r, 200));
    await phone.sync!.awaitInSync();
    phone.network.setOnline(false);
    await tablet.store.facts.append('seal_status_change', sealMove('seal-live', 'active', 'suspended', custodian.userId, 'custodian', 1_790_000_300_001), world.siteId);
    await tablet.sync!.awaitInSync();
    await new Promise((r) => setTimeout(r, 200));
    expect((await phone.store.projection('seal:seal-live'))?.derived.status).toBe('active');
    const streamsBefore = phone.network.counts.get('/api/sync/stream') ?? 0;
    phone.network.setOnline(true);
    await eventually(async () => ((await phone.store.projection('seal:seal-live'))?.derived.status === 'suspended' ? true : undefined), 20_000);
    await eventually(() => ((phone.network.counts.get('/api/sync/stream') ?? 0) > streamsBefore ? true : undefined), 15_000);
    expect(phone.store.status.get()).toMatchObject({ connection: 'online', pending: 0 });
  }, 60_000);
});

describe('the outbox', () => {
  it('lets go of a fact the server sent down first: a fact recorded on two tablets is not "waiting to sync" for ever', async () => {
    const tablet = await replica(custodian, 'outbox-tablet');
    const phone = await replica(custodian, 'outbox-phone');
    await tablet.store.records.create('seal', sealRecord('seal-outbox', world.siteId, custodian.userId));
    await syncAll([tablet]);
    // The same lifecycle fact (content-addressed: the same id) on both; the phone cannot push at all.
    const move = sealMove('seal-outbox', null, 'active', custodian.userId, 'custodian', 1_790_000_400_000);
    await phone.store.facts.append('seal_status_change', move, world.siteId);
    await tablet.store.facts.append('seal_status_change', move, world.siteId);
    await syncAll([tablet]);
    phone.network.blockPaths = /\/api\/sync\/push/;
    phone.start();
    // The server's copy comes down: the phone's own copy waits for nothing any more.
    // A fresh phone pulls all this file's earlier rows (a 3,000-fact backlog among them) first:
    // on two loaded cores that alone can take well over ten seconds.
    expect(await eventually(() => (phone.store.status.get().pending === 0 ? true : undefined), 45_000)).toBe(true);
    expect(phone.store.status.get().refusals).toEqual([]);
  }, 60_000);
});
