/**
 * The catch-up a user sees (issue 16): a site tablet back after 7 days offline. Before it left,
 * it had raised REQUESTS use requests (synced). During the week the office approved each of them
 * (decisions signed with the approver's passkey, pushed from the office replica: they are owed to
 * the tablet), while the tablet recorded DEVICE_EVENTS entries of its smart seal's log and PHOTOS
 * photos of PHOTO_BYTES each. Measured: from the moment the tablet is online again until it is
 * fully reconciled — nothing waiting to go up, every photo's bytes on the server, every decision
 * held — on loopback, through the app's own store and sync code (RxDB on fake-indexeddb in Node),
 * the tablet in a process of its own (`catchUpTablet.ts`): it is another machine, and on two
 * cores it gets one while the server (with its embedded store) has the other. The office's
 * replicas (in this process) are closed once their decisions are on the server, before the clock
 * starts: they too are other machines.
 * Use grants (issued against the signed roster) are not part of this world: see the report.
 *
 * Writes `catch_up_7_days_s` (median of CATCH_UP_RUNS runs) into `bench/results/sync.json`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BLOB_CHUNK_BYTES } from '../shared/src';
import { decision, deviceWithLog, sealMove, sealRecord, useRequest } from '../tests/integration/fixtures';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Replica } from '../tests/integration/harness';
import type { TabletAnswer, TabletStep } from './catchUpTablet';
import { median, mergeResult } from './stats';

/** The repository root, where `--import tsx` resolves. */
const root = fileURLToPath(new URL('..', import.meta.url));

const REQUESTS = Number(process.env.CATCH_UP_REQUESTS ?? 200);
const DEVICE_EVENTS = Number(process.env.CATCH_UP_DEVICE_EVENTS ?? 2000);
const PHOTOS = Number(process.env.CATCH_UP_PHOTOS ?? 500);
const PHOTO_BYTES = Number(process.env.CATCH_UP_PHOTO_BYTES ?? 200 * 1024);
const RUNS = Number(process.env.CATCH_UP_RUNS ?? 3);

/**
 * The tablet's process (`catchUpTablet.ts`), and its answer to each step in turn. With
 * TABLET_PROF=<dir>, it writes a CPU profile there (the server's: run the bench under `node --cpu-prof`).
 */
function tabletProcess(): { ask: <S extends TabletStep['step']>(message: Extract<TabletStep, { step: S }>) => Promise<Extract<TabletAnswer, { step: S }>>; stop: () => void } {
  const child = fork(fileURLToPath(new URL('./catchUpTablet.ts', import.meta.url)), [], { cwd: root, execArgv: ['--import', 'tsx', ...(process.env.TABLET_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.TABLET_PROF] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { done: (answer: TabletAnswer) => void; fail: (error: Error) => void } | undefined;
  child.on('message', (answer: TabletAnswer) => waiting?.done(answer));
  child.on('exit', (code) => waiting?.fail(new Error(`the tablet's process ended (${code ?? 'signal'}) during a step`)));
  return {
    ask: (message) => new Promise((done, fail) => {
      waiting = {
        done: (answer) => {
          waiting = undefined;
          if (answer.step === 'failed') fail(new Error(`the tablet failed: ${answer.message}`));
          else if (answer.step !== message.step) fail(new Error(`the tablet answered ${answer.step} to ${message.step}`));
          else done(answer as never);
        },
        fail,
      };
      child.send(message);
    }),
    stop: () => child.kill(),
  };
}

async function once(run: number): Promise<number> {
  const running = await startSyncServer();
  const opened: Replica[] = [];
  const tablet = tabletProcess();
  try {
    const world = await setUpWorld(running.server);
    const custodian = await world.person(world.siteId, ['custodian'], 'Custodian');
    const staff = await world.person(world.siteId, ['staff'], 'Site staff');
    const approver = await world.person(world.branchId, ['approver'], 'Approver');
    const office = await openReplica(running.url, custodian, 'office');
    opened.push(office);
    const desk = await openReplica(running.url, approver, 'approver-desk');
    opened.push(desk);

    // Before the week: a seal in use, its device, the requests raised on the tablet.
    const sealId = `seal-catchup-${run}`;
    const device = await deviceWithLog(`dev-catchup-${run}`, world.siteId, DEVICE_EVENTS);
    await office.store.records.create('seal', sealRecord(sealId, world.siteId, custodian.userId));
    await office.store.facts.append('seal_status_change', sealMove(sealId, null, 'active', custodian.userId, 'custodian', 1_790_000_000_100), world.siteId);
    await office.store.records.create('device', device.record);
    await syncAll([office]);
    const { requestIds } = await tablet.ask({ step: 'open', url: running.url, userId: staff.userId, cookie: staff.cookie, siteId: world.siteId, sealId, run, requests: REQUESTS });
    await syncAll([desk]);

    // The week: the tablet offline records the device's log and photos; the office decides.
    await tablet.ask({ step: 'week', log: device.log, photos: PHOTOS, photoBytes: PHOTO_BYTES });
    let at = 1_790_000_100_000;
    for (const id of requestIds) {
      await desk.store.facts.append('decision', await decision(approver, useRequest(id, staff.userId, world.siteId, sealId), 'approve', ++at), world.siteId);
    }
    await syncAll([desk]);

    // Back online: measured by the tablet until everything is reconciled, both ways, photos included.
    const decisions = (await desk.store.db.rows.find({ selector: { kind: 'decision' } }).exec()).length;
    // The office's replicas have done their part. They are other machines: left open here, their
    // live sync would take in the tablet's week (RxDB, Automerge) on the server's own core.
    for (const replica of opened.splice(0)) await replica.close();
    const { seconds, done } = await tablet.ask({ step: 'back', decisions });
    console.log(`  run ${run}: done at ${Object.entries(done).map(([part, t]) => `${part} ${t.toFixed(2)} s`).join(', ')}`);
    console.log(`  run ${run}: ${DEVICE_EVENTS} device events + ${PHOTOS} photos of ${PHOTO_BYTES} B (${Math.ceil(PHOTO_BYTES / BLOB_CHUNK_BYTES)} chunks each) up, ${decisions} decisions down: ${seconds.toFixed(2)} s`);
    return seconds;
  } finally {
    tablet.stop();
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
