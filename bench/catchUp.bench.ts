/**
 * The catch-up a user sees (issue 16): a site tablet back after 7 days offline. Before it left,
 * it had raised REQUESTS use requests (synced). During the week the office approved each of them
 * (decisions signed with the approver's passkey, pushed from the office replica: they are owed to
 * the tablet), while the tablet recorded DEVICE_EVENTS entries of its smart seal's log and PHOTOS
 * photos of PHOTO_BYTES each, read from the device once a day, each day's photos kept before its
 * entries as the app keeps a read's (`catchUpWeek.ts`; until stop 38 the whole log first, then
 * every photo, so no photo could go up before the last entries had). Measured: from the moment the
 * tablet is online again until it is fully reconciled — nothing waiting to go up, every photo's bytes on the server, every decision
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
import { BLOB_CHUNK_BYTES, type DeviceEvent } from '../shared/src';
import { decision, deviceWithLog, sealMove, sealRecord, useRequest } from '../tests/integration/fixtures';
import { openReplica, setUpWorld, startSyncServer, syncAll, type Person, type Replica } from '../tests/integration/harness';
import { openDrivenBrowser, type DrivenBrowser } from './browserSync';
import type { TabletAnswer, TabletStep } from './catchUpTablet';
import { WEEK_DAYS } from './catchUpWeek';
import { median, mergeResult } from './stats';

/** The repository root, where `--import tsx` resolves. */
const root = fileURLToPath(new URL('..', import.meta.url));

const REQUESTS = Number(process.env.CATCH_UP_REQUESTS ?? 200);
const DEVICE_EVENTS = Number(process.env.CATCH_UP_DEVICE_EVENTS ?? 2000);
const PHOTOS = Number(process.env.CATCH_UP_PHOTOS ?? 500);
const PHOTO_BYTES = Number(process.env.CATCH_UP_PHOTO_BYTES ?? 200 * 1024);
const RUNS = Number(process.env.CATCH_UP_RUNS ?? 3);

/** The site tablet, wherever it runs: each step as `catchUpTablet.ts` describes it. */
interface Tablet {
  /** Opens the tablet's store on the server at `url` as `staff`, raises the requests and syncs them. */
  open(url: string, staff: Person, siteId: string, sealId: string, run: number): Promise<readonly string[]>;
  /** Offline: records the device's log and the photos. */
  week(log: readonly DeviceEvent[], run: number): Promise<void>;
  /** Back online: seconds until reconciled, and when each part was done. */
  back(decisions: number): Promise<{ seconds: number; done: Record<string, number> }>;
  close(): Promise<void>;
}

/**
 * The tablet in a Node process of its own (`catchUpTablet.ts`), on fake-indexeddb. With
 * TABLET_PROF=<dir>, it writes a CPU profile there (the server's: run the bench under `node --cpu-prof`).
 */
function nodeTablet(): Tablet {
  const child = fork(fileURLToPath(new URL('./catchUpTablet.ts', import.meta.url)), [], { cwd: root, execArgv: ['--import', 'tsx', ...(process.env.TABLET_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.TABLET_PROF] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { done: (answer: TabletAnswer) => void; fail: (error: Error) => void } | undefined;
  child.on('message', (answer: TabletAnswer) => waiting?.done(answer));
  child.on('exit', (code) => waiting?.fail(new Error(`the tablet's process ended (${code ?? 'signal'}) during a step`)));
  const ask = <S extends TabletStep['step']>(message: Extract<TabletStep, { step: S }>): Promise<Extract<TabletAnswer, { step: S }>> => new Promise((done, fail) => {
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
  });
  return {
    open: async (url, staff, siteId, sealId, run) => (await ask({ step: 'open', url, userId: staff.userId, cookie: staff.cookie, siteId, sealId, run, requests: REQUESTS })).requestIds,
    week: async (log) => void (await ask({ step: 'week', log, photos: PHOTOS, photoBytes: PHOTO_BYTES })),
    back: (decisions) => ask({ step: 'back', decisions }),
    close: () => {
      child.kill();
      return Promise.resolve();
    },
  };
}

/**
 * The tablet in real Chromium (`browser/tablet.ts`): the app's store on the browser's IndexedDB,
 * its requests through a same-origin proxy carrying the staff's session, as a tablet's would.
 * No DevTools client is attached (`openDrivenBrowser`): Playwright's watch of the network read
 * every upload's body out, ~9 ms of the page's time for each photo.
 */
function browserTablet(): Tablet {
  let browser: DrivenBrowser | undefined;
  let requestIds: string[] = [];
  return {
    async open(url, staff, siteId, sealId, run) {
      browser ??= await openDrivenBrowser(url, staff.cookie, 'http://127.0.0.1:9/');
      browser.use(url, staff.cookie);
      const requests = Array.from({ length: REQUESTS }, (_, i) => useRequest(`req-catchup-${run}-${i}`, staff.userId, siteId, sealId));
      await browser.ask('open', { userId: staff.userId, siteId, run, requests });
      requestIds = requests.map((r) => r.id);
      return requestIds;
    },
    week: async (log, run) => void (await browser!.ask('week', { log, photos: PHOTOS, photoBytes: PHOTO_BYTES, run, requestIds })),
    back: (decisions) => browser!.ask('back', { decisions }),
    close: async () => browser?.close(),
  };
}

async function once(run: number, tablet: Tablet): Promise<number> {
  const running = await startSyncServer();
  const opened: Replica[] = [];
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
    const requestIds = await tablet.open(running.url, staff, world.siteId, sealId, run);
    await syncAll([desk]);

    // The week: the tablet offline records the device's log and photos; the office decides.
    await tablet.week(device.log, run);
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
    const { seconds, done } = await tablet.back(decisions);
    console.log(`  run ${run}: done at ${Object.entries(done).map(([part, t]) => `${part} ${t.toFixed(2)} s`).join(', ')}`);
    console.log(`  run ${run}: ${DEVICE_EVENTS} device events + ${PHOTOS} photos of ${PHOTO_BYTES} B (${Math.ceil(PHOTO_BYTES / BLOB_CHUNK_BYTES)} chunks each) up, ${decisions} decisions down: ${seconds.toFixed(2)} s`);
    return seconds;
  } finally {
    for (const replica of opened) await replica.close();
    await running.close();
  }
}

/** Runs the catch-up RUNS times on `tablet`; the median, in seconds. */
async function measure(name: string, tablet: Tablet): Promise<number> {
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) times.push(await once(i, tablet));
  } finally {
    await tablet.close();
  }
  const s = median(times);
  console.log(`catch-up after 7 days offline, ${name}: ${s.toFixed(2)} s (median of ${RUNS}: ${times.map((t) => t.toFixed(2)).join(' ')})`);
  return s;
}

/** Which tablets run (`CATCH_UP_PARTS=browser,node`, default both). */
const PARTS = new Set((process.env.CATCH_UP_PARTS ?? 'browser,node').split(','));

export async function run(): Promise<void> {
  // How the week was recorded (`catchUpWeek.ts`): figures of earlier stops recorded the whole log, then every photo.
  const shape = { catch_up_device_events: DEVICE_EVENTS, catch_up_requests: REQUESTS, catch_up_photos: PHOTOS, catch_up_photo_bytes: PHOTO_BYTES, catch_up_week: `${WEEK_DAYS} daily reads, each day's photos before its entries` };
  // The tablet as users hold it: a browser on its IndexedDB.
  if (PARTS.has('browser')) mergeResult('sync', { catch_up_7_days_s: Number((await measure('tablet in Chromium', browserTablet())).toFixed(3)), ...shape });
  // The same tablet code in Node on fake-indexeddb (whose cursors cost O(n) a step: see ADR 010).
  if (PARTS.has('node')) mergeResult('sync', { catch_up_7_days_node_s: Number((await measure('tablet in Node (fake-indexeddb)', nodeTablet())).toFixed(3)), ...shape });
}
