/**
 * A sparse site at the server's real scan cap (20,000 changes per pull request): a site whose
 * rows are a few among tens of thousands of another branch's. The server stops a request at its
 * cap with what it found and `more`; the replica asks again to fill its batch and must keep the
 * rows of every answer, not only the last one's — also when a request in the middle fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillFeed } from './feedFiller';
import { sealMove, sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';
import { canon, replicaProjections, replicaRows, rowDiff, serverProjections, serverRows } from './serverView';

/** More than the server's default scan cap, so that the site's two rows lie in different requests. */
const OTHER_BRANCH_ROWS = 21_000;

let running: RunningSync;
let world: World;
let custodian: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Site custodian');
  // One row of the small site (the seal's creation), 21,000 of another branch, a second row of the site.
  const tablet = await replicas.open(custodian, 'site-tablet');
  await tablet.store.records.create('seal', sealRecord('seal-sparse', world.siteId, custodian.userId, '项目部合同章'));
  await syncAll([tablet]);
  await fillFeed(running.server, world.otherBranchId, OTHER_BRANCH_ROWS);
  await tablet.store.facts.append('seal_status_change', sealMove('seal-sparse', null, 'active', custodian.userId, 'custodian', 1_790_000_500_000), world.siteId);
  await syncAll([tablet]);
  await replicas.close(tablet);
}, 120_000);
afterAll(async () => running?.close());

describe('a fresh replica of a sparse site', () => {
  it(`holds both of its rows when ${OTHER_BRANCH_ROWS} rows of another branch lie between them`, async () => {
    const fresh = await replicas.open(custodian, 'fresh-tablet');
    await syncAll([fresh]);
    const held = await serverRows(running.server, world.siteId);
    expect(held.map((r) => r.kind).sort()).toEqual(['seal', 'seal_status_change']);
    const rows = await replicaRows(fresh);
    expect(canon(rows), rowDiff(rows, held)).toBe(canon(held));
    expect((await fresh.store.projection('seal:seal-sparse'))).toMatchObject({ record: { name: '项目部合同章' }, derived: { status: 'active' } });
    expect(canon(await replicaProjections(fresh))).toBe(canon(serverProjections(held)));
    expect(fresh.store.status.get()).toMatchObject({ catchUp: null, pending: 0 });
  }, 60_000);

  it('holds them too when a request in the middle of a multi-request pull fails (it resumes from its checkpoint)', async () => {
    const fresh = await replicas.open(custodian, 'interrupted-tablet');
    let pulls = 0;
    fresh.network.intercept = (path) => {
      // The second request of the first pull fails, after the first brought the site's first row.
      if (path === '/api/sync/pull' && ++pulls === 2) throw new TypeError('fetch failed: the connection dropped between two requests of one pull');
    };
    await syncAll([fresh]);
    expect(pulls).toBeGreaterThan(2);
    const held = await serverRows(running.server, world.siteId);
    const rows = await replicaRows(fresh);
    expect(canon(rows), rowDiff(rows, held)).toBe(canon(held));
    expect((await fresh.store.projection('seal:seal-sparse'))?.derived.status).toBe('active');
  }, 60_000);
});
