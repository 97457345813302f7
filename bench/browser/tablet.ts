/**
 * The site tablet of the catch-up bench (`catchUp.bench.ts`) in real Chromium: the app's own
 * store and sync code on the browser's IndexedDB, as a tablet runs them. The driver calls
 * `window.bench.tablet.*` step by step (open, week, back), as it drives the Node tablet
 * (`catchUpTablet.ts`). Offline is the page's network failing every request, as a browser's does.
 */
import type { DeviceEvent, UseRequest } from '../../shared/src';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { openLocalStore, type OpenedLocalStore } from '../../app/src/store/localStore';
import { startSync, type SyncEngine } from '../../app/src/store/syncEngine';
import { catchUpPhoto as photo } from '../catchUpPhoto';
import { dailyReads, recordWeek } from '../catchUpWeek';

let store: OpenedLocalStore | undefined;
let sync: SyncEngine | undefined;
let online = true;
let siteId = '';
let photos: string[] = [];

/** The page's network: every request fails while the tablet is offline, as the browser's fetch does. */
const fetchOnline: typeof fetch = (input, init) => (online ? globalThis.fetch(input, init) : Promise.reject(new TypeError('Failed to fetch')));

/** Until nothing waits to go up (the sync may have been busy when it last said it was in sync). */
async function settle(engine: SyncEngine, opened: OpenedLocalStore): Promise<void> {
  for (let round = 0; round < 20; round++) {
    engine.syncNow();
    await engine.awaitInSync();
    if ((await opened.book.outboxIds()).length === 0) return;
  }
  throw new Error('the tablet did not settle');
}

/** Opens the tablet's store, starts its sync, raises the requests and syncs them. */
async function open(options: { userId: string; siteId: string; run: number; requests: readonly UseRequest[] }): Promise<void> {
  siteId = options.siteId;
  online = true;
  store = await openLocalStore({ userId: options.userId, storage: localStorageDexie(), loadAutomerge: () => import('@automerge/automerge'), databaseName: `tablet-${options.run}-${Date.now()}` });
  sync = startSync(store, { baseUrl: '', fetch: fetchOnline, live: true, pushBatchSize: 500, pullBatchSize: 1000, retryTimeMs: 100 });
  await settle(sync, store);
  for (const request of options.requests) await store.records.create('request', request);
  await settle(sync, store);
}

/** Offline for the week: the device's log and the photos are recorded here only, a read a day (`catchUpWeek.ts`). */
async function week(options: { log: readonly DeviceEvent[]; photos: number; photoBytes: number; run: number; requestIds: readonly string[] }): Promise<string[]> {
  online = false;
  photos = [];
  await recordWeek(dailyReads(options.log, options.photos), {
    photo: async (i) => {
      const about = `request:${options.requestIds[i % options.requestIds.length]!}`;
      const { sha256 } = await store!.attachments.add({ bytes: photo(options.run * 100_000 + i, options.photoBytes), about, mime: 'image/jpeg', name: `photo-${i}.jpg` }, siteId);
      photos.push(sha256);
    },
    entries: async (entries) => void (await store!.facts.appendMany('device_event', entries, siteId)),
  });
  return photos;
}

/** Back online: timed until everything is reconciled, both ways, photos included. */
async function back(options: { decisions: number }): Promise<{ seconds: number; done: Record<string, number> }> {
  const [opened, engine] = [store!, sync!];
  const started = performance.now();
  online = true;
  engine.syncNow();
  const done: Record<string, number> = {};
  for (;;) {
    await engine.awaitInSync();
    const status = opened.status.get();
    const held = (await opened.db.rows.find({ selector: { kind: 'decision' } }).exec()).length;
    const now = (performance.now() - started) / 1000;
    if (status.pending === 0) done.rowsUp ??= now;
    if (held >= options.decisions) done.decisionsDown ??= now;
    if (status.attachments.queued === 0) done.photosUp ??= now;
    if (status.pending === 0 && status.attachments.queued === 0 && held >= options.decisions) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  // Every photo's upload confirmed by the server (checked after the clock stopped).
  for (const sha256 of photos) {
    const state = (await opened.book.blob(sha256))?.state;
    if (state !== 'uploaded') throw new Error(`photo ${sha256} is ${state ?? 'unknown'} on the tablet, expected uploaded`);
  }
  await engine.stop();
  await opened.db.remove();
  store = undefined;
  sync = undefined;
  return { seconds, done };
}

export const tablet = { open, week, back };
