/**
 * The edges of the app's own replication loops (ADR 003, "Bookkeeping per batch"), each found by
 * a hostile review of the first cut: a second tab opening mid-write, or a tab frozen mid-write for
 * over a minute, does not lose a row; a replica
 * upgraded from RxDB's replication (no checkpoint of ours) still drops units that left its scope,
 * and two tabs of one store noting the units they hold keep each other's note;
 * stopping stops a pull under way; waiting for sync ends when syncing stops; an outbox entry
 * without its row neither spins the push loop nor cuts the wait before a retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse } from '@seal/shared';
import { HeldUnits } from '../../app/src/store/heldUnits';
import { startRowReplication } from '../../app/src/store/replication';
import { SyncClient } from '../../app/src/store/syncClient';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { fillFeed } from './feedFiller';
import { sealMove, sealRecord } from './fixtures';
import { changeGrant, replicaPool, setUpWorld, startSyncServer, syncAll, type RunningSync, type World } from './harness';
import { serverRows } from './serverView';

let running: RunningSync;
let world: World;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_900_000;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
}, 60_000);
afterAll(async () => running?.close());

describe('the replication loops', () => {
  it('push a row recorded while another tab opens the same database (its sweep of orphaned outbox entries runs between the two writes)', async () => {
    const custodian = await world.person(world.siteId, ['custodian'], 'Two-tab custodian');
    const tab = await replicas.open(custodian, 'two-tabs');
    await tab.store.records.create('seal', sealRecord('seal-two-tabs', world.siteId, custodian.userId));
    await syncAll([tab]);
    // The other tab's open sweeps (`sweepOrphans`, as `openLocalStore` does) after this tab wrote
    // the outbox entry and before it wrote the row.
    const { db, book } = tab.store;
    const original = db.rows.bulkInsert.bind(db.rows);
    let swept = false;
    (db.rows as { bulkInsert: typeof original }).bulkInsert = async (docs) => {
      if (!swept) {
        swept = true;
        await book.sweepOrphans();
      }
      return original(docs);
    };
    const { row } = await tab.store.facts.append('seal_status_change', sealMove('seal-two-tabs', null, 'active', custodian.userId, 'custodian', ++clock), world.siteId);
    expect(swept).toBe(true);
    await syncAll([tab]);
    expect(tab.store.status.get().pending).toBe(0);
    expect((await serverRows(running.server, world.siteId)).map((r) => r.id)).toContain(row.id);
  }, 60_000);

  it('push a row recorded by a tab frozen for over a minute between its outbox entry and its row, while a push pass met the entry alone', async () => {
    const custodian = await world.person(world.siteId, ['custodian'], 'Frozen-tab custodian');
    let jumped = 0;
    const tab = await replicas.open(custodian, 'frozen-tab', { now: () => Date.now() + jumped });
    await tab.store.records.create('seal', sealRecord('seal-frozen-tab', world.siteId, custodian.userId));
    await syncAll([tab]);
    // The screen locks after the entry is noted: over a minute passes before the row is written,
    // and meanwhile the tab's push pass runs (woken by the entry) and finds the entry without its row.
    const { db } = tab.store;
    const original = db.rows.bulkInsert.bind(db.rows);
    let passes = 0;
    (db.rows as { bulkInsert: typeof original }).bulkInsert = async (docs) => {
      if (passes === 0) {
        jumped += 61_000;
        passes++;
        await syncAll([tab]);
      }
      return original(docs);
    };
    const { row } = await tab.store.facts.append('seal_status_change', sealMove('seal-frozen-tab', null, 'active', custodian.userId, 'custodian', ++clock), world.siteId);
    expect(passes).toBe(1);
    await syncAll([tab]);
    expect(tab.store.status.get().pending).toBe(0);
    expect((await serverRows(running.server, world.siteId)).map((r) => r.id)).toContain(row.id);
  }, 60_000);

  it('drop the rows of a unit revoked while the replica had no checkpoint of its own (upgraded from RxDB\'s replication), and keep the rest', async () => {
    const siteB = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Upgrade site B', 'site');
    const person = await world.person(world.siteId, ['custodian'], 'Upgrading person');
    const keeperB = await world.person(siteB, ['custodian'], 'Site B keeper');
    const keeper = await replicas.open(keeperB, 'upgrade-keeper');
    await keeper.store.records.create('seal', sealRecord('seal-upgrade-b', siteB, keeperB.userId));
    await syncAll([keeper]);
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    const tablet = await replicas.open(person, 'upgrade-tablet');
    await tablet.store.records.create('seal', sealRecord('seal-upgrade-a', world.siteId, person.userId));
    await syncAll([tablet]);
    expect(await tablet.store.projection('seal:seal-upgrade-b')).toBeDefined();
    // The app is updated (the old checkpoint lived in RxDB's replication state); meanwhile site B was revoked.
    await tablet.stop();
    // (An older version kept no note of the units it holds rows of either.)
    await tablet.store.book.removeStates([`rowsCheckpoint@${running.url}`, `rowsCheckpoint@${running.url}:units`]);
    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', siteB);
    // One row of B recorded here and not pushed yet: kept, to go up and be judged.
    const { row: waiting } = await tablet.store.facts.append('seal_status_change', sealMove('seal-upgrade-b', null, 'active', person.userId, 'custodian', ++clock), siteB);
    await syncAll([tablet]);
    const heldB = (await tablet.store.db.rows.find().exec()).filter((d) => d.scopeUnitId === siteB).map((d) => d.id);
    expect(heldB).toEqual([waiting.id]);
    expect(tablet.store.status.get().refusals.map((r) => r.id)).toEqual([waiting.id]);
    expect(await tablet.store.projection('seal:seal-upgrade-a')).toBeDefined();
  }, 60_000);

  it('keep the note of the units held whole when two tabs of one database note units at once', async () => {
    const person = await world.person(world.siteId, ['custodian'], 'Two-tab noter');
    const tablet = await replicas.open(person, 'noting-tablet');
    await tablet.store.records.create('seal', sealRecord('seal-noted', world.siteId, person.userId));
    const name = 'units-test';
    // Each tab reads the note once (the first notes the units of the rows held), then notes its own.
    const [one, two] = [new HeldUnits(tablet.store.db, tablet.store.book, name), new HeldUnits(tablet.store.db, tablet.store.book, name)];
    await Promise.all([one.ready, two.ready]);
    await Promise.all([one.note(['unit-from-one']), two.note(['unit-from-two'])]);
    const noted = async () => (await tablet.store.book.statesUnder(`${name}/`)).map((state) => state.name.slice(name.length + 1)).sort();
    expect(await noted()).toEqual([world.siteId, 'unit-from-one', 'unit-from-two'].sort());
    // A settling by one tab forgets a unit whose rows went, and keeps one whose rows wait to go up.
    await one.settle([world.siteId], (outside) => {
      expect(outside).toEqual(['unit-from-one', 'unit-from-two']);
      return Promise.resolve(new Set(['unit-from-two']));
    });
    expect(await noted()).toEqual([world.siteId, 'unit-from-two'].sort());
    // The other tab knew the unit noted; it notes it again all the same (it looks at the book, not at what it read before).
    await two.note(['unit-from-one']);
    expect(await noted()).toEqual([world.siteId, 'unit-from-one', 'unit-from-two'].sort());
    // A unit noted while a settling runs is noted after it, never forgotten by it.
    let noting: Promise<void> | undefined;
    await one.settle([world.siteId], () => {
      noting = one.note(['unit-from-one']);
      return Promise.resolve(new Set<string>());
    });
    await noting;
    expect(await noted()).toEqual([world.siteId, 'unit-from-one'].sort());
  }, 60_000);

  it('never let a tab whose answer predates a grant drop what another tab of the same database back-filled under it', async () => {
    const siteX = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Two-tab site X', 'site');
    const keeperX = await world.person(siteX, ['custodian'], 'Keeper of two-tab X');
    const keeper = await replicas.open(keeperX, 'two-tab-keeper');
    await keeper.store.records.create('seal', sealRecord('seal-two-tab-x', siteX, keeperX.userId));
    await syncAll([keeper]);
    const person = await world.person(world.siteId, ['approver'], 'Two-tab approver');
    const replica = await replicas.open(person, 'two-tab-approver');
    await syncAll([replica]);
    await replica.stop();
    const { store } = replica;
    const real = new SyncClient({ baseUrl: running.url, fetch: replica.network.fetch }, store.replicaId, store.userId);
    /** A client whose answers are delivered once `release` is called (`first`: only its first answer; else only the one that ends a pull). */
    const heldClient = (first: boolean) => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const state = { answered: false, release };
      let calls = 0;
      const client = Object.assign(Object.create(real) as SyncClient, {
        async pull(since: string | undefined, limit: number, scopeRef?: string): Promise<PullResponse> {
          const answer = await real.pull(since, limit, scopeRef);
          calls += 1;
          if (first ? calls === 1 : !answer.more && !state.answered) {
            state.answered = true;
            await released;
          }
          return answer;
        },
      });
      return { client, state };
    };
    const a = heldClient(true);
    const b = heldClient(false);
    const common = { db: store.db, book: store.book, status: store.status, now: store.now, retryTimeMs: 100 };
    // Tab A's pull is answered before the grant on X, and its answer arrives late.
    const tabA = startRowReplication({ ...common, client: a.client });
    for (const deadline = Date.now() + 10_000; !a.state.answered && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    expect(a.state.answered).toBe(true);
    await changeGrant(running.server, world.admin, person, 'grant', 'approver', siteX);
    // Tab B opens meanwhile and pulls; its answer that ends the pull is held too (if it gets that far).
    const tabB = startRowReplication({ ...common, client: b.client });
    for (const deadline = Date.now() + 1_500; !b.state.answered && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    a.state.release();
    b.state.release();
    await Promise.all([tabA.awaitInSync(), tabB.awaitInSync()]);
    await Promise.all([tabA.cancel(), tabB.cancel()]);
    await syncAll([replica]);
    const inX = (await store.db.rows.find().exec()).filter((doc) => doc.scopeUnitId === siteX).map((doc) => doc.id).sort();
    expect(inX).toEqual((await serverRows(running.server, siteX)).map((row) => row.id).sort());
    expect(inX.length).toBeGreaterThan(0);
  }, 60_000);

  it('give up a pull waiting for another tab\'s when syncing stops: cancelling returns, and it never asks the server', async () => {
    const person = await world.person(world.siteId, ['approver'], 'Tab closer');
    const replica = await replicas.open(person, 'tab-closer');
    await syncAll([replica]);
    await replica.stop();
    const { store } = replica;
    const real = new SyncClient({ baseUrl: running.url, fetch: replica.network.fetch }, store.replicaId, store.userId);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let aAsked = false;
    let bAsked = 0;
    const clientA = Object.assign(Object.create(real) as SyncClient, {
      async pull(since: string | undefined, limit: number, scopeRef?: string): Promise<PullResponse> {
        aAsked = true;
        await released;
        return real.pull(since, limit, scopeRef);
      },
    });
    const clientB = Object.assign(Object.create(real) as SyncClient, {
      pull(since: string | undefined, limit: number, scopeRef?: string): Promise<PullResponse> {
        bAsked += 1;
        return real.pull(since, limit, scopeRef);
      },
    });
    const common = { db: store.db, book: store.book, status: store.status, now: store.now, retryTimeMs: 100 };
    const tabA = startRowReplication({ ...common, client: clientA });
    for (const deadline = Date.now() + 10_000; !aAsked && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    expect(aAsked).toBe(true);
    const tabB = startRowReplication({ ...common, client: clientB });
    await new Promise((r) => setTimeout(r, 200));
    await tabB.cancel();
    release();
    await tabA.awaitInSync();
    await tabA.cancel();
    expect(bAsked).toBe(0);
  }, 60_000);

  it('never drop rows recorded here before the first pull, pushed while it runs: no row of one\'s own vanishes', async () => {
    // A new site: nothing of it on the server, so the first pull brings none of its rows.
    const site = await createUnit(running.server, world.admin.cookie, world.branchId, 'First sync site', 'site');
    const custodian = await world.person(site, ['custodian'], 'First-sync custodian');
    const tablet = await replicas.open(custodian, 'first-sync-tablet', { pushBatchSize: 20 });
    await tablet.store.records.create('seal', sealRecord('seal-first-sync', site, custodian.userId));
    const made: string[] = [];
    for (let i = 0; i < 150; i++) {
      const { row } = await tablet.store.facts.append('seal_status_change', sealMove('seal-first-sync', null, 'active', custodian.userId, 'custodian', ++clock), site);
      made.push(row.id);
    }
    // The first pull's last answer is made before any row went up (none of the site's rows: there
    // were none) and read after some batches went up: as on a slow link.
    const network = tablet.network as { fetch: typeof fetch };
    const original = network.fetch;
    let delayed = false;
    let answered: () => void = () => undefined;
    const pullAnswered = new Promise<void>((resolve) => {
      answered = resolve;
      setTimeout(resolve, 20_000);
    });
    network.fetch = async (input, init) => {
      const path = String(input instanceof Request ? input.url : input);
      if (path.includes('/api/sync/push')) await pullAnswered;
      const response = await original(input, init);
      if (!delayed && path.includes('/api/sync/pull') && ((await response.clone().json()) as { more?: boolean }).more === false) {
        delayed = true;
        answered();
        const deadline = Date.now() + 20_000;
        while (tablet.store.status.get().pending > made.length - 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return response;
    };
    const removed: string[] = [];
    const watching = tablet.store.db.rows.remove$.subscribe((event) => removed.push(event.documentId));
    try {
      await syncAll([tablet]);
    } finally {
      watching.unsubscribe();
    }
    expect(delayed).toBe(true);
    expect(removed).toEqual([]);
    const held = new Set((await tablet.store.db.rows.find().exec()).map((d) => d.id));
    expect(made.filter((id) => !held.has(id))).toEqual([]);
    expect(tablet.store.status.get().pending).toBe(0);
  }, 60_000);

  it('stop a pull under way when syncing stops (at most the request already on its way)', async () => {
    const siteC = await createUnit(running.server, world.admin.cookie, world.branchId, 'Long feed site', 'site');
    await fillFeed(running.server, siteC, 120);
    const person = await world.person(siteC, ['custodian'], 'Long feed person');
    const tablet = await replicas.open(person, 'long-feed', { pullBatchSize: 5 });
    let pulls = 0;
    let stopping = false;
    let pullsAfterStop = 0;
    tablet.network.intercept = async (path) => {
      if (path !== '/api/sync/pull') return;
      pulls++;
      if (stopping) pullsAfterStop++;
      await new Promise((r) => setTimeout(r, 20));
    };
    tablet.start({ live: false });
    while (pulls < 3) await new Promise((r) => setTimeout(r, 5));
    stopping = true;
    await tablet.stop();
    expect(pullsAfterStop).toBeLessThanOrEqual(1);
    expect(await tablet.store.db.rows.count().exec()).toBeLessThan(120);
  }, 60_000);

  it('reject a wait for sync when syncing stops', async () => {
    const person = await world.person(world.siteId, ['custodian'], 'Waiting person');
    const tablet = await replicas.open(person, 'waiting');
    tablet.network.setOnline(false);
    const sync = tablet.start({ live: false });
    const waiting = sync.awaitInSync().then(() => 'resolved', () => 'rejected');
    await new Promise((r) => setTimeout(r, 200));
    await tablet.stop();
    expect(await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still pending'), 2000))])).toBe('rejected');
  }, 60_000);

  it('neither spin on an outbox entry without its row nor cut short the wait before retrying a failed push', async () => {
    const person = await world.person(world.siteId, ['custodian'], 'Orphan person');
    const tablet = await replicas.open(person, 'orphan', { retryTimeMs: 5000 });
    await tablet.store.records.create('seal', sealRecord('seal-orphan', world.siteId, person.userId));
    await tablet.store.book.addToOutbox(['fact:seal_status_change:orphan-entry']);
    tablet.network.setOnline(false);
    tablet.start({ live: false });
    await new Promise((r) => setTimeout(r, 200));
    const before = tablet.network.counts.get('/api/sync/push') ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
    expect((tablet.network.counts.get('/api/sync/push') ?? 0) - before).toBeLessThanOrEqual(1);
  }, 60_000);
});
