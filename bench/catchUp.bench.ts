/**
 * The catch-up a user sees (issue 16): a site tablet back after 7 days offline. Before it left,
 * it had raised REQUESTS use requests (synced). During the week the office approved each of them
 * (decisions signed with the approver's passkey, pushed from the office replica: they are owed to
 * the tablet), while the tablet recorded DEVICE_EVENTS entries of its smart seal's log and PHOTOS
 * photos of PHOTO_BYTES each. Measured: from the moment the tablet is online again until it is
 * fully reconciled — nothing waiting to go up, every photo's bytes on the server, every decision
 * held — on loopback, through the app's own store and sync code (RxDB on fake-indexeddb in Node).
 * Use grants (issued against the signed roster) are not part of this world: see the report.
 *
 * Writes `catch_up_7_days_s` (median of CATCH_UP_RUNS runs) into `bench/results/sync.json`.
 */
import { BLOB_CHUNK_BYTES } from '../shared/src';
import { decision, deviceWithLog, sealMove, sealRecord, useRequest } from '../tests/integration/fixtures';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type ReplicaOptions } from '../tests/integration/harness';
import { median, mergeResult } from './stats';

const REQUESTS = Number(process.env.CATCH_UP_REQUESTS ?? 200);
const DEVICE_EVENTS = Number(process.env.CATCH_UP_DEVICE_EVENTS ?? 2000);
const PHOTOS = Number(process.env.CATCH_UP_PHOTOS ?? 500);
const PHOTO_BYTES = Number(process.env.CATCH_UP_PHOTO_BYTES ?? 200 * 1024);
const RUNS = Number(process.env.CATCH_UP_RUNS ?? 3);

const photo = (seed: number) => {
  const bytes = new Uint8Array(PHOTO_BYTES);
  bytes.set([0xff, 0xd8, 0xff]);
  for (let i = 3; i < bytes.length; i++) bytes[i] = (i * 31 + seed * 7919) % 251;
  return bytes;
};

async function once(run: number): Promise<number> {
  const running = await startSyncServer();
  const opened: Replica[] = [];
  const replicas = { open: async (person: Person, name: string, options?: ReplicaOptions) => {
    const replica = await openReplica(running.url, person, name, options);
    opened.push(replica);
    return replica;
  } };
  try {
    const world = await setUpWorld(running.server);
    const custodian = await world.person(world.siteId, ['custodian'], 'Custodian');
    const staff = await world.person(world.siteId, ['staff'], 'Site staff');
    const approver = await world.person(world.branchId, ['approver'], 'Approver');
    const office = await replicas.open(custodian, 'office');
    const desk = await replicas.open(approver, 'approver-desk');
    const tablet = await replicas.open(staff, 'tablet', { pushBatchSize: 500, pullBatchSize: 1000 });

    // Before the week: a seal in use, its device, the requests raised on the tablet.
    const sealId = `seal-catchup-${run}`;
    const device = await deviceWithLog(`dev-catchup-${run}`, world.siteId, DEVICE_EVENTS);
    await office.store.records.create('seal', sealRecord(sealId, world.siteId, custodian.userId));
    await office.store.facts.append('seal_status_change', sealMove(sealId, null, 'active', custodian.userId, 'custodian', 1_790_000_000_100), world.siteId);
    await office.store.records.create('device', device.record);
    await syncAll([office]);
    await syncAll([tablet]);
    const requests = Array.from({ length: REQUESTS }, (_, i) => useRequest(`req-catchup-${run}-${i}`, staff.userId, world.siteId, sealId));
    for (const request of requests) await tablet.store.records.create('request', request);
    await syncAll([tablet]);
    await syncAll([desk]);

    // The week: the tablet offline records the device's log and photos; the office decides.
    tablet.network.setOnline(false);
    for (let i = 0; i < DEVICE_EVENTS; i += 250) await tablet.store.facts.appendMany('device_event', device.log.slice(i, i + 250), world.siteId);
    const photos: string[] = [];
    for (let i = 0; i < PHOTOS; i++) {
      const { sha256 } = await tablet.store.attachments.add({ bytes: photo(run * 100_000 + i), about: `request:${requests[i % REQUESTS]!.id}`, mime: 'image/jpeg', name: `photo-${i}.jpg` }, world.siteId);
      photos.push(sha256);
    }
    let at = 1_790_000_100_000;
    for (const request of requests) await desk.store.facts.append('decision', await decision(approver, request, 'approve', ++at), world.siteId);
    await syncAll([desk]);

    // Back online: measured until everything is reconciled, both ways, photos included.
    const decisionIds = new Set((await desk.store.db.rows.find({ selector: { kind: 'decision' } }).exec()).map((d) => d.id));
    const started = performance.now();
    tablet.network.setOnline(true);
    tablet.start();
    tablet.sync!.syncNow();
    // When each part was done (for the report: where the time goes).
    const done: Record<string, number> = {};
    for (;;) {
      await tablet.sync!.awaitInSync();
      const status = tablet.store.status.get();
      const held = (await tablet.store.db.rows.find({ selector: { kind: 'decision' } }).exec()).length;
      const now = (performance.now() - started) / 1000;
      if (status.pending === 0) done.rowsUp ??= now;
      if (held >= decisionIds.size) done.decisionsDown ??= now;
      if (status.attachments.queued === 0) done.photosUp ??= now;
      if (status.pending === 0 && status.attachments.queued === 0 && held >= decisionIds.size) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const s = (performance.now() - started) / 1000;
    console.log(`  run ${run}: done at ${Object.entries(done).map(([part, at]) => `${part} ${at.toFixed(2)} s`).join(', ')}`);
    // Every photo's upload confirmed by the server (checked after the clock stopped).
    for (const sha256 of photos) {
      const state = (await tablet.store.book.blob(sha256))?.state;
      if (state !== 'uploaded') throw new Error(`photo ${sha256} is ${state ?? 'unknown'} on the tablet, expected uploaded`);
    }
    console.log(`  run ${run}: ${DEVICE_EVENTS} device events + ${PHOTOS} photos of ${PHOTO_BYTES} B (${Math.ceil(PHOTO_BYTES / BLOB_CHUNK_BYTES)} chunks each) up, ${decisionIds.size} decisions down: ${s.toFixed(2)} s`);
    return s;
  } finally {
    for (const replica of opened) await replica.close();
    await running.close();
  }
}

export async function run(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await once(i));
  const s = median(times);
  console.log(`catch-up after 7 days offline: ${s.toFixed(2)} s (median of ${RUNS})`);
  mergeResult('sync', {
    catch_up_7_days_s: Number(s.toFixed(3)),
    catch_up_device_events: DEVICE_EVENTS,
    catch_up_requests: REQUESTS,
    catch_up_photos: PHOTOS,
    catch_up_photo_bytes: PHOTO_BYTES,
  });
}
