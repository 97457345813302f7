/**
 * Hostile pushes against the record and lifecycle rules, over HTTP against the real server: a
 * second creation of a record that exists, an edit that changes what a record keeps from its
 * creation, and lifecycle moves made from a status the seal has left (offline, concurrently, on
 * a destroyed seal, dated before the last move). Each is refused with its code and never stored;
 * the moves that are accepted give every replica the same timeline.
 */
import * as Automerge from '@automerge/automerge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResult } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { deviceWithLog, sealMove, sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';
import { changeRowOf, creation, edit, factRowOf, outcomes, push } from './hostileClient';
import { serverRows } from './serverView';

let running: RunningSync;
let world: World;
let custodian: Person;
let otherCustodian: Person;
let staff: Person;
let admin: Person;
let otherSiteId: string;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_500_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  otherSiteId = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Other site', 'site');
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  otherCustodian = await world.person(world.siteId, ['custodian'], 'Second custodian');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  admin = world.admin;
}, 60_000);
afterAll(async () => running?.close());

const stored = async (id: string): Promise<boolean> => (await serverRows(running.server)).some((row) => row.id === id);
const refusal = (result: PushResult | undefined): { code?: string; message?: string } => (result?.status === 'refused' ? { code: result.code, message: result.message } : {});

/** A seal on the server, created (record and `new → active`) by the custodian. */
async function activeSeal(id: string, at = tick()) {
  const made = await creation(custodian, 'seal', sealRecord(id, world.siteId, custodian.userId));
  const created = await factRowOf(custodian, 'seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', at) as never, world.siteId);
  expect(outcomes(await push(running, custodian, [made.row, created]))).toEqual(['accepted', 'accepted']);
  return made;
}

const move = (by: Person, role: 'custodian' | 'admin', sealId: string, from: Parameters<typeof sealMove>[1], to: Parameters<typeof sealMove>[2], at = tick()) =>
  factRowOf(by, 'seal_status_change', sealMove(sealId, from, to, by.userId, role, at) as never, world.siteId);

describe('a record is created once', () => {
  it('refuses a second creation of a seal, by its maker or anyone else, and keeps the first', async () => {
    const first = await activeSeal('seal-once');
    const again = await creation(custodian, 'seal', { ...(sealRecord('seal-once', world.siteId, custodian.userId) as Record<string, unknown>), name: 'Second creation' });
    const byOther = await creation(otherCustodian, 'seal', { ...(sealRecord('seal-once', world.siteId, otherCustodian.userId) as Record<string, unknown>), name: 'Taken over' });
    const results = [...(await push(running, custodian, [again.row])), ...(await push(running, otherCustodian, [byOther.row]))];
    expect(outcomes(results)).toEqual(['refused:record_exists', 'refused:record_exists']);
    expect(refusal(results[0]).message).toContain('seal "seal-once"');
    expect(await stored(again.row.id)).toBe(false);
    expect(await stored(byOther.row.id)).toBe(false);
    // An edit made on top of the held document still goes through.
    const renamed = await edit(custodian, 'seal', first.doc, world.siteId, (d) => void (d.name = 'Renamed'));
    expect(outcomes(await push(running, custodian, [renamed.row]))).toEqual(['accepted']);
  });

  it('refuses a second creation within one batch', async () => {
    const one = await creation(custodian, 'seal', sealRecord('seal-batch', world.siteId, custodian.userId));
    const two = await creation(custodian, 'seal', { ...(sealRecord('seal-batch', world.siteId, custodian.userId) as Record<string, unknown>), name: 'Twin' });
    expect(outcomes(await push(running, custodian, [one.row, two.row]))).toEqual(['accepted', 'refused:record_exists']);
  });

  it('refuses a second creation of a device and of a request', async () => {
    const device = await deviceWithLog('dev-once', world.siteId, 0);
    const deviceRecord = device.record as unknown as Record<string, unknown>;
    const made = await creation(custodian, 'device', deviceRecord);
    expect(outcomes(await push(running, custodian, [made.row]))).toEqual(['accepted']);
    const other = await deviceWithLog('dev-other', world.siteId, 0);
    const rekeyed = await creation(custodian, 'device', { ...deviceRecord, publicKeyJwk: (other.record as unknown as Record<string, unknown>).publicKeyJwk });
    const same = await creation(custodian, 'device', { ...deviceRecord, serial: 'SN-SECOND' });
    expect(outcomes(await push(running, custodian, [rekeyed.row, same.row]))).toEqual(['refused:record_exists', 'refused:record_exists']);

    await activeSeal('seal-for-request');
    const request = useRequest('req-once', staff.userId, world.siteId, 'seal-for-request') as unknown as Record<string, unknown>;
    const asked = await creation(staff, 'request', request);
    expect(outcomes(await push(running, staff, [asked.row]))).toEqual(['accepted']);
    const askedAgain = await creation(staff, 'request', { ...request, usesRequested: 50, purpose: 'more uses, same id' });
    expect(outcomes(await push(running, staff, [askedAgain.row]))).toEqual(['refused:record_exists']);
    expect(await stored(askedAgain.row.id)).toBe(false);
  });

  it('refuses a second change under a sequence number its actor used, after, in one batch or pushed side by side; the record still loads', async () => {
    /** Two edits of the held seal by its maker's actor, each its next change: one sequence number, two bodies. */
    const twins = async (sealId: string) => {
      const made = await creation(custodian, 'seal', sealRecord(sealId, world.siteId, custodian.userId));
      expect(outcomes(await push(running, custodian, [made.row]))).toEqual(['accepted']);
      const docs = ['甲', '乙'].map((name) => Automerge.change(Automerge.clone(made.doc, { actor: Automerge.getActorId(made.doc) }), (d) => void (d.name = `合同专用章${name}`)));
      return { docs, rows: docs.map((doc) => changeRowOf(custodian, 'seal', sealId, world.siteId, Automerge.getLastLocalChange(doc)!)) };
    };
    const after = await twins('seal-seq-after');
    expect(outcomes(await push(running, custodian, [after.rows[0]]))).toEqual(['accepted']);
    const [second] = await push(running, custodian, [after.rows[1]]);
    expect(refusal(second)).toMatchObject({ code: 'invalid_change', message: expect.stringContaining('does not apply') as unknown });

    const together = await twins('seal-seq-batch');
    expect(outcomes(await push(running, custodian, together.rows))).toEqual(['accepted', 'refused:invalid_change']);

    // Side by side, each judged against the store as it was before either wrote, both would pass
    // and the record would hold two changes no document can take: every later load would fail.
    // Three seals, each raced: one pair alone may happen to be judged one after the other.
    for (const sealId of ['seal-seq-race-1', 'seal-seq-race-2', 'seal-seq-race-3']) {
      const raced = await twins(sealId);
      const answers = await Promise.all(raced.rows.map((row) => push(running, custodian, [row])));
      const taken = answers.map((answer) => outcomes(answer)[0]);
      expect([...taken].sort(), sealId).toEqual(['accepted', 'refused:invalid_change']);
      const kept = raced.docs[taken.indexOf('accepted')]!;
      const next = await edit(admin, 'seal', kept, world.siteId, (d) => void (d.name = '合同专用章（新）'));
      expect(outcomes(await push(running, admin, [next.row]))).toEqual(['accepted']);
      for (const [i, row] of raced.rows.entries()) expect(await stored(row.id)).toBe(taken[i] === 'accepted');
    }
  });

  it('refuses a second creation of a profile', async () => {
    const profile = { id: staff.userId, name: 'Staff 员工', unitId: world.siteId };
    const made = await creation(staff, 'profile', profile);
    expect(outcomes(await push(running, staff, [made.row]))).toEqual(['accepted']);
    const again = await creation(staff, 'profile', { ...profile, name: 'Someone else' });
    expect(outcomes(await push(running, staff, [again.row]))).toEqual(['refused:record_exists']);
  });
});

describe('a record keeps what it was created with', () => {
  it('refuses edits that change a seal\'s kind, form, id, unit or creation time', async () => {
    const seal = await activeSeal('seal-fixed');
    const flips: [string, (d: Record<string, unknown>) => void][] = [
      ['kind', (d) => void (d.kind = 'official')],
      ['form', (d) => Object.assign(d, { form: 'physical', antiCounterfeitCode: '3301020012345', deviceId: null })],
      ['id', (d) => void (d.id = 'seal-renamed')],
      ['unitId', (d) => void (d.unitId = otherSiteId)],
      ['createdAt', (d) => void (d.createdAt = 1)],
    ];
    for (const [field, change] of flips) {
      const flipped = await edit(custodian, 'seal', seal.doc, world.siteId, change);
      const [result] = await push(running, custodian, [flipped.row]);
      expect(refusal(result), field).toMatchObject({ code: 'invalid_record', message: expect.stringContaining(`keep its ${field}`) as unknown });
      expect(await stored(flipped.row.id), field).toBe(false);
    }
  });

  it('refuses edits that change a device\'s key or a request\'s requester', async () => {
    const device = await deviceWithLog('dev-fixed', world.siteId, 0);
    const made = await creation(custodian, 'device', device.record);
    expect(outcomes(await push(running, custodian, [made.row]))).toEqual(['accepted']);
    const other = await deviceWithLog('dev-thief', world.siteId, 0);
    const rekeyed = await edit(custodian, 'device', made.doc, world.siteId, (d) => void (d.publicKeyJwk = JSON.parse(JSON.stringify((other.record as unknown as Record<string, unknown>).publicKeyJwk)) as unknown));
    expect(refusal((await push(running, custodian, [rekeyed.row]))[0])).toMatchObject({ code: 'invalid_record', message: expect.stringContaining('keep its publicKeyJwk') as unknown });

    await activeSeal('seal-for-requester');
    const asked = await creation(staff, 'request', useRequest('req-fixed', staff.userId, world.siteId, 'seal-for-requester'));
    expect(outcomes(await push(running, staff, [asked.row]))).toEqual(['accepted']);
    const handedOver = await edit(staff, 'request', asked.doc, world.siteId, (d) => void (d.requesterId = otherCustodian.userId));
    expect(refusal((await push(running, staff, [handedOver.row]))[0])).toMatchObject({ code: 'invalid_record', message: expect.stringContaining('keep its requesterId') as unknown });
  });
});

describe('someone else\'s profile', () => {
  it('is edited only by whoever manages users over every unit its person holds a role on', async () => {
    const branchAdmin = await world.person(world.branchId, ['admin'], 'Branch admin 分公司管理员');
    // Someone who lives in the branch and is also an administrator of the whole organisation.
    const promoted = await world.person(world.branchId, ['admin'], 'Promoted 升任总部管理员');
    const granted = await running.server.call('POST', `/api/users/${promoted.userId}/grants`, { cookie: world.admin.cookie, body: { role: 'admin', unitId: world.admin.rootUnitId } });
    expect(granted.statusCode, granted.body).toBe(200);
    const profile = await creation(promoted, 'profile', { id: promoted.userId, name: 'Promoted 升任总部管理员', unitId: world.branchId });
    expect(outcomes(await push(running, promoted, [profile.row]))).toEqual(['accepted']);
    const byBranch = await edit(branchAdmin, 'profile', profile.doc, world.branchId, (d) => void (d.name = 'Renamed by the branch'));
    expect(outcomes(await push(running, branchAdmin, [byBranch.row]))).toEqual(['refused:out_of_scope']);
    const byHq = await edit(admin, 'profile', profile.doc, world.branchId, (d) => void (d.name = 'Renamed by HQ'));
    expect(outcomes(await push(running, admin, [byHq.row]))).toEqual(['accepted']);
    // A colleague whose roles all lie in the branch stays the branch administrator's to edit.
    const colleague = await world.person(world.branchId, ['approver'], 'Colleague 同事');
    const theirs = await creation(colleague, 'profile', { id: colleague.userId, name: 'Colleague 同事', unitId: world.branchId });
    expect(outcomes(await push(running, colleague, [theirs.row]))).toEqual(['accepted']);
    const fixed = await edit(branchAdmin, 'profile', theirs.doc, world.branchId, (d) => void (d.name = 'Colleague（审批）'));
    expect(outcomes(await push(running, branchAdmin, [fixed.row]))).toEqual(['accepted']);
  });
});

describe('a device is named on site', () => {
  it('takes a name from its unit\'s custodian or an admin, and refuses one from staff, an empty or padded name, or one too long', async () => {
    const device = await deviceWithLog('dev-named', world.siteId, 0);
    const made = await creation(custodian, 'device', device.record);
    expect(outcomes(await push(running, custodian, [made.row]))).toEqual(['accepted']);
    const named = await edit(custodian, 'device', made.doc, world.siteId, (d) => void (d.name = '3号楼项目部'));
    expect(outcomes(await push(running, custodian, [named.row]))).toEqual(['accepted']);
    const renamed = await edit(admin, 'device', named.doc, world.siteId, (d) => void (d.name = 'Block 3 office'));
    expect(outcomes(await push(running, admin, [renamed.row]))).toEqual(['accepted']);

    const byStaff = await edit(staff, 'device', renamed.doc, world.siteId, (d) => void (d.name = 'Mine now'));
    expect(outcomes(await push(running, staff, [byStaff.row]))).toEqual(['refused:not_permitted']);
    for (const bad of ['', ' padded', 'x'.repeat(61), 42]) {
      const wrong = await edit(custodian, 'device', renamed.doc, world.siteId, (d) => void (d.name = bad));
      expect(refusal((await push(running, custodian, [wrong.row]))[0]).code, JSON.stringify(bad)).toBe('invalid_record');
    }
    // The name the server holds is the admin's, and no refused name reached it.
    const held = (await serverRows(running.server)).filter((row) => row.type === 'change' && row.id.includes('dev-named'));
    expect(held).toHaveLength(3);
  });
});

describe('a lifecycle move starts where the seal is', () => {
  it('refuses a resume made from suspended while the seal is lost, saying where it is', async () => {
    await activeSeal('seal-lost');
    expect(outcomes(await push(running, custodian, [await move(custodian, 'custodian', 'seal-lost', 'active', 'suspended')]))).toEqual(['accepted']);
    expect(outcomes(await push(running, admin, [await move(admin, 'admin', 'seal-lost', 'suspended', 'lost')]))).toEqual(['accepted']);
    const resume = await move(custodian, 'custodian', 'seal-lost', 'suspended', 'active');
    const [result] = await push(running, custodian, [resume]);
    expect(refusal(result)).toMatchObject({ code: 'stale_transition', message: expect.stringContaining('current status lost') as unknown });
    expect(await stored(resume.id)).toBe(false);
  });

  it('refuses a second creation fact and a move from a status the seal never reached', async () => {
    await activeSeal('seal-shapes');
    const recreate = await move(otherCustodian, 'custodian', 'seal-shapes', null, 'active');
    const fromLost = await move(custodian, 'custodian', 'seal-shapes', 'lost', 'revoked');
    const fromSuspended = await move(custodian, 'custodian', 'seal-shapes', 'suspended', 'revoked');
    const results = [...(await push(running, otherCustodian, [recreate])), ...(await push(running, custodian, [fromLost, fromSuspended]))];
    expect(outcomes(results)).toEqual(['refused:stale_transition', 'refused:stale_transition', 'refused:stale_transition']);
  });

  it('refuses any move of a destroyed seal, even a second destruction', async () => {
    await activeSeal('seal-gone');
    expect(outcomes(await push(running, custodian, [
      await move(custodian, 'custodian', 'seal-gone', 'active', 'revoked'),
      await move(custodian, 'custodian', 'seal-gone', 'revoked', 'destroyed'),
    ]))).toEqual(['accepted', 'accepted']);
    const results = [
      ...(await push(running, custodian, [
        await move(custodian, 'custodian', 'seal-gone', 'revoked', 'destroyed'),
        await move(custodian, 'custodian', 'seal-gone', 'active', 'suspended'),
      ])),
      ...(await push(running, admin, [await move(admin, 'admin', 'seal-gone', 'lost', 'active')])),
    ];
    expect(outcomes(results)).toEqual(['refused:stale_transition', 'refused:stale_transition', 'refused:stale_transition']);
    expect(refusal(results[0]).message).toContain('nothing leaves that state');
  });

  it('refuses a move dated no later than the seal\'s last move', async () => {
    const madeAt = tick();
    await activeSeal('seal-early', madeAt);
    const before = await move(custodian, 'custodian', 'seal-early', 'active', 'suspended', madeAt - 5);
    const same = await move(custodian, 'custodian', 'seal-early', 'active', 'lost', madeAt);
    const results = await push(running, custodian, [before, same]);
    expect(outcomes(results)).toEqual(['refused:stale_transition', 'refused:stale_transition']);
    expect(refusal(results[0]).message).toContain(`last move (at ${madeAt})`);
  });

  it('refuses a move dated more than a few minutes ahead of the server\'s clock, so that nobody can freeze a seal\'s life cycle', async () => {
    await activeSeal('seal-ahead');
    const day = 24 * 60 * 60 * 1000;
    // A custodian's suspension and resumption dated at the end of time (or only a day ahead) would
    // leave every later move, an administrator's revocation included, "no later than the last move".
    const frozen = [
      await move(custodian, 'custodian', 'seal-ahead', 'active', 'suspended', Number.MAX_SAFE_INTEGER - 1),
      await move(custodian, 'custodian', 'seal-ahead', 'active', 'suspended', Date.now() + 2 * day),
      await move(custodian, 'custodian', 'seal-ahead', 'active', 'suspended', Date.now() + 3 * 60 * 60 * 1000),
    ];
    const results = await push(running, custodian, frozen);
    expect(results.map((r) => refusal(r).code)).toEqual([expect.stringMatching(/^(future_time|invalid_row)$/), 'future_time', 'future_time']);
    expect(refusal(results[1]).message).toContain('at most 5 minutes after the server\'s clock');
    for (const row of frozen) expect(await stored(row.id)).toBe(false);
    // A tablet whose clock runs a minute fast still works, and the administrator revokes after it.
    const fast = await move(custodian, 'custodian', 'seal-ahead', 'active', 'suspended', Date.now() + 60 * 1000);
    const revoke = await move(admin, 'admin', 'seal-ahead', 'suspended', 'revoked', Date.now() + 2 * 60 * 1000);
    expect(outcomes([...(await push(running, custodian, [fast])), ...(await push(running, admin, [revoke]))])).toEqual(['accepted', 'accepted']);
  });

  it('judges two moves made offline from one status in arrival order; every replica shows the same', async () => {
    for (const [sealId, first] of [['seal-race-1', 'custodian'], ['seal-race-2', 'admin']] as const) {
      await activeSeal(sealId);
      const tablet: Replica = await replicas.open(custodian, `tablet-${sealId}`);
      const hq: Replica = await replicas.open(admin, `hq-${sealId}`);
      await syncAll([tablet, hq]);
      tablet.network.setOnline(false);
      hq.network.setOnline(false);
      const suspendAt = tick();
      const suspend = await tablet.store.facts.append('seal_status_change', sealMove(sealId, 'active', 'suspended', custodian.userId, 'custodian', suspendAt), world.siteId);
      const revoke = await hq.store.facts.append('seal_status_change', sealMove(sealId, 'active', 'revoked', admin.userId, 'admin', suspendAt + 1), world.siteId);
      const [winner, loser] = first === 'custodian' ? [tablet, hq] : [hq, tablet];
      await syncAll([winner]);
      await syncAll([loser]);
      await syncAll([tablet, hq]);
      const expected = first === 'custodian' ? 'suspended' : 'revoked';
      const refused = first === 'custodian' ? revoke.row.id : suspend.row.id;
      expect(loser.store.status.get().refusals.find((r) => r.id === refused)?.code, sealId).toBe('stale_transition');
      for (const replica of [tablet, hq]) {
        await replica.store.whenProjected();
        expect((await replica.store.projection(`seal:${sealId}`))?.derived, `${sealId} on ${replica.name}`).toMatchObject({ status: expected, skippedChanges: [] });
      }
      expect(await stored(refused)).toBe(false);
      await replicas.close(tablet);
      await replicas.close(hq);
    }
  });
});
