/**
 * The site tablet of the catch-up bench (`catchUp.bench.ts`), in a process of its own: a tablet
 * is another machine, so its store and sync code must not share the server's one JavaScript
 * thread (on two cores, each gets one, as a tablet and a server on loopback would). Driven over
 * IPC, step by step, by the bench, which holds the server and the office's replicas.
 */
import { openReplica, syncAll, type Person, type Replica } from '../tests/integration/harness';
import { useRequest } from '../tests/integration/fixtures';
import type { DeviceEvent } from '../shared/src';
import { catchUpPhoto as photo } from './catchUpPhoto';
import { dailyReads, recordWeek } from './catchUpWeek';

/** What the bench asks, in order. */
export type TabletStep =
  | { readonly step: 'open'; readonly url: string; readonly userId: string; readonly cookie: string; readonly siteId: string; readonly sealId: string; readonly run: number; readonly requests: number }
  | { readonly step: 'week'; readonly log: readonly DeviceEvent[]; readonly photos: number; readonly photoBytes: number }
  | { readonly step: 'back'; readonly decisions: number };

/** What the tablet answers to each step (or `failed`). */
export type TabletAnswer =
  | { readonly step: 'open'; readonly requestIds: readonly string[] }
  | { readonly step: 'week'; readonly photos: readonly string[] }
  | { readonly step: 'back'; readonly seconds: number; readonly done: Record<string, number> }
  | { readonly step: 'failed'; readonly message: string };

let tablet: Replica | undefined;
let siteId = '';
let run = 0;
let requestIds: string[] = [];
let photos: string[] = [];

async function handle(message: TabletStep): Promise<TabletAnswer> {
  switch (message.step) {
    case 'open': {
      ({ siteId, run } = message);
      tablet = await openReplica(message.url, { userId: message.userId, cookie: message.cookie } as Person, 'tablet', { pushBatchSize: 500, pullBatchSize: 1000 });
      await syncAll([tablet]);
      const requests = Array.from({ length: message.requests }, (_, i) => useRequest(`req-catchup-${run}-${i}`, message.userId, siteId, message.sealId));
      for (const request of requests) await tablet.store.records.create('request', request);
      await syncAll([tablet]);
      requestIds = requests.map((r) => r.id);
      return { step: 'open', requestIds };
    }
    case 'week': {
      // Offline for the week: the device's log and the photos are recorded here only.
      tablet!.network.setOnline(false);
      photos = [];
      // A read of the device's log a day, each keeping its photos first (`catchUpWeek.ts`).
      await recordWeek(dailyReads(message.log, message.photos), {
        photo: async (i) => {
          const about = `request:${requestIds[i % requestIds.length]!}`;
          const { sha256 } = await tablet!.store.attachments.add({ bytes: photo(run * 100_000 + i, message.photoBytes), about, mime: 'image/jpeg', name: `photo-${i}.jpg` }, siteId);
          photos.push(sha256);
        },
        entries: async (entries) => void (await tablet!.store.facts.appendMany('device_event', entries, siteId)),
      });
      return { step: 'week', photos };
    }
    case 'back': {
      // Back online: measured until everything is reconciled, both ways, photos included.
      const replica = tablet!;
      const started = performance.now();
      replica.network.setOnline(true);
      replica.start();
      replica.sync!.syncNow();
      // When each part was done (for the report: where the time goes).
      const done: Record<string, number> = {};
      // A catch-up that stalls says where it stands (on stderr, every 20 s).
      const watch = setInterval(() => {
        const status = replica.store.status.get();
        console.error(`  tablet at ${((performance.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify({ pending: status.pending, attachments: status.attachments, connection: status.connection, catchUp: status.catchUp, lastError: status.lastError })}`);
      }, 20_000);
      try {
        for (;;) {
          await replica.sync!.awaitInSync();
          const status = replica.store.status.get();
          const held = (await replica.store.db.rows.find({ selector: { kind: 'decision' } }).exec()).length;
          const now = (performance.now() - started) / 1000;
          if (status.pending === 0) done.rowsUp ??= now;
          if (held >= message.decisions) done.decisionsDown ??= now;
          if (status.attachments.queued === 0) done.photosUp ??= now;
          if (status.pending === 0 && status.attachments.queued === 0 && held >= message.decisions) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        clearInterval(watch);
      }
      const seconds = (performance.now() - started) / 1000;
      // Every photo's upload confirmed by the server (checked after the clock stopped).
      for (const sha256 of photos) {
        const state = (await replica.store.book.blob(sha256))?.state;
        if (state !== 'uploaded') throw new Error(`photo ${sha256} is ${state ?? 'unknown'} on the tablet, expected uploaded`);
      }
      await replica.close();
      return { step: 'back', seconds, done };
    }
  }
}

process.on('message', (message: TabletStep) => {
  handle(message).then(
    (answer) => process.send!(answer),
    (error: unknown) => process.send!({ step: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies TabletAnswer),
  );
});
// Stopped by the bench: exit as a process ends, so that a CPU profile it was asked for
// (TABLET_PROF, see catchUp.bench.ts) is written.
process.on('SIGTERM', () => process.exit(0));
