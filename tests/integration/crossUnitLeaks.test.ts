/**
 * Nothing of another unit's records comes out of a refusal. An auditor of another branch walking
 * `devL:0…N` of a site's device on the stamp evidence routes gets one and the same 404 for every
 * entry — a boot, a stamp made without a request, a stamp naming a request nobody recorded, a
 * stamp of a recorded request, a seq never logged — with no request id and nothing of the entry in
 * it; the site's own auditor still gets the answers as before. A custodian of another branch
 * asking a binding of their own free device for the site's physical seal is told what a made-up
 * seal id tells them: not recorded, with no device id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainedLog, deviceRecord, deviceWithLog, sealRecord, useRequest } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, outcomes, push } from './hostileClient';

const AT = 1_790_000_000_000;

let running: RunningSync;
let world: World;
let custodian: Person;
let siteAuditor: Person;
let outsider: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian A');
  siteAuditor = await world.person(world.siteId, ['auditor'], 'Auditor A');
  outsider = await world.person(world.otherBranchId, ['auditor'], 'Auditor elsewhere');
}, 60_000);
afterAll(async () => running?.close());

/** The site's device 'devL' and its signed log: boot, three stamps (no request, an unrecorded one, a recorded one), low battery. */
async function siteDeviceLog(): Promise<void> {
  const staff = await world.person(world.siteId, ['staff'], 'Staff A');
  const { record, privateKey } = await deviceWithLog('devL', world.siteId, 0);
  const seal = await creation(custodian, 'seal', sealRecord('seal-leak-e', world.siteId, custodian.userId));
  expect(outcomes(await push(running, custodian, [(await creation(custodian, 'device', record)).row, seal.row]))).toEqual(['accepted', 'accepted']);
  expect(outcomes(await push(running, staff, [(await creation(staff, 'request', useRequest('reqRecorded', staff.userId, world.siteId, 'seal-leak-e'))).row]))).toEqual(['accepted']);
  const stamp = (requestId: string | null) => ({ type: 'stamp', payload: { requestId, grantId: null, useIndex: requestId === null ? null : 1, photoSha256: null } });
  const bodies = [
    { type: 'boot', payload: { firmware: '1.0.0' } }, stamp(null), stamp('reqGhostSecret'), stamp('reqRecorded'), { type: 'low_battery', payload: { percent: 12 } },
  ];
  const log = await chainedLog(privateKey, 'devL', bodies, AT);
  const pushed = await push(running, custodian, await Promise.all(log.map((e) => factRowOf(custodian, 'device_event', e as never, world.siteId))));
  expect(outcomes(pushed), JSON.stringify(pushed)).toEqual(log.map(() => 'accepted'));
}

describe("another unit's device log, walked on the stamp evidence routes", () => {
  it('answers an outsider one and the same 404 for every entry, and the site auditor as before', async () => {
    await siteDeviceLog();
    const answers: { path: string; status: number; error: string; message: string }[] = [];
    for (const route of ['/api/hq/evidence/stamps', '/api/hq/bundles/stamps']) {
      for (const seq of [0, 1, 2, 3, 4, 5]) {
        const response = await running.server.call('GET', `${route}/devL:${seq}`, { cookie: outsider.cookie });
        expect(response.body).not.toContain('reqGhostSecret');
        expect(response.body).not.toContain('reqRecorded');
        expect(response.body).not.toContain('without a request');
        const { error, message } = response.json<{ error: string; message: string }>();
        answers.push({ path: `${route}/devL:${seq}`, status: response.statusCode, error, message: message.replace(`devL:${seq}`, 'devL:N') });
      }
    }
    // The same for a device nobody registered.
    const nowhere = await running.server.call('GET', '/api/hq/evidence/stamps/devNowhere:1', { cookie: outsider.cookie });
    const { error, message } = nowhere.json<{ error: string; message: string }>();
    answers.push({ path: 'devNowhere', status: nowhere.statusCode, error, message: message.replace('devNowhere:1', 'devL:N') });
    const [first] = answers;
    expect(first).toMatchObject({ status: 404, error: 'not_found' });
    for (const answer of answers) expect({ ...answer, path: first!.path }, answer.path).toEqual(first);

    const inScope = async (seq: number) => {
      const response = await running.server.call('GET', `/api/hq/evidence/stamps/devL:${seq}`, { cookie: siteAuditor.cookie });
      return { status: response.statusCode, error: response.json<{ error: string }>().error, message: response.json<{ message: string }>().message };
    };
    expect(await inScope(0)).toMatchObject({ status: 404, error: 'not_found' });
    expect(await inScope(1)).toMatchObject({ status: 409, error: 'evidence_incomplete', message: expect.stringContaining('without a request') as unknown });
    expect(await inScope(2)).toMatchObject({ status: 409, error: 'evidence_incomplete', message: expect.stringContaining('reqGhostSecret') as unknown });
    expect(await inScope(3)).toMatchObject({ status: 409, error: 'evidence_incomplete' });
  }, 60_000);
});

describe("a binding asked for another unit's seal", () => {
  it('is refused as for a seal nobody recorded, naming no device', async () => {
    const sealA = {
      id: 'sealA', name: '项目部合同章', kind: 'contract', form: 'physical', unitId: world.siteId, custodianId: custodian.userId,
      createdAt: 0, antiCounterfeitCode: '3301020012345', deviceId: 'devA',
    };
    const devA = await creation(custodian, 'device', await deviceRecord('devA', world.siteId));
    const seal = await creation(custodian, 'seal', sealA);
    const bound = await edit(custodian, 'device', devA.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = 'sealA'; });
    expect(outcomes(await push(running, custodian, [devA.row, seal.row, bound.row]))).toEqual(['accepted', 'accepted', 'accepted']);
    const other = await world.person(world.otherBranchId, ['custodian'], 'Custodian O');
    expect(outcomes(await push(running, other, [(await creation(other, 'device', await deviceRecord('devO', world.otherBranchId))).row]))).toEqual(['accepted']);

    const bind = async (sealId: string) => {
      const response = await running.server.call('POST', '/api/devices/devO/binding', {
        cookie: other.cookie, body: { sealId, sealKind: 'contract', minApprovals: 1, custodianId: other.userId, unitId: world.otherBranchId },
      });
      expect(response.body).not.toContain('devA');
      const { error, message } = response.json<{ error: string; message: string }>();
      return { status: response.statusCode, error, message: message.replace(sealId, '<seal>') };
    };
    const madeUp = await bind('sealNowhere');
    expect(madeUp).toMatchObject({ status: 409, error: 'binding_mismatch', message: expect.stringContaining('not recorded') as unknown });
    expect(await bind('sealA')).toEqual(madeUp);
    // The site's own custodian still hears why (their seal is locked in another device).
    const own = await running.server.call('POST', '/api/devices/devA/binding', {
      cookie: custodian.cookie, body: { sealId: 'sealA', sealKind: 'contract', minApprovals: 1, custodianId: custodian.userId, unitId: world.siteId },
    });
    expect(own.statusCode, own.body).toBe(200);
  }, 60_000);
});
