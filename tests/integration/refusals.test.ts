/**
 * Scope and validation, through real replicas: a replica never receives rows outside its users'
 * subtrees and cannot ask for them; the server refuses forged authors (facts and Automerge
 * changes), bad passkey signatures, illegal lifecycle moves, edits outside scope and a second
 * body under a fact's id (raising an alarm). Each refused row comes back with its reason: the
 * replica keeps it, lists it in its sync status, and leaves it out of its projections.
 */
import * as Automerge from '@automerge/automerge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorPrefix, changeRowId, subjectOf, toBase64Url, type ChangeRow, type SyncRow, type UnitId, type UserId } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { decision, deviceWithLog, sealMove, sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type ReplicaOptions, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let approver: Person;
let elsewhere: Person;
let otherSiteId: string;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_200_000;
const tick = () => ++clock;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  otherSiteId = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Other site', 'site');
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  approver = await world.person(world.siteId, ['approver'], 'Approver 审批人');
  elsewhere = await world.person(otherSiteId, ['custodian'], 'Custodian elsewhere');
}, 60_000);
afterAll(async () => running?.close());

async function replica(person: Person, name: string, options: ReplicaOptions = {}): Promise<Replica> {
  const opened = await replicas.open(person, name, options);
  opened.start();
  return opened;
}

/**
 * A seal both the tablet and the phone hold; the tablet records its first move and pushes it while
 * the phone, offline, records that move too — with `phoneReason`, another body; without, the same
 * body (at a later time). The phone then comes back online with its pushes failing before they
 * leave: its pull brings the tablet's copy first.
 */
async function recordedTwiceThenPulledFirst(name: string, phoneReason?: string) {
  const tablet = await replica(custodian, `tablet-${name}`);
  const phone = await replica(custodian, `phone-${name}`);
  await tablet.store.records.create('seal', sealRecord(`seal-${name}`, world.siteId, custodian.userId));
  await syncAll([tablet, phone]);
  const move = sealMove(`seal-${name}`, null, 'active', custodian.userId, 'custodian', tick());
  phone.network.setOnline(false);
  const first = await tablet.store.facts.append('seal_status_change', move, world.siteId);
  await tablet.sync!.awaitInSync();
  await new Promise((r) => setTimeout(r, 5));
  const second = await phone.store.facts.append('seal_status_change', phoneReason === undefined ? move : { ...move, reason: phoneReason }, world.siteId);
  expect(second.row.id).toBe(first.row.id);
  phone.network.intercept = (path) => {
    if (path === '/api/sync/push') throw new TypeError('fetch failed: pushes do not get through');
  };
  const syncedBefore = phone.store.status.get().lastSyncAt;
  phone.network.setOnline(true);
  phone.sync!.syncNow();
  return { phone, first, second, syncedBefore };
}

/** Writes a row straight into a replica, as a tampered or buggy client would, and waits for its answer. */
async function smuggle(into: Replica, row: SyncRow): Promise<void> {
  await into.store.book.addToOutbox([row.id]);
  await into.store.db.rows.insert(row);
  await into.sync!.awaitInSync();
}

const refusalOf = (into: Replica, id: string) => into.store.status.get().refusals.find((r) => r.id === id);

describe('scope', () => {
  it('a replica receives only rows its roles\' subtrees cover, and cannot ask for more', async () => {
    const here = await replica(custodian, 'here');
    const there = await replica(elsewhere, 'there');
    const hq = await replica({ ...world.admin }, 'hq');
    await here.store.records.create('seal', sealRecord('seal-here', world.siteId, custodian.userId));
    await there.store.records.create('seal', sealRecord('seal-there', otherSiteId, elsewhere.userId));
    await syncAll([here, there, hq]);
    const ids = async (r: Replica) => (await r.store.db.rows.find().exec()).map((d) => d.subject);
    expect(await ids(here)).toContain('seal:seal-here');
    expect(await ids(here)).not.toContain('seal:seal-there');
    expect(await ids(there)).toEqual(['seal:seal-there']);
    expect(await ids(hq)).toEqual(expect.arrayContaining(['seal:seal-here', 'seal:seal-there']));

    // The pull takes a checkpoint and a size, nothing that could name a scope or a query.
    for (const query of ['scope=' + otherSiteId, 'selector=%7B%7D', 'unitId=' + otherSiteId]) {
      const res = await fetch(`${running.url}/api/sync/pull?since=0&${query}`, { headers: { cookie: custodian.cookie } });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_query');
    }
    const anonymous = await fetch(`${running.url}/api/sync/pull?since=0`);
    expect(anonymous.status).toBe(401);
  });
});

describe('validation refusals, shown in the app', () => {
  it('refuses a fact pushed in someone else\'s name', async () => {
    const r = await replica(custodian, 'forger');
    await r.store.records.create('seal', sealRecord('seal-forge', world.siteId, custodian.userId));
    await r.sync!.awaitInSync();
    const row = await r.store.facts.rowOf('seal_status_change', sealMove('seal-forge', null, 'active', staff.userId, 'custodian', tick()), world.siteId);
    await smuggle(r, { ...row, author: staff.userId as UserId });
    expect(refusalOf(r, row.id)).toMatchObject({ code: 'forged_author', kind: 'seal_status_change', subject: 'seal:seal-forge' });
    // The same fact under its real author, but naming another actor, is refused too.
    const named = await r.store.facts.rowOf('seal_status_change', sealMove('seal-forge', null, 'active', staff.userId, 'custodian', tick()), world.siteId);
    await smuggle(r, named);
    expect(refusalOf(r, named.id)?.code).toBe('forged_author');
    await r.store.whenProjected();
    expect((await r.store.projection('seal:seal-forge'))?.derived.status).toBeNull();
  });

  it('refuses an Automerge change whose actor is not the session user\'s', async () => {
    const r = await replica(custodian, 'actor-forger');
    const actor = (await actorPrefix(staff.userId)) + '00'.repeat(8);
    const doc = Automerge.from(JSON.parse(JSON.stringify(sealRecord('seal-actor', world.siteId, custodian.userId))) as Record<string, unknown>, { actor });
    const bytes = Automerge.getLastLocalChange(doc)!;
    const row: ChangeRow = {
      id: changeRowId('seal', 'seal-actor', Automerge.decodeChange(bytes).hash), type: 'change', kind: 'seal', subject: subjectOf('seal', 'seal-actor'),
      scopeUnitId: world.siteId as UnitId, author: custodian.userId as UserId, createdAt: tick(), bytes: toBase64Url(bytes),
    };
    await smuggle(r, row);
    expect(refusalOf(r, row.id)?.code).toBe('forged_author');
    await r.store.whenProjected();
    expect((await r.store.projection('seal:seal-actor'))?.record).toBeNull();
  });

  it('refuses a decision whose passkey signature does not verify', async () => {
    const requester = await replica(staff, 'requester');
    const phone = await replica(approver, 'approver-phone');
    const custody = await replica(custodian, 'custody');
    await custody.store.records.create('seal', sealRecord('seal-sig', world.siteId, custodian.userId));
    await syncAll([custody, requester]);
    const request = useRequest('req-sig', staff.userId, world.siteId, 'seal-sig');
    await requester.store.records.create('request', request);
    await syncAll([requester, phone]);
    const good = await decision(approver, request, 'approve', tick());
    const other = await decision(approver, { ...request, usesRequested: 9 }, 'approve', tick());
    const { row } = await phone.store.facts.append('decision', { ...good, assertion: { ...good.assertion, signature: other.assertion.signature } }, world.siteId);
    await phone.sync!.awaitInSync();
    expect(refusalOf(phone, row.id)).toMatchObject({ code: 'bad_signature', kind: 'decision' });
    // The genuine decision goes through and is what the request shows.
    const accepted = await phone.store.facts.append('decision', good, world.siteId);
    await syncAll([phone, requester]);
    expect(refusalOf(phone, accepted.row.id)).toBeUndefined();
    expect((await requester.store.projection('request:req-sig'))?.derived.decisionIds).toEqual([accepted.row.id]);
    expect((await phone.store.projection('request:req-sig'))?.derived.decisionIds).toEqual([accepted.row.id]);
  });

  it('refuses a device log entry whose signature does not verify', async () => {
    const r = await replica(custodian, 'device-office');
    const device = await deviceWithLog('dev-sig', world.siteId, 2);
    await r.store.records.create('device', device.record);
    const genuine = await r.store.facts.append('device_event', device.log[0]!, world.siteId);
    const altered = await r.store.facts.append('device_event', { ...device.log[1]!, at: device.log[1]!.at + 1 }, world.siteId);
    await r.sync!.awaitInSync();
    expect(refusalOf(r, genuine.row.id)).toBeUndefined();
    expect(refusalOf(r, altered.row.id)).toMatchObject({ code: 'bad_signature', kind: 'device_event', subject: 'device:dev-sig' });
  });

  it('refuses illegal lifecycle moves, whatever order they arrive in', async () => {
    const r = await replica(custodian, 'mover');
    await r.store.records.create('seal', sealRecord('seal-moves', world.siteId, custodian.userId));
    await r.store.facts.append('seal_status_change', sealMove('seal-moves', null, 'active', custodian.userId, 'custodian', tick()), world.siteId);
    const skip = await r.store.facts.append('seal_status_change', sealMove('seal-moves', 'active', 'destroyed', custodian.userId, 'custodian', tick()), world.siteId);
    const adminOnly = await r.store.facts.append('seal_status_change', sealMove('seal-moves', 'lost', 'active', custodian.userId, 'custodian', tick()), world.siteId);
    const claimedRole = await r.store.facts.append('seal_status_change', sealMove('seal-moves', 'active', 'confiscated', custodian.userId, 'admin', tick()), world.siteId);
    await r.sync!.awaitInSync();
    expect(refusalOf(r, skip.row.id)?.code).toBe('illegal_transition');
    expect(refusalOf(r, adminOnly.row.id)?.code).toBe('illegal_transition');
    // Claiming a role one does not hold is a policy refusal.
    expect(refusalOf(r, claimedRole.row.id)?.code).toBe('not_permitted');
    await r.store.whenProjected();
    expect((await r.store.projection('seal:seal-moves'))?.derived).toMatchObject({ status: 'active', lifecycleChanges: 1 });
  });

  it('refuses an edit of a record outside the user\'s scope', async () => {
    const r = await replica(custodian, 'outsider');
    const change = await r.store.records.create('seal', sealRecord('seal-outside', otherSiteId, custodian.userId));
    await r.sync!.awaitInSync();
    expect(refusalOf(r, change.id)).toMatchObject({ code: 'out_of_scope', kind: 'seal' });
    await r.store.whenProjected();
    expect((await r.store.projection('seal:seal-outside'))?.record).toBeNull();
  });

  it('refuses a second body under a fact\'s id and raises an alarm', async () => {
    const tablet = await replica(custodian, 'tablet');
    const phone = await replica(custodian, 'phone');
    const hq = await replica({ ...world.admin }, 'hq-alarms');
    await tablet.store.records.create('seal', sealRecord('seal-twice', world.siteId, custodian.userId));
    await syncAll([tablet, phone]);
    const at = tick();
    // Offline before the tablet records it: the phone must not pull the first body before recording its own.
    phone.network.setOnline(false);
    const first = await tablet.store.facts.append('seal_status_change', sealMove('seal-twice', null, 'active', custodian.userId, 'custodian', at), world.siteId);
    await tablet.sync!.awaitInSync();
    const second = await phone.store.facts.append('seal_status_change', { ...sealMove('seal-twice', null, 'active', custodian.userId, 'custodian', at), reason: 'another reason' }, world.siteId);
    expect(second.row.id).toBe(first.row.id);
    phone.network.setOnline(true);
    phone.sync!.syncNow();
    await phone.sync!.awaitInSync();
    expect(refusalOf(phone, second.row.id)?.code).toBe('fact_conflict');
    await syncAll([phone, hq]);
    // The server's body wins everywhere; the refused one stays in the refusal, marked.
    expect((await phone.store.db.rows.findOne(first.row.id).exec())?.toJSON()).toMatchObject({ body: first.row.body });
    const alarms = (await hq.store.db.rows.find({ selector: { kind: 'alarm' } }).exec()).map((d) => (d.toJSON() as unknown as { body: { kind: string; ref: string } }).body);
    expect(alarms).toContainEqual(expect.objectContaining({ kind: 'fact_conflict', ref: first.row.id }));
  });

  it('a second body still waiting to go up when the pull brings the first goes up all the same: refused, alarmed, then the server\'s copy takes its place, across a restart', async () => {
    const hq = await replica({ ...world.admin }, 'hq-pull-first');
    const { phone, first, second, syncedBefore } = await recordedTwiceThenPulledFirst('pulled-first', 'the phone\'s reason');
    await expect.poll(() => phone.store.status.get().lastSyncAt, { timeout: 15_000 }).not.toBe(syncedBefore);
    expect(phone.network.pullAnswers.some((answer) => answer.includes(first.row.id)), 'the pull brought the first body').toBe(true);
    // The phone's body is neither dropped nor replaced unseen: it still waits to go up.
    expect(await phone.store.book.outboxIds()).toContain(second.row.id);
    expect((await phone.store.db.rows.findOne(second.row.id).exec())?.toJSON()).toMatchObject({ body: { reason: 'the phone\'s reason' } });

    // The app closes before the push; opened again on the same database, it pushes and is refused.
    const databaseName = phone.store.db.name;
    await replicas.close(phone);
    const reopened = await replica(custodian, 'phone-reopened', { databaseName });
    await reopened.sync!.awaitInSync();
    expect(refusalOf(reopened, second.row.id)?.code).toBe('fact_conflict');
    expect(await reopened.store.book.outboxIds()).toEqual([]);
    expect((await reopened.store.db.rows.findOne(first.row.id).exec())?.toJSON()).toMatchObject({ body: first.row.body });
    expect(await reopened.store.book.statesUnder('serverCopy:'), 'nothing left kept aside').toEqual([]);
    await syncAll([hq]);
    const alarms = (await hq.store.db.rows.find({ selector: { kind: 'alarm' } }).exec()).map((d) => (d.toJSON() as unknown as { body: { kind: string; ref: string } }).body);
    expect(alarms).toContainEqual(expect.objectContaining({ kind: 'fact_conflict', ref: first.row.id }));
  });

  it('a server copy kept aside whose row was answered while the app closed before taking it is taken when it opens again', async () => {
    const { phone, first } = await recordedTwiceThenPulledFirst('swept', 'the phone\'s reason');
    await expect.poll(async () => (await phone.store.book.statesUnder('serverCopy:')).length, { timeout: 15_000 }).toBe(1);
    // What a push answer writes first — the row leaves the outbox — and then the app is gone.
    await phone.stop();
    await phone.store.book.removeFromOutbox([first.row.id]);
    const databaseName = phone.store.db.name;
    await replicas.close(phone);
    const reopened = await replica(custodian, 'phone-swept-again', { databaseName });
    await reopened.sync!.awaitInSync();
    expect((await reopened.store.db.rows.findOne(first.row.id).exec())?.toJSON()).toMatchObject({ body: first.row.body });
    expect(await reopened.store.book.statesUnder('serverCopy:')).toEqual([]);
  });

  it('the same fact recorded on two replicas (another time, the same body) leaves the outbox when the pull brings it: nothing refused', async () => {
    const { phone, first, second } = await recordedTwiceThenPulledFirst('same-fact');
    expect(second.row.createdAt).not.toBe(first.row.createdAt);
    await expect.poll(() => phone.store.book.outboxIds(), { timeout: 15_000 }).toEqual([]);
    expect((await phone.store.db.rows.findOne(first.row.id).exec())?.toJSON()).toMatchObject({ createdAt: first.row.createdAt });
    expect(refusalOf(phone, first.row.id)).toBeUndefined();
    expect(await phone.store.book.statesUnder('serverCopy:')).toEqual([]);
  });
});
