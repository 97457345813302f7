/**
 * No route tells a caller whether an id exists in a unit they may not see. An auditor or custodian
 * of another branch asking of the site's request, seal or device — by id, on the evidence and
 * bundle routes, on the binding route, or through their own device's log naming the site's
 * request — gets exactly what a made-up id gets them: the same status, error code and message
 * (the id aside), naming no unit and saying nothing of scope. The site's own people still get the
 * real answers. A caller holding none of a route's roles is refused the same way whatever the id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainedLog, deviceWithLog, useRequest } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, outcomes, push } from './hostileClient';

let running: RunningSync;
let world: World;
let siteCustodian: Person;
let siteAuditor: Person;
let otherAuditor: Person;
let otherCustodian: Person;
let staff: Person;
let otherAdmin: Person;

const physical = (id: string, unitId: string, custodianId: string, deviceId: string) =>
  ({ id, name: '合同专用章', kind: 'contract', unitId, custodianId, createdAt: 1_790_000_000_000, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId });

/** A device registered in `unitId` holding a physical seal of that unit, and its signed log of `bodies`, all pushed by `custodian`. */
async function sealInDevice(custodian: Person, unitId: string, deviceId: string, sealId: string, bodies: readonly { type: string; payload: unknown }[]): Promise<void> {
  const { record, privateKey } = await deviceWithLog(deviceId, unitId, 0);
  const device = await creation(custodian, 'device', record);
  const seal = await creation(custodian, 'seal', physical(sealId, unitId, custodian.userId, deviceId));
  const bound = await edit(custodian, 'device', device.doc, unitId, (d) => { d.state = 'bound'; d.sealId = sealId; });
  expect(outcomes(await push(running, custodian, [device.row, seal.row, bound.row]))).toEqual(['accepted', 'accepted', 'accepted']);
  const log = await chainedLog(privateKey, deviceId, bodies);
  const pushed = await push(running, custodian, await Promise.all(log.map((e) => factRowOf(custodian, 'device_event', e as never, unitId))));
  expect(outcomes(pushed), JSON.stringify(pushed)).toEqual(log.map(() => 'accepted'));
}

const stamp = (requestId: string | null) => ({ type: 'stamp', payload: { requestId, grantId: null, useIndex: 1, photoSha256: null } });
const BOOT = { type: 'boot', payload: { firmware: '1.0.0' } };
/** A request id nobody recorded, named by the other branch's own device log. */
const GHOST_REQUEST = randomUUID();

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  siteCustodian = await world.person(world.siteId, ['custodian'], 'Site custodian');
  siteAuditor = await world.person(world.siteId, ['auditor'], 'Site auditor');
  staff = await world.person(world.siteId, ['staff'], 'Site staff');
  otherAuditor = await world.person(world.otherBranchId, ['auditor'], 'Other auditor');
  otherCustodian = await world.person(world.otherBranchId, ['custodian'], 'Other custodian');
  otherAdmin = await world.person(world.otherBranchId, ['admin'], 'Other admin');
  // The site: a seal locked in its device, a request for it, and the device's stamp under it.
  await sealInDevice(siteCustodian, world.siteId, 'devSite', 'sealSite', [BOOT]);
  expect(outcomes(await push(running, staff, [(await creation(staff, 'request', useRequest('reqSite', staff.userId, world.siteId, 'sealSite'))).row]))).toEqual(['accepted']);
  // The other branch: its own seal and device, whose log names the site's request and a made-up one.
  await sealInDevice(otherCustodian, world.otherBranchId, 'devOther', 'sealOther', [BOOT, stamp('reqSite'), stamp(GHOST_REQUEST)]);
}, 60_000);
afterAll(async () => running?.close());

interface Answer { readonly status: number; readonly error: string; readonly message: string }

/** The answer to `method path` as `person`, with `id` in its message replaced (the only part allowed to differ). */
async function answer(person: Person, method: 'GET' | 'POST', path: string, id: string, body?: unknown): Promise<Answer & { body: string }> {
  const response = await running.server.call(method, path, { cookie: person.cookie, ...(body === undefined ? {} : { body }) });
  const { error, message } = response.json<{ error?: string; message?: string }>();
  return { status: response.statusCode, error: error ?? '', message: (message ?? '').replaceAll(id, '<id>'), body: response.body };
}

/** What a made-up id and a real one of the site answer `person`: equal, a refusal that names neither the site's units nor scope. */
async function expectNoOracle(person: Person, method: 'GET' | 'POST', path: (id: string) => string, realId: string, expected: Omit<Answer, 'message'>, body?: unknown): Promise<void> {
  const madeUpId = randomUUID();
  const { body: madeUpBody, ...madeUp } = await answer(person, method, path(madeUpId), madeUpId, body);
  const { body: realBody, ...real } = await answer(person, method, path(realId), realId, body);
  expect(madeUp, path(madeUpId)).toMatchObject(expected);
  expect(real, path(realId)).toEqual(madeUp);
  for (const text of [madeUpBody, realBody]) {
    expect(text).not.toMatch(/forbidden|scope/i);
    for (const unitId of [world.siteId, world.branchId]) expect(text).not.toContain(unitId);
  }
}

describe("another unit's ids, asked by id", () => {
  it('answers an outsider the 404 of a made-up request on the request evidence and bundle routes; the site auditor the real answer', async () => {
    for (const route of ['/api/hq/evidence/requests', '/api/hq/bundles/requests']) {
      await expectNoOracle(otherAuditor, 'GET', (id) => `${route}/${id}`, 'reqSite', { status: 404, error: 'not_found' });
      // In scope: the request is there, its evidence incomplete (no binding was ever signed for the seal).
      expect(await answer(siteAuditor, 'GET', `${route}/reqSite`, 'reqSite'), route).toMatchObject({ status: 409, error: 'evidence_incomplete' });
    }
  }, 60_000);

  it("answers an outsider the 404 of a made-up seal on the seal's ledger; the site auditor the ledger", async () => {
    await expectNoOracle(otherAuditor, 'GET', (id) => `/api/hq/evidence/seals/${id}`, 'sealSite', { status: 404, error: 'not_found' });
    const ledger = await running.server.call('GET', '/api/hq/evidence/seals/sealSite', { cookie: siteAuditor.cookie });
    expect(ledger.statusCode, ledger.body).toBe(200);
    expect(ledger.json()).toMatchObject({ sealId: 'sealSite', deviceId: 'devSite' });
  }, 60_000);

  it("refuses a binding of another unit's device as one of a device nobody registered; the site's custodian gets it", async () => {
    const body = { sealId: 'sealOther', sealKind: 'contract', minApprovals: 1, custodianId: otherCustodian.userId, unitId: world.otherBranchId };
    await expectNoOracle(otherCustodian, 'POST', (id) => `/api/devices/${id}/binding`, 'devSite', { status: 409, error: 'binding_mismatch' }, body);
    const own = await running.server.call('POST', '/api/devices/devSite/binding', {
      cookie: siteCustodian.cookie, body: { sealId: 'sealSite', sealKind: 'contract', minApprovals: 1, custodianId: siteCustodian.userId, unitId: world.siteId },
    });
    expect(own.statusCode, own.body).toBe(200);
  }, 60_000);

  it('refuses a caller holding none of the roles with one 403, whatever the id', async () => {
    const same = async (route: string, realId: string) => {
      const madeUpId = randomUUID();
      const { body: _m, ...madeUp } = await answer(staff, 'GET', `${route}/${madeUpId}`, madeUpId);
      const { body: _r, ...real } = await answer(staff, 'GET', `${route}/${realId}`, realId);
      expect(real, route).toEqual(madeUp);
      expect(real, route).toMatchObject({ status: 403, error: 'forbidden' });
    };
    for (const route of ['/api/hq/evidence/requests', '/api/hq/bundles/requests']) await same(route, 'reqSite');
    await same('/api/hq/evidence/seals', 'sealSite');
  }, 60_000);
});

describe("another unit's request, named by the caller's own device log", () => {
  it("shows it in their seal's ledger as a request nobody recorded", async () => {
    const ledger = await running.server.call('GET', '/api/hq/evidence/seals/sealOther', { cookie: otherCustodian.cookie });
    expect(ledger.statusCode, ledger.body).toBe(200);
    const requests = ledger.json<{ requests: { requestId: string }[] }>().requests;
    const site = requests.find((r) => r.requestId === 'reqSite');
    const ghost = requests.find((r) => r.requestId === GHOST_REQUEST);
    expect(ghost).toMatchObject({ valid: false, failed: ['records.request'] });
    expect(JSON.parse(JSON.stringify(site).replaceAll('reqSite', '<id>'))).toEqual(JSON.parse(JSON.stringify(ghost).replaceAll(GHOST_REQUEST, '<id>')));
    for (const unitId of [world.siteId, world.branchId]) expect(ledger.body).not.toContain(unitId);
  }, 60_000);

  it('answers their stamp under it as one under a request nobody recorded', async () => {
    for (const route of ['/api/hq/evidence/stamps', '/api/hq/bundles/stamps']) {
      const person = route.includes('bundles') ? otherAdmin : otherCustodian;
      const { body: ghostBody, ...ghost } = await answer(person, 'GET', `${route}/devOther:2`, GHOST_REQUEST);
      const { body: siteBody, ...site } = await answer(person, 'GET', `${route}/devOther:1`, 'reqSite');
      expect(ghost, route).toMatchObject({ status: 409, error: 'evidence_incomplete' });
      expect({ ...site, message: site.message.replace('devOther:1', 'devOther:N') }, route).toEqual({ ...ghost, message: ghost.message.replace('devOther:2', 'devOther:N') });
      for (const text of [ghostBody, siteBody]) expect(text).not.toMatch(/forbidden|scope/i);
    }
  }, 60_000);
});
