/**
 * Times a hostile client names in the rows it pushes: none reaches the store beyond the last
 * millisecond of the year 9999, so nothing the server or HQ does with a time (day buckets,
 * ISO dates on the public verification page) can be made to throw by one pushed row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MILLIS } from '@seal/shared';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { factRowOf, outcomes, push } from './hostileClient';

let running: RunningSync;
let world: World;
let staff: Person;
let hqAuditor: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  hqAuditor = await world.person(world.admin.rootUnitId, ['auditor'], 'Auditor 审计');
}, 60_000);
afterAll(async () => running?.close());

const photo = (n: number, at: number) =>
  factRowOf(staff, 'attachment', { sha256: n.toString(16).padStart(64, 'a'), about: 'seal:seal-anywhere', mime: 'image/jpeg', size: 10, at }, world.siteId);

describe('a time beyond the year 9999', () => {
  it('is refused as malformed, while the last millisecond of 9999 is a time like any other; HQ keeps answering', async () => {
    const rows = [await photo(1, 9_000_000_000_000_000), await photo(2, Number.MAX_SAFE_INTEGER), await photo(3, MAX_MILLIS + 1), await photo(4, MAX_MILLIS), await photo(5, Date.now())];
    const pushed = await push(running, staff, rows);
    expect(outcomes(pushed)).toEqual(['refused:invalid_row', 'refused:invalid_row', 'refused:invalid_row', 'accepted', 'accepted']);
    // Refused for its time, nothing else.
    for (const refused of pushed.slice(0, 3)) expect(refused).toMatchObject({ message: expect.stringMatching(/at: .*<=253402300799999/) as unknown });
    // HQ indexes what was accepted, the year-9999 row included, and answers for the whole organisation.
    for (const path of ['/api/hq/dashboard', '/api/hq/events', '/api/hq/events.csv']) {
      const answer = await running.server.call('GET', path, { cookie: hqAuditor.cookie });
      expect(answer.statusCode, `${path}: ${answer.body.slice(0, 300)}`).toBe(200);
    }
  });
});
