/**
 * The server looks up what a push needs for the whole batch at once (records, lifecycles, device
 * keys, the roster): a batch must still get exactly the verdicts its rows get pushed one at a
 * time — good and bad rows mixed, rows that only hold because an earlier row of the same batch
 * was accepted (a seal created, then moved; a device registered, then its log), and rows that
 * fail because an earlier row of the batch was refused. Two copies of one scenario (distinct
 * record ids), over HTTP to the real server: one pushed as one batch, one row by row.
 */
import * as Automerge from '@automerge/automerge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancellationId, fromBase64Url, toBase64Url, type PushResult, type RequestId, type SyncRow, type UserId } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { deviceWithLog, sealMove, sealRecord, useRequest } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { changeRowOf, creation, edit, factRowOf, outcomes, push } from './hostileClient';
import { serverRows } from './serverView';

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let otherSiteId: string;
let clock = 1_790_000_900_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  otherSiteId = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'Other site', 'site');
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
}, 60_000);
afterAll(async () => running?.close());

const move = (sealId: string, from: Parameters<typeof sealMove>[1], to: Parameters<typeof sealMove>[2], unitId = world.siteId, by = custodian) =>
  factRowOf(by, 'seal_status_change', sealMove(sealId, from, to, by.userId, 'custodian', tick()) as never, unitId);

/**
 * One scenario's rows, in push order, with the verdict each must get (the rule, written down
 * here: not read back from the server). Record ids carry `tag`, so two copies never meet.
 */
async function scenario(tag: string): Promise<{ rows: unknown[]; expected: string[] }> {
  const sealId = `seal-${tag}`;
  const seal = await creation(custodian, 'seal', sealRecord(sealId, world.siteId, custodian.userId));
  const renamed = await edit(custodian, 'seal', seal.doc, world.siteId, (d) => { d.name = '合同专用章（二）'; });
  const activate = await move(sealId, null, 'active');
  const activateAgain = await move(sealId, null, 'active');
  const suspend = await move(sealId, 'active', 'suspended');
  // A move of a seal whose creation comes later in the batch: judged before it, refused.
  const lateSealId = `seal-late-${tag}`;
  const lateMove = await move(lateSealId, null, 'active');
  const lateSeal = await creation(custodian, 'seal', sealRecord(lateSealId, world.siteId, custodian.userId));
  // A seal whose creation is refused (wrong unit for its record): its edit then lacks its base.
  const strayId = `seal-stray-${tag}`;
  const stray = await creation(custodian, 'seal', sealRecord(strayId, world.siteId, custodian.userId));
  const strayRow = { ...stray.row, scopeUnitId: otherSiteId };
  const strayEdit = await edit(custodian, 'seal', stray.doc, world.siteId, (d) => { d.name = 'never'; });
  // A device registered in the batch, then its signed log; one entry altered after signing.
  const device = await deviceWithLog(`dev-${tag}`, world.siteId, 4);
  const registered = await creation(custodian, 'device', device.record);
  const entries = await Promise.all(device.log.map((event) => factRowOf(custodian, 'device_event', event as never, world.siteId)));
  const tamperedRow = await factRowOf(custodian, 'device_event', { ...entries[3]!.body, payload: { percent: 1 } }, world.siteId);
  // A second device whose log arrives before its registration: unknown then.
  const early = await deviceWithLog(`dev-early-${tag}`, world.siteId, 1);
  const earlyEntry = await factRowOf(custodian, 'device_event', early.log[0] as never, world.siteId);
  const earlyRegistered = await creation(custodian, 'device', early.record);
  // Rows wrong in themselves.
  const forged = { ...(await move(`seal-forged-${tag}`, null, 'active')), author: staff.userId };
  const outside = await factRowOf(custodian, 'attachment', { sha256: tag.padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'a'), about: `seal:${sealId}`, mime: 'image/jpeg', size: 10, at: tick() }, otherSiteId);
  const photo = await factRowOf(custodian, 'attachment', { sha256: tag.padEnd(64, '1').slice(0, 64).replace(/[^0-9a-f]/g, 'b'), about: `seal:${sealId}`, mime: 'image/jpeg', size: 10, at: tick() }, world.siteId);
  const wrongId = { ...photo, id: `${photo.id.slice(0, -1)}${photo.id.endsWith('0') ? '1' : '0'}` };
  const request = await creation(custodian, 'request', useRequest(`req-${tag}`, custodian.userId, world.siteId, sealId));
  const at = tick();
  const cancelUnknown = await factRowOf(custodian, 'cancellation', { id: cancellationId(`req-none-${tag}` as RequestId, custodian.userId as UserId, at), requestId: `req-none-${tag}`, actorId: custodian.userId, reason: 'no such request', at }, world.siteId);
  const garbageChange = { ...seal.row, id: `${seal.row.id.slice(0, -4)}beef`, bytes: toBase64Url(fromBase64Url(seal.row.bytes).slice(0, 10)) };
  const notMine = changeRowOf(custodian, 'seal', sealId, world.siteId, Automerge.getLastLocalChange(Automerge.change(Automerge.clone(seal.doc, { actor: 'ab'.repeat(16) }), (d) => { d.name = 'x'; }))!);

  const cases: [unknown, string][] = [
    [activate, 'refused:unknown_record'],
    [seal.row, 'accepted'],
    [activateAgain, 'accepted'],
    [renamed.row, 'accepted'],
    [suspend, 'accepted'],
    [seal.row, 'duplicate'],
    [lateMove, 'refused:unknown_record'],
    [lateSeal.row, 'accepted'],
    [strayRow, 'refused:wrong_scope'],
    [strayEdit.row, 'refused:missing_dependency'],
    [entries[0], 'refused:unknown_record'],
    [registered.row, 'accepted'],
    [entries[0], 'accepted'],
    [entries[1], 'accepted'],
    [tamperedRow, 'refused:bad_signature'],
    [entries[2], 'accepted'],
    [earlyEntry, 'refused:unknown_record'],
    [earlyRegistered.row, 'accepted'],
    [forged, 'refused:forged_author'],
    [outside, 'refused:out_of_scope'],
    [photo, 'accepted'],
    [wrongId, 'refused:id_mismatch'],
    [request.row, 'refused:not_permitted'],
    [cancelUnknown, 'refused:unknown_record'],
    [garbageChange, 'refused:invalid_change'],
    [notMine, 'refused:forged_author'],
    [{ id: `junk-${tag}`, type: 'fact' }, 'refused:invalid_row'],
    // Ids no record carries, which validation refuses: never looked up (nor may they reach a query).
    [{ ...(await move(sealId, 'suspended', 'active')), body: { ...sealMove(sealId, 'suspended', 'active', custodian.userId, 'custodian', tick()), sealId: `../_all_docs?${tag}` } }, 'refused:invalid_row'],
    // The genuine entry under the id the altered one was refused under.
    [entries[3], 'accepted'],
  ];
  return { rows: cases.map(([row]) => row), expected: cases.map(([, verdict]) => verdict) };
}

describe('a batch is judged exactly as its rows one by one', () => {
  it('gives a mixed batch, with rows depending on earlier rows of it, the verdicts of pushing row by row', async () => {
    const together = await scenario('batch');
    const alone = await scenario('alone');
    const batched = outcomes(await push(running, custodian, together.rows));
    const oneByOne: PushResult[] = [];
    for (const row of alone.rows) oneByOne.push(...(await push(running, custodian, [row])));
    expect(batched).toEqual(together.expected);
    expect(outcomes(oneByOne)).toEqual(alone.expected);
    expect(batched).toEqual(outcomes(oneByOne));
    // The store holds what was accepted, and nothing only refused rows carried.
    const held = new Set((await serverRows(running.server)).map((row: SyncRow) => row.id));
    const idOf = (row: unknown) => (row as { id: string }).id;
    const acceptedIds = new Set(together.rows.filter((_, i) => together.expected[i] === 'accepted').map(idOf));
    for (const id of acceptedIds) expect(held.has(id), id).toBe(true);
    for (const id of together.rows.map(idOf).filter((id) => !acceptedIds.has(id))) expect(held.has(id), id).toBe(false);
  });
});
