/**
 * Approval routes answered for above a branch administrator's reach (ADR 009), at the real
 * server over HTTP — a hostile reviewer's finds after routes first recorded who answers for them:
 * - a route HQ set before owners were recorded was the branch's to loosen or remove;
 * - a branch route set before HQ's route on the same unit (its id sorting first) stayed in force;
 * - moving a site out from under a unit where HQ set a route took its seals out of that route.
 * What a governance request records as its route (`routeInForce`) is what counts: it must ask at
 * least what HQ's routes on the chain ask. And the route list says which routes the person may change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GovernanceRequest } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';
import { personCall, type JsonAnswer } from './httpWorld';

let running: RunningSync;
let world: World;
let branchAdmin: Person;
let custodian: Person;
let clock = 1_790_200_000_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  branchAdmin = await world.person(world.branchId, ['admin'], 'Branch admin 分公司管理员');
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
}, 60_000);
afterAll(async () => running?.close());

type Answer = JsonAnswer;
const call = (person: Person, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Answer> => personCall(running.url, running.server.config.origins[0]!, person, method, path, body);
const put = (who: Person, id: string, unitId: string, count: number) => call(who, 'PUT', `/api/approval-routes/${id}`, { sealKind: 'official', unitId, purpose: 'suspend', steps: [{ count }] });

/** An active 公章 at `unitId`, kept by the custodian. */
async function activeOfficialSeal(id: string, unitId: string, keeper: Person = custodian): Promise<void> {
  const made = await creation(keeper, 'seal', { id, name: id, kind: 'official', unitId, custodianId: keeper.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
  const first = await factRowOf(keeper, 'seal_status_change', sealMove(id, null, 'active', keeper.userId, 'custodian', tick()) as never, unitId);
  expect(outcomes(await push(running, keeper, [made.row, first]))).toEqual(['accepted', 'accepted']);
}

/** The approvals a suspension of the seal asks, as the request records its route (then withdrawn by removing nothing: each test uses its own seal). */
async function suspensionAsks(sealId: string): Promise<number> {
  const asked = await call(world.admin, 'POST', `/api/seals/${sealId}/governance-requests`, { action: 'suspend', reason: '检查 check' });
  expect(asked.status, JSON.stringify(asked.json)).toBe(201);
  return (asked.json.request as GovernanceRequest).route.minApprovals;
}

async function clearRoutes(): Promise<void> {
  const listed = (await call(world.admin, 'GET', '/api/approval-routes')).json.routes as { id: string }[];
  for (const route of listed) expect((await call(world.admin, 'DELETE', `/api/approval-routes/${route.id}`)).status).toBe(204);
}

describe('routes set above a branch administrator\'s reach', () => {
  it('keep holding when the branch set a looser one on the same unit first', async () => {
    expect((await put(branchAdmin, '0-branch', world.branchId, 3)).status).toBe(200);
    expect((await put(world.admin, 'zz-hq', world.branchId, 4)).status).toBe(200);
    await activeOfficialSeal('seal-own-1', world.siteId);
    expect(await suspensionAsks('seal-own-1')).toBe(4);
    // The list tells the branch administrator which are theirs to change.
    const listed = await call(branchAdmin, 'GET', '/api/approval-routes');
    expect(listed.json.managed).toEqual(['0-branch']);
    expect((await call(world.admin, 'GET', '/api/approval-routes')).json.managed).toEqual(['0-branch', 'zz-hq']);
    await clearRoutes();
  });

  it('are HQ\'s when set before owners were recorded: not the branch\'s to loosen or remove', async () => {
    // Written as a PUT wrote it before stop 50: no owner.
    await running.server.store.couch.use(running.server.store.dbName('governance')).insert({
      _id: 'route:hq-legacy', type: 'approval-route', id: 'hq-legacy', sealKind: 'official', unitId: world.branchId, purpose: 'suspend', steps: [{ count: 4 }], updatedAt: 1_790_000_000_000,
    } as never);
    const loosened = await put(branchAdmin, 'hq-legacy', world.branchId, 2);
    expect([loosened.status, loosened.json.error]).toEqual([403, 'forbidden']);
    expect((await call(branchAdmin, 'DELETE', '/api/approval-routes/hq-legacy')).status).toBe(403);
    const beside = await put(branchAdmin, 'a-branch', world.branchId, 2);
    expect([beside.status, beside.json.error]).toEqual([422, 'route_below_floor']);
    await activeOfficialSeal('seal-own-2', world.siteId);
    expect(await suspensionAsks('seal-own-2')).toBe(4);
    expect((await call(world.admin, 'PUT', '/api/approval-routes/hq-legacy', { sealKind: 'official', unitId: world.branchId, purpose: 'suspend', steps: [{ count: 2 }] })).status).toBe(200);
    await clearRoutes();
  });

  it('go with the units below them: a branch administrator may not move a site out from under HQ\'s route; HQ may', async () => {
    const area = await createUnit(running.server, world.admin.cookie, world.branchId, 'Area 片区');
    const site = await createUnit(running.server, world.admin.cookie, area, 'Area site 片区项目部', 'site');
    expect((await put(world.admin, 'hq-area', area, 4)).status).toBe(200);
    await activeOfficialSeal('seal-own-3', site, await world.person(site, ['custodian'], 'Area keeper 片区保管员'));
    expect(await suspensionAsks('seal-own-3')).toBe(4);
    const moved = await call(branchAdmin, 'POST', `/api/units/${site}/move`, { parentId: world.branchId });
    expect([moved.status, moved.json.error]).toEqual([409, 'route_left_behind']);
    // Moves that keep the route, or made by HQ, go through.
    const sibling = await createUnit(running.server, world.admin.cookie, area, 'Area site two', 'site');
    expect((await call(branchAdmin, 'POST', `/api/units/${sibling}/move`, { parentId: world.branchId })).status).toBe(409);
    expect((await call(world.admin, 'POST', `/api/units/${sibling}/move`, { parentId: world.branchId })).status).toBe(200);
    expect((await call(branchAdmin, 'POST', `/api/units/${sibling}/move`, { parentId: area })).status).toBe(200);
    await clearRoutes();
    expect((await call(branchAdmin, 'POST', `/api/units/${site}/move`, { parentId: world.branchId })).status).toBe(200);
  });

  it('leave HQ free to set a looser route below itself, and the branch its own above the default', async () => {
    expect((await put(world.admin, 'hq-site-loose', world.siteId, 1)).status).toBe(200);
    await activeOfficialSeal('seal-own-4', world.siteId);
    expect(await suspensionAsks('seal-own-4')).toBe(1);
    await clearRoutes();
    expect((await put(branchAdmin, 'b-site', world.siteId, 3)).status).toBe(200);
    await activeOfficialSeal('seal-own-5', world.siteId);
    expect(await suspensionAsks('seal-own-5')).toBe(3);
    await clearRoutes();
  });
});
