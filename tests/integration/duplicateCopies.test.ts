/**
 * A fact pushed again is answered `duplicate`, with the server's copy when the envelope differs
 * (its unit, author or time) — only to someone who may read that copy. A fact first recorded in
 * a unit the pusher does not cover stays where it is: its unit, author and time never reach them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { factRowOf, push } from './hostileClient';

let running: RunningSync;
let world: World;
let here: Person;
let elsewhere: Person;
let both: Person;
let otherSiteId: string;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  otherSiteId = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Other site', 'site');
  here = await world.person(world.siteId, ['staff'], 'Staff here 员工');
  elsewhere = await world.person(otherSiteId, ['staff'], 'Staff elsewhere');
  both = await world.person(world.branchId, ['custodian'], 'Branch custodian');
}, 60_000);
afterAll(async () => running?.close());

const photo = (by: Person, unitId: string, tag: string) =>
  factRowOf(by, 'attachment', { sha256: tag.repeat(64).slice(0, 64), about: 'seal:seal-shared-photo', mime: 'image/jpeg', size: 10, at: 1_790_000_000_000 }, unitId);

describe('a fact pushed again', () => {
  it('comes back with the server\'s copy to someone who covers its unit, and without it to someone who does not', async () => {
    const first = await photo(here, world.siteId, 'a');
    expect((await push(running, here, [first]))[0]).toMatchObject({ status: 'accepted' });
    // The same body, filed by someone of another site under theirs: a duplicate, and nothing of the copy held.
    const [foreign] = await push(running, elsewhere, [await photo(elsewhere, otherSiteId, 'a')]);
    expect(foreign).toEqual({ id: first.id, status: 'duplicate' });
    // Someone whose scope covers the site where it was first filed gets the copy, to keep it there.
    const [covered] = await push(running, both, [await photo(both, world.siteId, 'a')]);
    expect(covered).toMatchObject({ id: first.id, status: 'duplicate', stored: { scopeUnitId: world.siteId, author: here.userId } });
  });
});
