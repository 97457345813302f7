/**
 * A site tablet whose clock runs 3 hours fast, against the real server. The server takes a
 * lifecycle move dated at most 5 minutes after its own clock (`future_time`), and a refusal is
 * final. So the app learns the server's clock from its push and pull answers (`serverTime`),
 * keeps the correction across reloads and days offline, and dates every row by its clock so
 * corrected (`store.now`); a move already refused for its date is made again by itself, as a new
 * row dated by the corrected clock, once — never where the seal moved since.
 */
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MOVE_AHEAD_MS, subjectOf, type OrgUnit, type SealRecord, type SealStatusChange, type User } from '@seal/shared';
import { makeSeal, moveSeal } from '../../app/src/routes/seals/sealActions';
import { MAX_SAMPLE_ROUND_TRIP_MS } from '../../app/src/store/serverClock';
import { sealRecord } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { serverRows } from './serverView';

const HOUR = 60 * 60 * 1000;
/** The tablet's clock: 3 hours ahead of the server's (and of this process's). */
const fastClock = (): number => Date.now() + 3 * HOUR;

let running: RunningSync;
let world: World;
let custodian: Person;
let units: OrgUnit[];
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  units = (await running.server.call('GET', '/api/units', { cookie: world.admin.cookie })).json<{ units: OrgUnit[] }>().units;
}, 60_000);
afterAll(async () => running?.close());

const admin = (): User => ({ id: world.admin.userId, name: 'Administrator', unitId: world.admin.rootUnitId, grants: [{ role: 'admin', unitId: world.admin.rootUnitId }], active: true }) as User;
const keeper = (): User => ({ id: custodian.userId, name: 'Custodian 保管员', unitId: world.siteId, grants: [{ role: 'custodian', unitId: world.siteId }], active: true }) as User;

/** The seal's lifecycle moves the server holds, oldest first. */
async function serverMoves(sealId: string): Promise<SealStatusChange[]> {
  return (await serverRows(running.server))
    .filter((row) => row.type === 'fact' && row.kind === 'seal_status_change' && row.subject === subjectOf('seal', sealId))
    .map((row) => (row as unknown as { body: SealStatusChange }).body)
    .sort((a, b) => a.at - b.at);
}

/** The seal as `replica` holds it, and when its last move was made. */
async function heldSeal(replica: Replica, sealId: string): Promise<{ seal: SealRecord; since: number }> {
  await replica.store.whenProjected();
  const seals = await firstValueFrom(replica.store.query.records$('seal'));
  const seal = seals.find(({ record }) => record.id === sealId)?.record;
  if (seal === undefined) throw new Error(`${replica.name} does not hold ${sealId}`);
  const moves = await replica.store.query.facts('seal_status_change', { subject: subjectOf('seal', sealId) });
  return { seal, since: Math.max(...moves.map((move) => move.at)) };
}

/** A seal made at HQ (the administrator's replica, a right clock) for the custodian, on the server. */
async function sealAtHq(sealId: string): Promise<Replica> {
  const office = await replicas.open(world.admin, `office-${sealId}`);
  await makeSeal(office.store, sealRecord(sealId, world.siteId, custodian.userId, '项目部合同章'), admin(), 'new contract seal for the site', units, []);
  await syncAll([office]);
  return office;
}

/**
 * `at` is the server's time now, give or take the test's own steps and half an answer's round
 * trip — never hours ahead. (The test server's clock stands still unless a test moves it on.)
 */
const nearNow = (at: number): void => {
  const server = running.server.clock.now();
  expect(Math.abs(at - server)).toBeLessThan(MAX_SAMPLE_ROUND_TRIP_MS);
};

/** How far the fast tablet's clock is from the server's, as the correction should have it. */
const expectedOffset = (): number => running.server.clock.now() - fastClock();

describe('a site tablet whose clock runs 3 hours fast', () => {
  it('once it has synced, its suspension — made offline after a reload — is dated by the server\'s clock and taken', async () => {
    await sealAtHq('seal-fast-synced');
    const databaseName = `fast-clock-${process.pid}`;
    let tablet = await replicas.open(custodian, 'fast-tablet', { now: fastClock, databaseName });
    await syncAll([tablet]);
    const learned = tablet.store.clock.correction!;
    // Off by at most half an answer's round trip (a few seconds on a loaded machine).
    expect(Math.abs(learned.offsetMs - expectedOffset())).toBeLessThan(MAX_SAMPLE_ROUND_TRIP_MS / 2);
    expect(learned.clamped).toBe(false);
    expect(tablet.store.status.get().clock).toEqual(learned);

    // Reloaded with no network (days on site): the correction is kept, and dates what is made.
    await replicas.close(tablet);
    tablet = await replicas.open(custodian, 'fast-tablet-reloaded', { now: fastClock, databaseName });
    tablet.network.setOnline(false);
    expect(tablet.store.clock.correction?.offsetMs).toBe(learned.offsetMs);
    nearNow(tablet.store.now());
    const { seal, since } = await heldSeal(tablet, 'seal-fast-synced');
    await moveSeal(tablet.store, seal, 'active', 'suspended', keeper(), 'the seal box was found open', units, since);

    await syncAll([tablet]);
    expect(tablet.store.status.get().refusals).toEqual([]);
    const moves = await serverMoves('seal-fast-synced');
    expect(moves.map((m) => `${m.from ?? 'new'}→${m.to}`)).toEqual(['new→active', 'active→suspended']);
    nearNow(moves[1]!.at);
  }, 90_000);

  it('a move made before it ever synced is refused future_time, then made again by itself dated by the corrected clock, and taken — once', async () => {
    const tablet = await replicas.open(custodian, 'fresh-fast-tablet', { now: fastClock });
    // Offline from the start: the custodian makes a seal and suspends it, dated 3 hours ahead.
    await makeSeal(tablet.store, sealRecord('seal-fast-fresh', world.siteId, custodian.userId, '项目部合同章'), keeper(), 'new contract seal for the site', units, []);
    const made = await heldSeal(tablet, 'seal-fast-fresh');
    await moveSeal(tablet.store, made.seal, 'active', 'suspended', keeper(), 'reported by the foreman: keep it locked', units, made.since);
    const firstDates = (await tablet.store.query.facts('seal_status_change', { subject: subjectOf('seal', 'seal-fast-fresh') })).map((m) => m.at);
    for (const at of firstDates) expect(at).toBeGreaterThan(running.server.clock.now() + MAX_MOVE_AHEAD_MS);

    await syncAll([tablet]);
    const refusals = tablet.store.status.get().refusals;
    expect(refusals.map((r) => r.code)).toEqual(['future_time', 'future_time']);
    for (const refusal of refusals) {
      expect(refusal.remade?.outcome).toBe('remade');
      expect(Math.abs(refusal.remade!.offsetMs - expectedOffset())).toBeLessThan(MAX_SAMPLE_ROUND_TRIP_MS / 2);
    }
    expect(await tablet.store.book.outboxIds()).toEqual([]);

    // The server holds each move once, dated by its own clock (the time each was made), in order.
    const moves = await serverMoves('seal-fast-fresh');
    expect(moves.map((m) => `${m.from ?? 'new'}→${m.to}`)).toEqual(['new→active', 'active→suspended']);
    for (const move of moves) nearNow(move.at);
    expect(moves.map((m) => m.id).sort()).toEqual(refusals.map((r) => (r.remade as { rowId: string }).rowId.replace(/^fact:seal_status_change:/, '')).sort());
    // Every replica shows it suspended: HQ's, and the tablet's own.
    const office = await replicas.open(world.admin, 'office-sees-fresh');
    await syncAll([office, tablet]);
    for (const replica of [office, tablet]) {
      expect((await replica.store.projection(subjectOf('seal', 'seal-fast-fresh')))?.derived, replica.name).toEqual({ status: 'suspended', lifecycleChanges: 2, skippedChanges: [] });
    }
  }, 90_000);

  it('a move refused for its date is not made again once the seal has moved since: the stale rule holds, nothing is doubled', async () => {
    const office = await sealAtHq('seal-fast-moved');
    const databaseName = `fast-clock-moved-${process.pid}`;
    // The tablet synced while its clock was right; offline, its clock jumped 3 hours ahead.
    let tablet = await replicas.open(custodian, 'tablet-right-then-fast', { databaseName });
    await syncAll([tablet]);
    expect(Math.abs(tablet.store.clock.correction!.offsetMs - (running.server.clock.now() - Date.now()))).toBeLessThan(MAX_SAMPLE_ROUND_TRIP_MS / 2);
    await replicas.close(tablet);
    tablet = await replicas.open(custodian, 'tablet-now-fast', { now: fastClock, databaseName });
    const { seal, since } = await heldSeal(tablet, 'seal-fast-moved');
    await moveSeal(tablet.store, seal, 'active', 'suspended', keeper(), 'suspended on site', units, since);

    // Meanwhile HQ reports the seal lost.
    const atHq = await heldSeal(office, 'seal-fast-moved');
    await moveSeal(office.store, atHq.seal, 'active', 'lost', admin(), 'reported missing at HQ', units, atHq.since);
    await syncAll([office]);

    // The tablet hears of it before its suspension goes up (as a start pulls first), then pushes.
    tablet.network.blockPaths = /^\/api\/sync\/push$/;
    tablet.start();
    await expect.poll(async () => (await tablet.store.query.facts('seal_status_change', { subject: subjectOf('seal', 'seal-fast-moved') })).some((m) => m.to === 'lost')).toBe(true);
    tablet.network.blockPaths = undefined;
    await syncAll([tablet]);

    const refusals = tablet.store.status.get().refusals;
    expect(refusals.map((r) => [r.code, r.remade?.outcome])).toEqual([['future_time', 'seal_moved']]);
    expect((await serverMoves('seal-fast-moved')).map((m) => `${m.from ?? 'new'}→${m.to}`)).toEqual(['new→active', 'active→lost']);
    expect((await tablet.store.projection(subjectOf('seal', 'seal-fast-moved')))?.derived).toEqual({ status: 'lost', lifecycleChanges: 2, skippedChanges: [] });
  }, 90_000);
});
