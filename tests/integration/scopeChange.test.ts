/**
 * A replica's scope changes: grants added, revoked and added again, on a server whose scan cap
 * is lowered (PULL_SCAN_LIMIT) so that a few hundred rows cross it. Every time, the replica ends
 * holding what a fresh replica of the same person holds: a unit granted later brings its whole
 * history; a unit revoked takes its rows and records away (the person's own unpushed edit is
 * kept, goes up, and is refused with its reason); a unit granted again comes back as it is now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncClient } from '../../app/src/store/syncClient';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { fillFeed } from './feedFiller';
import { sealMove, sealRecord } from './fixtures';
import { changeGrant, replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { canon, replicaProjections, replicaRows, replicaView, rowDiff, serverProjections, serverRows } from './serverView';

const SCAN_CAP = 60;
let running: RunningSync;
let world: World;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_600_000;

beforeAll(async () => {
  running = await startSyncServer({ PULL_SCAN_LIMIT: String(SCAN_CAP) });
  world = await setUpWorld(running.server);
}, 60_000);
afterAll(async () => running?.close());

/** A seal made and put into use on a replica. */
async function activeSeal(replica: Replica, sealId: string, unitId: string, name: string): Promise<void> {
  await replica.store.records.create('seal', sealRecord(sealId, unitId, replica.person.userId, name));
  await replica.store.facts.append('seal_status_change', sealMove(sealId, null, 'active', replica.person.userId, 'custodian', ++clock), unitId);
}

/** The replica shows what a fresh replica of its person shows (rows it counts, projections). */
async function expectSameAsFresh(replica: Replica): Promise<void> {
  const fresh = await replicas.open(replica.person, `fresh-${replica.name}`);
  await syncAll([fresh]);
  const [mine, theirs] = [await replicaView(replica), await replicaView(fresh)];
  expect(canon(mine.rows), `${replica.name} rows against a fresh replica: ${rowDiff(mine.rows, theirs.rows)}`).toBe(canon(theirs.rows));
  expect(canon(mine.projections), `${replica.name} projections against a fresh replica`).toBe(canon(theirs.projections));
  await replicas.close(fresh);
}

describe('a sparse site across a lowered scan cap', () => {
  it('comes down whole, whatever the batch size', async () => {
    const siteId = await createUnit(running.server, world.admin.cookie, world.branchId, 'Sparse site', 'site');
    const custodian = await world.person(siteId, ['custodian'], 'Sparse custodian');
    const tablet = await replicas.open(custodian, 'sparse-tablet');
    await activeSeal(tablet, 'seal-sparse-1', siteId, 'first');
    await syncAll([tablet]);
    await fillFeed(running.server, world.otherBranchId, 4 * SCAN_CAP + 7);
    await activeSeal(tablet, 'seal-sparse-2', siteId, 'second');
    await syncAll([tablet]);
    await fillFeed(running.server, world.otherBranchId, 2 * SCAN_CAP + 3);
    await tablet.store.facts.append('seal_status_change', sealMove('seal-sparse-1', 'active', 'suspended', custodian.userId, 'custodian', ++clock), siteId);
    await syncAll([tablet]);
    await replicas.close(tablet);

    const held = await serverRows(running.server, siteId);
    expect(held).toHaveLength(5);
    for (const pullBatchSize of [1, 2, 3, 200]) {
      const fresh = await replicas.open(custodian, `fresh-${pullBatchSize}`, { pullBatchSize });
      await syncAll([fresh]);
      const rows = await replicaRows(fresh);
      expect(canon(rows), `batch size ${pullBatchSize}: ${rowDiff(rows, held)}`).toBe(canon(held));
      expect(canon(await replicaProjections(fresh)), `batch size ${pullBatchSize}`).toBe(canon(serverProjections(held)));
      await replicas.close(fresh);
    }
  }, 120_000);
});

describe('resuming', () => {
  it('a push whose answer is lost and a pull failing between its requests: nothing lost, nothing twice', async () => {
    const siteId = await createUnit(running.server, world.admin.cookie, world.branchId, 'Resume site', 'site');
    const custodian = await world.person(siteId, ['custodian'], 'Resume custodian');
    const tablet = await replicas.open(custodian, 'resume-tablet', { pullBatchSize: 3 });
    tablet.start();
    // Caught up before it records anything: a fresh replica's back-fill also brings its own rows
    // (see durability.test.ts), and the batch whose answer is lost might come back by the pull.
    await tablet.sync!.awaitInSync();
    // The server stores the first push, and its answer is lost: the retry is answered `duplicate`.
    tablet.network.dropNextAnswers = 1;
    await activeSeal(tablet, 'seal-resume', siteId, 'resume');
    await syncAll([tablet]);
    const stored = (await serverRows(running.server, siteId)).map((row) => row.id);
    expect(stored).toHaveLength(2);
    const lost = stored.filter((id) => tablet.network.trail.get(id)?.includes('answer-lost'));
    expect(lost.length).toBeGreaterThan(0);
    for (const id of lost) expect(tablet.network.trail.get(id)?.at(-1), id).toBe('duplicate');
    expect(await tablet.store.book.outboxIds()).toEqual([]);
    expect(tablet.store.status.get().refusals).toEqual([]);

    // Rows of the site far apart in the feed; a fresh replica's pulls fail every third request.
    for (let i = 0; i < 3; i++) {
      await fillFeed(running.server, world.otherBranchId, SCAN_CAP + 11);
      await tablet.store.facts.append('seal_status_change', sealMove('seal-resume', i % 2 === 0 ? 'active' : 'suspended', i % 2 === 0 ? 'suspended' : 'active', custodian.userId, 'custodian', ++clock), siteId);
      await syncAll([tablet]);
    }
    const fresh = await replicas.open(custodian, 'resume-fresh', { pullBatchSize: 2 });
    let pulls = 0;
    fresh.network.intercept = (path) => {
      if (path === '/api/sync/pull' && ++pulls % 3 === 0) throw new TypeError('fetch failed: the connection dropped between two requests of one pull');
    };
    await syncAll([fresh]);
    expect(pulls).toBeGreaterThan(3);
    const held = await serverRows(running.server, siteId);
    expect(held).toHaveLength(5);
    const rows = await replicaRows(fresh);
    expect(canon(rows), rowDiff(rows, held)).toBe(canon(held));
    expect((await fresh.store.projection('seal:seal-resume'))?.derived).toMatchObject({ status: 'suspended', lifecycleChanges: 4 });
  }, 120_000);
});

describe('a grant added, revoked and added again', () => {
  let siteA: string;
  let siteB: string;
  let person: Person;
  let keeperB: Person;

  beforeAll(async () => {
    siteA = await createUnit(running.server, world.admin.cookie, world.branchId, 'Site A', 'site');
    siteB = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Site B', 'site');
    person = await world.person(siteA, ['custodian'], 'Roaming custodian');
    keeperB = await world.person(siteB, ['custodian'], 'Keeper of B');
  }, 60_000);

  it('brings the history of a unit granted later, drops it when revoked (keeping the person\'s unpushed edit, refused with its reason), and brings it back as it is now when granted again', async () => {
    // Site B's seal is made long before; then much of another branch; then the person's own site.
    const keeper = await replicas.open(keeperB, 'keeper-b');
    await activeSeal(keeper, 'seal-b', siteB, 'B 合同章');
    await syncAll([keeper]);
    await fillFeed(running.server, world.otherBranchId, 3 * SCAN_CAP);
    const tablet = await replicas.open(person, 'roaming-tablet', { pullBatchSize: 4 });
    await activeSeal(tablet, 'seal-a', siteA, 'A 合同章');
    // The person's phone makes a seal too, which the tablet pulls: its checkpoint now lies past B's rows.
    const phone = await replicas.open(person, 'roaming-phone');
    await activeSeal(phone, 'seal-a2', siteA, 'A 财务章');
    await syncAll([phone]);
    await replicas.close(phone);
    await syncAll([tablet, keeper]);
    expect((await tablet.store.projection('seal:seal-a2'))?.derived.status).toBe('active');
    expect(await tablet.store.projection('seal:seal-b')).toBeUndefined();

    // Granted site B: its history comes down, and what happens there now.
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    await keeper.store.records.update('seal', 'seal-b', (doc) => void ((doc as { name: string }).name = 'B 合同章 (renamed)'));
    await syncAll([keeper, tablet]);
    expect(await tablet.store.projection('seal:seal-b')).toMatchObject({ record: { name: 'B 合同章 (renamed)', unitId: siteB }, derived: { status: 'active' } });
    await expectSameAsFresh(tablet);

    // Offline, the person renames B's seal; meanwhile the grant is revoked and B's seal suspended.
    tablet.network.setOnline(false);
    const edit = await tablet.store.records.update('seal', 'seal-b', (doc) => void ((doc as { name: string }).name = 'renamed offline'));
    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', siteB);
    await keeper.store.facts.append('seal_status_change', sealMove('seal-b', 'active', 'suspended', keeperB.userId, 'custodian', ++clock), siteB);
    await syncAll([keeper, tablet]);
    // B's rows and record are gone; the person's own edit was kept, went up and was refused, with its reason.
    const inB = (await replicaRows(tablet)).filter((row) => row.scopeUnitId === siteB);
    expect(inB.map((row) => row.id)).toEqual([edit!.id]);
    expect(tablet.store.status.get().refusals).toMatchObject([{ id: edit!.id }]);
    expect(tablet.store.status.get().refusals[0]!.code).not.toBe('forged_author');
    expect(await tablet.store.book.outboxIds()).toEqual([]);
    expect((await tablet.store.projection('seal:seal-b'))?.record ?? null).toBeNull();
    expect((await tablet.store.projection('seal:seal-b'))?.derived.status ?? null).toBeNull();
    expect((await tablet.store.projection('seal:seal-a'))?.derived.status).toBe('active');
    await expectSameAsFresh(tablet);

    // Granted again: B comes back as it is now (suspended), not as it was.
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    await syncAll([tablet]);
    expect(await tablet.store.projection('seal:seal-b')).toMatchObject({ record: { name: 'B 合同章 (renamed)' }, derived: { status: 'suspended' } });
    await expectSameAsFresh(tablet);
  }, 120_000);

  it('back-fills a unit granted while an earlier back-fill is still running, and drops both when they are revoked, keeping the rest', async () => {
    const siteC = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Site C', 'site');
    const keeperC = await world.person(siteC, ['custodian'], 'Keeper of C');
    const keeper = await replicas.open(keeperC, 'keeper-c');
    await activeSeal(keeper, 'seal-c', siteC, 'C 合同章');
    await syncAll([keeper]);
    await fillFeed(running.server, world.otherBranchId, 3 * SCAN_CAP);
    const auditor = await world.person(siteA, ['auditor'], 'Roaming auditor');
    const laptop = await replicas.open(auditor, 'auditor-laptop', { pullBatchSize: 1 });
    await syncAll([laptop]);
    const before = (await replicaRows(laptop)).length;
    expect(before).toBeGreaterThan(0);

    // B granted; one small pull (a batch of one row) leaves its back-fill half-done; then C is granted too.
    await changeGrant(running.server, world.admin, auditor, 'grant', 'auditor', siteB);
    let pulls = 0;
    laptop.network.intercept = (path) => {
      if (path === '/api/sync/pull' && ++pulls > 1) throw new TypeError('fetch failed: offline after one request');
    };
    laptop.start().syncNow();
    while (pulls < 2) await new Promise((r) => setTimeout(r, 20));
    await laptop.stop();
    laptop.network.intercept = undefined;
    await changeGrant(running.server, world.admin, auditor, 'grant', 'auditor', siteC);
    await syncAll([laptop]);
    expect((await laptop.store.projection('seal:seal-b'))?.derived.status).toBe('suspended');
    expect((await laptop.store.projection('seal:seal-c'))?.derived.status).toBe('active');
    await expectSameAsFresh(laptop);

    // Both revoked: their rows leave, the rest stays.
    await changeGrant(running.server, world.admin, auditor, 'revoke', 'auditor', siteB);
    await changeGrant(running.server, world.admin, auditor, 'revoke', 'auditor', siteC);
    await syncAll([laptop]);
    expect((await replicaRows(laptop)).filter((row) => row.scopeUnitId === siteB || row.scopeUnitId === siteC)).toEqual([]);
    expect(await laptop.store.projection('seal:seal-c')).toBeUndefined();
    expect((await replicaRows(laptop)).length).toBe(before);
    await expectSameAsFresh(laptop);
  }, 120_000);

  it('drops a unit revoked after its checkpoint was rolled back (a crash between an answer\'s rows and its checkpoint, or a stale answer delivered again)', async () => {
    const siteE = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Site E', 'site');
    const keeperE = await world.person(siteE, ['custodian'], 'Keeper of E');
    const keeper = await replicas.open(keeperE, 'keeper-e');
    await activeSeal(keeper, 'seal-e', siteE, 'E 合同章');
    await syncAll([keeper]);
    const approver = await world.person(siteA, ['approver'], 'Approver visiting E');
    const phone = await replicas.open(approver, 'visiting-phone');
    await syncAll([phone]);
    const checkpointName = `rowsCheckpoint@${running.url}`;
    const beforeE = await phone.store.book.state(checkpointName);
    expect(typeof beforeE).toBe('string');

    for (const rollback of ['stale answer', 'crash'] as const) {
      await changeGrant(running.server, world.admin, approver, 'grant', 'approver', siteE);
      await syncAll([phone]);
      expect((await phone.store.projection('seal:seal-e'))?.derived.status).toBe('active');
      await phone.stop();
      const revoke = () => changeGrant(running.server, world.admin, approver, 'revoke', 'approver', siteE);
      if (rollback === 'crash') {
        // E's rows were written, and the app stopped before the checkpoint after them was kept.
        await phone.store.book.setState(checkpointName, beforeE);
        await revoke();
      } else {
        // The next pull is answered with the answer given before E was granted; E is revoked
        // before the request after it (which carries that answer's checkpoint: it names no unit as left).
        const stale = phone.network.pullAnswers.find((text) => {
          const answer = JSON.parse(text) as { checkpoint: string; more: boolean };
          return answer.checkpoint === beforeE && !answer.more;
        });
        expect(stale).toBeDefined();
        let pulls = 0;
        phone.network.intercept = async (path) => {
          if (path !== '/api/sync/pull') return;
          pulls += 1;
          phone.network.faults = { ...phone.network.faults, replayPull: pulls === 1 ? 1 : 0 };
          if (pulls === 1) phone.network.pullAnswers.splice(0, phone.network.pullAnswers.length, stale!);
          if (pulls === 2) await revoke();
        };
        const sync = phone.start({ live: false });
        // The pull after the stale answer (as the next hint or visit to the screen would ask).
        for (const deadline = Date.now() + 10_000; pulls < 2 && Date.now() < deadline;) {
          await new Promise((r) => setTimeout(r, 20));
          if (pulls === 1) sync.syncNow();
        }
        expect(pulls).toBeGreaterThanOrEqual(2);
        await phone.stop();
        phone.network.intercept = undefined;
      }
      await syncAll([phone]);
      expect((await replicaRows(phone)).filter((row) => row.scopeUnitId === siteE), rollback).toEqual([]);
      expect(await phone.store.projection('seal:seal-e'), rollback).toBeUndefined();
      // The answer that ends a pull names the person's scope, and nothing of anyone else's: in full
      // when it changed, else by its reference only.
      const answers = phone.network.pullAnswers.map((text) => JSON.parse(text) as { scope?: unknown; scopeRef?: string; more: boolean });
      expect(answers.filter((answer) => answer.scope !== undefined).at(-1)?.scope).toEqual([siteA]);
      expect(answers.at(-1)!.scopeRef).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await phone.store.book.state(`${checkpointName}:scope`)).toEqual({ ref: answers.at(-1)!.scopeRef, units: [siteA] });
      await expectSameAsFresh(phone);
    }
  }, 120_000);

  it('names the scope in full only to a replica that does not hold it', async () => {
    const person = await world.person(siteA, ['auditor'], 'Auditor of A');
    const replica = await replicas.open(person, 'scope-ref');
    const client = new SyncClient({ baseUrl: running.url, fetch: replica.network.fetch }, replica.store.replicaId, person.userId);
    const first = await client.pull(undefined, 1000);
    let last = first;
    while (last.more) last = await client.pull(last.checkpoint, 1000);
    expect(last.scope).toEqual([siteA]);
    const again = await client.pull(last.checkpoint, 1000, last.scopeRef);
    expect(again).toMatchObject({ more: false, scopeRef: last.scopeRef });
    expect(again.scope).toBeUndefined();
    // A reference of another scope (a grant since, or a forged one) gets the list.
    await changeGrant(running.server, world.admin, person, 'grant', 'auditor', siteB);
    let changed = await client.pull(again.checkpoint, 1000, last.scopeRef);
    while (changed.more) changed = await client.pull(changed.checkpoint, 1000, last.scopeRef);
    expect(changed.scope).toEqual([siteA, siteB].sort());
    expect(changed.scopeRef).not.toBe(last.scopeRef);
    expect((await client.pull(changed.checkpoint, 1000, 'A'.repeat(43))).scope).toEqual([siteA, siteB].sort());
    await changeGrant(running.server, world.admin, person, 'revoke', 'auditor', siteB);
  }, 60_000);

  it('drops what the first request of a pull brought of a unit revoked before its next request', async () => {
    const siteD = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Site D', 'site');
    const keeperD = await world.person(siteD, ['custodian'], 'Keeper of D');
    const keeper = await replicas.open(keeperD, 'keeper-d');
    await activeSeal(keeper, 'seal-d', siteD, 'D 合同章');
    await syncAll([keeper]);
    // D's rows first in the feed, then more than one scan's worth of another branch, then the person's own site.
    await fillFeed(running.server, world.otherBranchId, 2 * SCAN_CAP);
    const roamer = await world.person(siteA, ['custodian'], 'Custodian passing through D');
    await changeGrant(running.server, world.admin, roamer, 'grant', 'custodian', siteD);
    const own = await replicas.open(roamer, 'roamer-own');
    await activeSeal(own, 'seal-a-roamer', siteA, 'A 法人章');
    await syncAll([own]);
    await replicas.close(own);

    // A fresh tablet pulls: the first request brings D's rows and stops at the scan cap; before
    // the next request of the same pull, the grant on D is revoked.
    const tablet = await replicas.open(roamer, 'roamer-tablet');
    let pulls = 0;
    tablet.network.intercept = async (path) => {
      if (path === '/api/sync/pull' && ++pulls === 2) await changeGrant(running.server, world.admin, roamer, 'revoke', 'custodian', siteD);
    };
    await syncAll([tablet]);
    tablet.network.intercept = undefined;
    expect(pulls).toBeGreaterThan(2);
    expect((await replicaRows(tablet)).filter((row) => row.scopeUnitId === siteD)).toEqual([]);
    expect(await tablet.store.projection('seal:seal-d')).toBeUndefined();
    expect((await tablet.store.projection('seal:seal-a-roamer'))?.derived.status).toBe('active');
    await expectSameAsFresh(tablet);
  }, 120_000);
});

describe('a unit that leaves the scope', () => {
  /** A custodian of site A, granted site B in another branch too; their tablet holds a seal of each, synced. */
  async function custodianOfTwoSites(name: string) {
    const siteA = await createUnit(running.server, world.admin.cookie, world.branchId, `${name} A`, 'site');
    const siteB = await createUnit(running.server, world.admin.cookie, world.otherBranchId, `${name} B`, 'site');
    const person = await world.person(siteA, ['custodian'], `${name} custodian`);
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    const tablet = await replicas.open(person, `${name}-tablet`);
    await activeSeal(tablet, `seal-${name}-a`, siteA, 'A 公章');
    await activeSeal(tablet, `seal-${name}-b`, siteB, 'B 公章');
    await syncAll([tablet]);
    return { siteA, siteB, person, tablet };
  }

  it('keeps its rows until the checkpoint that no longer covers it is kept: a write cut short, then granted again, loses nothing', async () => {
    const { siteB, person, tablet } = await custodianOfTwoSites('kept');
    const heldOfB = (await serverRows(running.server, siteB)).map((row) => row.id).sort();
    expect(heldOfB.length).toBeGreaterThan(0);

    // Revoked; the next checkpoint's write fails once (the tab closed mid-write), and the pulls
    // stop getting through until the grant is given back.
    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', siteB);
    const { book } = tablet.store;
    const setState = book.setState.bind(book);
    let cut = false;
    book.setState = async (name, value) => {
      if (!cut && name.startsWith('rowsCheckpoint@') && !/:(units|scope)$/.test(name)) {
        cut = true;
        tablet.network.blockPaths = /^\/api\/sync\/pull$/;
        throw new Error('the write was cut short');
      }
      return setState(name, value);
    };
    tablet.sync!.syncNow();
    await expect.poll(() => cut, { timeout: 15_000 }).toBe(true);
    await changeGrant(running.server, world.admin, person, 'grant', 'custodian', siteB);
    tablet.network.blockPaths = undefined;
    tablet.sync!.syncNow();
    await tablet.sync!.awaitInSync();
    const local = (await replicaRows(tablet)).filter((row) => row.scopeUnitId === siteB).map((row) => row.id).sort();
    expect(local).toEqual(heldOfB);
    await expectSameAsFresh(tablet);
  }, 60_000);

  it('whose rows were not dropped when the checkpoint was kept (the app closed in between) loses them when the pull ends', async () => {
    const { siteA, siteB, person, tablet } = await custodianOfTwoSites('dropped');
    const ofB = async () => (await replicaRows(tablet)).filter((row) => row.scopeUnitId === siteB);
    expect((await ofB()).length).toBeGreaterThan(0);

    // Revoked; the drop after the checkpoint is kept fails once, as if the app had closed there.
    await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', siteB);
    const rows = tablet.store.db.rows;
    const bulkRemove = rows.bulkRemove.bind(rows);
    let cut = false;
    rows.bulkRemove = ((ids: Parameters<typeof bulkRemove>[0]) => {
      if (cut) return bulkRemove(ids);
      cut = true;
      return Promise.reject(new Error('the app closed before the rows were dropped'));
    });
    tablet.sync!.syncNow();
    await expect.poll(() => cut, { timeout: 15_000 }).toBe(true);
    tablet.sync!.syncNow();
    await tablet.sync!.awaitInSync();
    expect(await ofB()).toEqual([]);
    expect((await replicaRows(tablet)).filter((row) => row.scopeUnitId === siteA).length).toBeGreaterThan(0);
    await expectSameAsFresh(tablet);
  }, 60_000);
});
