/**
 * The live stream tells a user only of changes in their scope: two sites, each with its people
 * listening; pushes at one site reach that site's streams (and HQ's), never the other site's. The
 * scope is the user's as it stands at each change: a role granted at the other site opens its
 * hints, and revoking it closes them again. Streams are read raw, as any client could.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { deviceWithLog } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, type Person, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let siteA: string;
let siteB: string;
let atA: Person;
let atB: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  siteA = world.siteId;
  siteB = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Site B', 'site');
  atA = await world.person(siteA, ['staff'], 'Staff at A');
  atB = await world.person(siteB, ['staff'], 'Staff at B');
}, 60_000);
afterAll(async () => running?.close());

interface Listener {
  /** Event names in arrival order, with the test's own markers in between. */
  readonly events: string[];
  hints(): number;
  close(): void;
}

/** Opens `GET /api/sync/stream` as `person` (as the replica `replica`, if given) and records the events it receives. */
async function listen(person: Person, replica?: string): Promise<Listener> {
  const abort = new AbortController();
  const query = replica === undefined ? '' : `?replica=${encodeURIComponent(replica)}`;
  const res = await fetch(`${running.url}/api/sync/stream${query}`, { headers: { cookie: person.cookie }, signal: abort.signal });
  expect(res.status).toBe(200);
  const events: string[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const read = async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const event = /^event: (.+)$/m.exec(buffer.slice(0, end));
        if (event) events.push(event[1]!);
        buffer = buffer.slice(end + 2);
      }
    }
  };
  // Closing aborts the read; anything else ending the stream is recorded for the assertions.
  read().catch((error: unknown) => {
    if (!abort.signal.aborted) events.push(`failed: ${String(error)}`);
  });
  await until(() => events.includes('ready'), `${person.userId}'s stream to open`);
  return { events, hints: () => events.filter((e) => e === 'changes').length, close: () => abort.abort() };
}

async function until(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let at = 1_790_000_600_000;
/** Pushes one new fact in `unitId` from `tablet` and waits until the server accepted it. */
async function pushAt(tablet: Replica, unitId: string): Promise<void> {
  const n = ++at;
  await tablet.store.facts.append('attachment', { sha256: n.toString(16).padStart(64, '0'), about: 'request:req-live', mime: 'image/jpeg', size: 10, at: n }, unitId);
  await tablet.sync!.awaitInSync();
  expect(tablet.store.status.get().refusals).toEqual([]);
}

/** The events a listener received between two of the test's markers. */
const between = (listener: Listener, from: string, to?: string): string[] =>
  listener.events.slice(listener.events.indexOf(from) + 1, to === undefined ? undefined : listener.events.indexOf(to));

describe('live hints follow scope', () => {
  it('pushes at site B produce no hint on site A\'s stream; pushes at A do (and HQ hears both)', async () => {
    const tabletA = await replicas.open(atA, 'tablet-a');
    const tabletB = await replicas.open(atB, 'tablet-b');
    tabletA.start();
    tabletB.start();
    await tabletA.sync!.awaitInSync();
    await tabletB.sync!.awaitInSync();
    const [a, b, hq] = [await listen(atA), await listen(atB), await listen(world.admin)];

    a.events.push('mark: B pushes');
    for (let i = 1; i <= 3; i++) {
      const [bBefore, hqBefore] = [b.hints(), hq.hints()];
      await pushAt(tabletB, siteB);
      await until(() => b.hints() > bBefore && hq.hints() > hqBefore, `the hint of B's push ${i}`);
    }
    a.events.push('mark: A pushes');
    b.events.push('mark: A pushes');
    const hqBefore = hq.hints();
    await pushAt(tabletA, siteA);
    await until(() => a.hints() > 0 && hq.hints() > hqBefore, 'the hint of A\'s push');
    expect(between(a, 'mark: B pushes', 'mark: A pushes')).toEqual([]);
    expect(between(a, 'mark: A pushes')).toContain('changes');

    // And the other way round: B hears nothing of A's push (checked once B's next own hint is in,
    // which the server sends after any hint of A's push on the same connection).
    b.events.push('mark: B pushes again');
    const bBefore = b.hints();
    await pushAt(tabletB, siteB);
    await until(() => b.hints() > bBefore, 'the hint of B\'s next push');
    expect(between(b, 'mark: A pushes', 'mark: B pushes again')).toEqual([]);
    for (const listener of [a, b, hq]) listener.close();
  }, 60_000);

  it('follows grants as they change: granting or revoking a role tells the stream within seconds, and the running replica takes or drops that unit\'s rows; a role at B opens B\'s hints to A\'s stream, revoking it closes them', async () => {
    const tabletA = await replicas.open(atA, 'tablet-a2');
    const tabletB = await replicas.open(atB, 'tablet-b2');
    tabletA.start();
    tabletB.start();
    await tabletA.sync!.awaitInSync();
    await tabletB.sync!.awaitInSync();
    const a = await listen(atA);
    const grants = (mode: 'grants' | 'grants/revoke') => running.server.call('POST', `/api/users/${atA.userId}/${mode}`, { cookie: world.admin.cookie, body: { role: 'staff', unitId: siteB } });

    // A role changes no row: the stream is told all the same, so the replica pulls what the role brings.
    a.events.push('mark: granting');
    expect((await grants('grants')).statusCode).toBe(200);
    await until(() => between(a, 'mark: granting').includes('changes'), 'a hint that A\'s scope changed (granted)');
    a.events.push('mark: granted');
    await pushAt(tabletB, siteB);
    await until(() => between(a, 'mark: granted').includes('changes'), 'a hint of B\'s push after the grant');
    const heldAtB = async () => (await tabletA.store.db.rows.find({ selector: { scopeUnitId: siteB as never } }).exec()).length;
    await expect.poll(heldAtB, { timeout: 15_000 }).toBeGreaterThan(0);

    a.events.push('mark: revoking');
    expect((await grants('grants/revoke')).statusCode).toBe(200);
    await until(() => between(a, 'mark: revoking').includes('changes'), 'a hint that A\'s scope changed (revoked): the replica drops B\'s rows');
    // Nothing at B changed: the hint alone sends the running replica to pull, and it drops B's rows.
    await expect.poll(heldAtB, { timeout: 15_000 }).toBe(0);
    a.events.push('mark: revoked');
    const b = await listen(atB);
    const bBefore = b.hints();
    await pushAt(tabletB, siteB);
    await until(() => b.hints() > bBefore, 'B\'s own hint');
    a.events.push('mark: A pushes');
    await pushAt(tabletA, siteA);
    await until(() => between(a, 'mark: A pushes').includes('changes'), 'the hint of A\'s push');
    expect(between(a, 'mark: revoked', 'mark: A pushes')).toEqual([]);
    a.close();
    b.close();
  }, 60_000);
});

describe('live hints leave out what the listening replica pushed itself', () => {
  it('a replica that names itself hears nothing of its own pushes; the same person\'s other replica, and a stream that names none, do', async () => {
    const tablet = await replicas.open(atA, 'tablet-own');
    const other = await replicas.open(atA, 'tablet-other');
    tablet.start();
    other.start();
    await tablet.sync!.awaitInSync();
    await other.sync!.awaitInSync();
    const own = await listen(atA, tablet.store.replicaId);
    const sibling = await listen(atA, other.store.replicaId);
    const bare = await listen(atA);

    own.events.push('mark: own pushes');
    for (let i = 1; i <= 3; i++) {
      const [siblingBefore, bareBefore] = [sibling.hints(), bare.hints()];
      await pushAt(tablet, siteA);
      await until(() => sibling.hints() > siblingBefore && bare.hints() > bareBefore, `the hints of the tablet's push ${i}`);
    }
    // The other replica's push is news to the tablet: its hint comes after any hint of the
    // tablet's own pushes would have, on the same connection.
    own.events.push('mark: the other replica pushes');
    await pushAt(other, siteA);
    await until(() => between(own, 'mark: the other replica pushes').includes('changes'), 'the hint of the other replica\'s push');
    expect(between(own, 'mark: own pushes', 'mark: the other replica pushes')).toEqual([]);

    // And the tablet itself pulls what the other replica pushed, hinted by its own stream.
    const pulls = tablet.network.counts.get('/api/sync/pull') ?? 0;
    await pushAt(other, siteA);
    await until(() => (tablet.network.counts.get('/api/sync/pull') ?? 0) > pulls, 'the tablet\'s pull after the hint');
    for (const listener of [own, sibling, bare]) listener.close();
  }, 60_000);

  it('a row the server makes of the replica\'s own push (an alarm) is news to it, and hinted', async () => {
    const custodian = await world.person(siteA, ['custodian'], 'Custodian at A');
    const device = await deviceWithLog('dev-live-own', siteA, 6);
    const tablet = await replicas.open(custodian, 'tablet-own-alarm');
    tablet.start();
    await tablet.store.records.create('device', device.record);
    await tablet.sync!.awaitInSync();
    const own = await listen(custodian, tablet.store.replicaId);
    // Entry 3 never reached the tablet: the server raises a log_gap alarm, its own row.
    await tablet.store.facts.appendMany('device_event', device.log.filter((entry) => entry.seq !== 3), siteA);
    await tablet.sync!.awaitInSync();
    await until(() => own.hints() > 0, 'the hint of the alarm raised on the tablet\'s push');
    // The tablet pulls it on its own stream's hint, which may come after this listener's.
    const alarms = async () => (await tablet.store.db.rows.find({ selector: { kind: 'alarm' } }).exec()).map((d) => (d.toJSON() as unknown as { body: { kind: string; ref: string } }).body);
    await expect.poll(alarms, { timeout: 15_000 }).toContainEqual(expect.objectContaining({ kind: 'log_gap', ref: 'dev-live-own:3' }));
    own.close();
  }, 60_000);

  it('a replica id is only its own user\'s: a row another person pushed naming it is news to that replica, hinted and pulled', async () => {
    const colleague = await world.person(siteA, ['staff'], 'Colleague at A');
    const tablet = await replicas.open(atA, 'tablet-named');
    tablet.start();
    await tablet.sync!.awaitInSync();
    const own = await listen(atA, tablet.store.replicaId);
    // The colleague's row, made on a tablet of theirs that never syncs, pushed by hand under the
    // id of atA's replica (read off a shared tablet, or a log).
    const theirs = await replicas.open(colleague, 'tablet-borrowed-id');
    const n = ++at;
    const { row } = await theirs.store.facts.append('attachment', { sha256: n.toString(16).padStart(64, '0'), about: 'request:req-live', mime: 'image/jpeg', size: 10, at: n }, siteA);
    const pushed = await fetch(`${running.url}/api/sync/push`, {
      method: 'POST',
      headers: { cookie: colleague.cookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ rows: [row], replica: tablet.store.replicaId }),
    });
    expect(pushed.status).toBe(200);
    expect(((await pushed.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['accepted']);
    await until(() => own.hints() > 0, 'the hint of the colleague\'s row');
    const held = async () => (await tablet.store.db.rows.findOne(row.id).exec()) !== null;
    const deadline = Date.now() + 15_000;
    while (!(await held()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await held(), 'the colleague\'s row reached the replica whose id it named').toBe(true);
    own.close();
  }, 60_000);

  it.each([
    ['not a replica id', '?replica=no!'],
    ['an empty replica id', '?replica='],
    ['a replica id too long', `?replica=${'r'.repeat(65)}`],
    ['a second replica', '?replica=replica-one&replica=replica-two'],
    ['anything else', '?replica=replica-one&since=0'],
  ])('refuses a stream query with %s (400 invalid_query), opening nothing', async (_what, query) => {
    const res = await fetch(`${running.url}/api/sync/stream${query}`, { headers: { cookie: atA.cookie } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_query');
  });
});
