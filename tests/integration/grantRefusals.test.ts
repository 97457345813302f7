/**
 * Forged grants pushed through a real replica, as a tampered tablet would: the server judges each
 * with the shared grant rule against its own records and refuses it with its reason; the tablet
 * keeps the row, marked refused with that code; no other replica ever receives it. The genuine
 * grant of the same request goes through and reaches the approver's replica.
 * (The full table, judged by app, server and device side by side, is grantAgreement.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentId, grantBody, withContentId, type Decision, type Grant, type PhysicalSeal, type UseRequest } from '@seal/shared';
import { decision as signedDecision, deviceRecord, holdingSeal, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let approver: Person;
let outsider: Person;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  outsider = await world.person(world.otherBranchId, ['approver'], 'Approver elsewhere');
}, 60_000);
afterAll(async () => running?.close());

const physicalSeal = (id: string, deviceId: string): PhysicalSeal => ({
  id, name: '项目部合同章', kind: 'contract', form: 'physical', unitId: world.siteId, custodianId: custodian.userId,
  status: 'active', createdAt: 1_790_000_000_000, antiCounterfeitCode: '3301020012345', deviceId,
}) as unknown as PhysicalSeal;

const decide = async (who: Person, request: UseRequest, verdict: 'approve' | 'reject', at = 1_790_000_100_000): Promise<Decision> =>
  (await withContentId(await signedDecision(who, request, verdict, at))) as unknown as Decision;

async function grantOf(request: UseRequest, seal: PhysicalSeal, decisions: Decision[], edit: (g: Omit<Grant, 'id'>) => Omit<Grant, 'id'> = (g) => g): Promise<Grant> {
  const body = grantBody(request, seal, decisions);
  if (!body.ok) throw new Error(body.error.message);
  const edited = edit(body.value);
  return { ...edited, id: await contentId(edited) } as Grant;
}

const refusalOf = (replica: Replica, rowId: string) => replica.store.status.get().refusals.find((r) => r.id === rowId);

describe('forged grants pushed by a tablet', () => {
  it('are refused with the rule\'s code, kept marked on the tablet, and never reach another replica', async () => {
    const seal = physicalSeal('seal-grant-forge', 'dev-grant-forge');
    const custody = await replicas.open(custodian, 'custody');
    const tablet = await replicas.open(staff, 'tablet');
    const phone = await replicas.open(approver, 'phone');
    const { status: _status, ...sealRecord } = seal;
    await custody.store.records.create('device', await deviceRecord(seal.deviceId!, world.siteId) as never);
    await custody.store.records.create('seal', sealRecord, [], [holdingSeal(seal.deviceId!, seal.id)]);
    // The seal is on the server before anyone asks for it (a request names a recorded seal).
    await syncAll([custody]);
    const request = { ...useRequest('req-grant-forge', staff.userId, world.siteId, seal.id), place: { unitId: world.siteId, geofence: { lat: 31.23, lon: 121.47, radiusM: 300 } } } as UseRequest;
    const other = useRequest('req-grant-other', staff.userId, world.siteId, seal.id);
    await tablet.store.records.create('request', request);
    await tablet.store.records.create('request', other);
    await syncAll([custody, tablet, phone]);

    const approval = await decide(approver, request, 'approve');
    const rejection = await decide(approver, request, 'reject', 1_790_000_200_000);
    const forgeries: [string, Grant][] = [
      ['grant_holder_mismatch', await grantOf(request, seal, [approval], (g) => ({ ...g, holderId: custodian.userId as never }))],
      ['grant_terms_mismatch', await grantOf(request, seal, [approval], (g) => ({ ...g, uses: 50 }))],
      ['grant_terms_mismatch', await grantOf(request, seal, [approval], (g) => ({ ...g, window: { notBefore: g.window.notBefore, notAfter: g.window.notAfter + 30 * 86_400_000 } }))],
      ['grant_terms_mismatch', await grantOf(request, seal, [approval], (g) => ({ ...g, geofence: { lat: 39.9, lon: 116.4, radiusM: 50_000 } }))],
      ['grant_wrong_device', await grantOf(request, seal, [approval], (g) => ({ ...g, deviceId: 'dev-in-my-pocket' as never }))],
      ['grant_rejected', await grantOf(request, seal, [approval], (g) => ({ ...g, decisions: [approval, rejection].sort((a, b) => (a.id < b.id ? -1 : 1)) }))],
      ['grant_approver_not_entitled', await grantOf(request, seal, [await decide(outsider, request, 'approve')])],
      ['grant_terms_mismatch', await grantOf(request, seal, [approval], (g) => ({ ...g, requestId: other.id }))],
      ['grant_id_mismatch', await grantOf(request, seal, [approval], (g) => ({ ...g, decisions: [{ ...g.decisions[0]!, comment: 'edited after signing' }] }))],
    ];
    const rows: [string, string][] = [];
    for (const [code, grant] of forgeries) {
      const { row } = await tablet.store.facts.append('grant', grant, world.siteId);
      rows.push([code, row.id]);
    }
    await syncAll([tablet, phone]);
    for (const [code, rowId] of rows) expect(refusalOf(tablet, rowId), `${code} ${rowId}`).toMatchObject({ code, kind: 'grant' });

    // The genuine grant goes through and is the only one the approver's replica receives.
    const genuine = await grantOf(request, seal, [approval]);
    const { row } = await tablet.store.facts.append('grant', genuine, world.siteId);
    await syncAll([tablet, phone]);
    expect(refusalOf(tablet, row.id)).toBeUndefined();
    const pulled = (await phone.store.db.rows.find({ selector: { kind: 'grant' } }).exec()).map((d) => d.id);
    expect(pulled).toEqual([row.id]);
  }, 120_000);
});
