/**
 * A request names a seal its requester may ask for: one recorded on the server (earlier, or
 * earlier in the same push), in a unit where the requester holds `request.create`
 * (`checkRequestSeal`, the rule the new-request form offers seals by). Staff of another branch
 * naming a site's seal are refused, and nothing of that seal is then on the public verification
 * page of their request: it does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processSheetCode, type RequestId } from '@seal/shared';
import { sealRecord, useRequest } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, edit, outcomes, push } from './hostileClient';

let running: RunningSync;
let world: World;
let siteCustodian: Person;
let branchCustodian: Person;

const verify = async (requestId: string) =>
  running.server.call('GET', `/api/verify/${encodeURIComponent(processSheetCode(requestId as RequestId))}`);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  siteCustodian = await world.person(world.siteId, ['custodian'], 'Site custodian');
  branchCustodian = await world.person(world.branchId, ['custodian'], 'Branch custodian');
  const siteSeal = await creation(siteCustodian, 'seal', sealRecord('seal-scope-site', world.siteId, siteCustodian.userId, '项目部合同章'));
  const branchSeal = await creation(branchCustodian, 'seal', sealRecord('seal-scope-branch', world.branchId, branchCustodian.userId, '分公司合同章'));
  expect(outcomes(await push(running, siteCustodian, [siteSeal.row]))).toEqual(['accepted']);
  expect(outcomes(await push(running, branchCustodian, [branchSeal.row]))).toEqual(['accepted']);
}, 60_000);
afterAll(async () => running?.close());

describe("a request naming another unit's seal", () => {
  it('is refused as a seal nobody recorded (the same code and words), and its code verifies nothing', async () => {
    const outsider = await world.person(world.otherBranchId, ['staff'], 'Staff elsewhere');
    const request = await creation(outsider, 'request', useRequest('req-scope-foreign', outsider.userId, world.otherBranchId, 'seal-scope-site'));
    const foreign = await push(running, outsider, [request.row]);
    expect(outcomes(foreign)).toEqual(['refused:unknown_record']);
    const answer = await verify('req-scope-foreign');
    expect(answer.statusCode, answer.body).toBe(404);
    expect(answer.body).not.toContain('项目部合同章');
    // A seal nobody recorded: refused too, as a record it refers to that is not on the server.
    const madeUp = await creation(outsider, 'request', useRequest('req-scope-nowhere', outsider.userId, world.otherBranchId, 'seal-scope-nowhere'));
    const nowhere = await push(running, outsider, [madeUp.row]);
    expect(outcomes(nowhere)).toEqual(['refused:unknown_record']);
    // Nothing tells the existing seal from the made-up one: not its unit, not the words.
    const words = (results: typeof foreign, sealId: string) => JSON.stringify({ ...results[0], id: undefined }).replaceAll(sealId, 'SEAL');
    expect(words(foreign, 'seal-scope-site')).toBe(words(nowhere, 'seal-scope-nowhere'));
    expect(JSON.stringify(foreign)).not.toContain(world.siteId);
  }, 60_000);

  it('is refused when an own request is edited to name it', async () => {
    const keeper = await world.person(world.otherBranchId, ['custodian', 'staff'], 'Keeper and staff elsewhere');
    const own = await creation(keeper, 'seal', sealRecord('seal-scope-other', world.otherBranchId, keeper.userId));
    const request = await creation(keeper, 'request', useRequest('req-scope-switch', keeper.userId, world.otherBranchId, 'seal-scope-other'));
    expect(outcomes(await push(running, keeper, [own.row, request.row]))).toEqual(['accepted', 'accepted']);
    const switched = await edit(keeper, 'request', request.doc, world.otherBranchId, (d) => { d.sealId = 'seal-scope-site'; });
    expect(outcomes(await push(running, keeper, [switched.row]))).toEqual(['refused:unknown_record']);
    expect((await verify('req-scope-switch')).body).not.toContain('项目部合同章');
  }, 60_000);
});

describe('a request naming a seal the requester may ask for', () => {
  it("is accepted from the seal's own site, and verifies", async () => {
    const staff = await world.person(world.siteId, ['staff'], 'Site staff');
    const request = await creation(staff, 'request', useRequest('req-scope-own', staff.userId, world.siteId, 'seal-scope-site'));
    expect(outcomes(await push(running, staff, [request.row]))).toEqual(['accepted']);
    const answer = await verify('req-scope-own');
    expect(answer.statusCode, answer.body).toBe(200);
  }, 60_000);

  it("is accepted filed in a site for its branch's seal, and in the branch for the site's seal, by the branch's staff", async () => {
    const staff = await world.person(world.branchId, ['staff'], 'Branch staff');
    const inSite = await creation(staff, 'request', useRequest('req-scope-up', staff.userId, world.siteId, 'seal-scope-branch'));
    const inBranch = await creation(staff, 'request', useRequest('req-scope-down', staff.userId, world.branchId, 'seal-scope-site'));
    expect(outcomes(await push(running, staff, [inSite.row, inBranch.row]))).toEqual(['accepted', 'accepted']);
  }, 60_000);

  it('is accepted in the same push as the seal it names, made offline just before', async () => {
    const keeper = await world.person(world.siteId, ['custodian', 'staff'], 'Site keeper and staff');
    const seal = await creation(keeper, 'seal', sealRecord('seal-scope-offline', world.siteId, keeper.userId));
    const request = await creation(keeper, 'request', useRequest('req-scope-offline', keeper.userId, world.siteId, 'seal-scope-offline'));
    expect(outcomes(await push(running, keeper, [seal.row, request.row]))).toEqual(['accepted', 'accepted']);
  }, 60_000);
});
