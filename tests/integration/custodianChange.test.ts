/**
 * Who a seal record names as its custodian, pushed as Automerge changes by a hostile client
 * against the real server. Separation of duties hangs on that name (a seal's custodian is never
 * its only approver and never declares their own lost seal found), so a record made, or an edit
 * that changes it, must name an active custodian of the seal's unit (`judgeSealCustodian`, the
 * rule a `change_custodian` governance request is held to), and a custodian never hands their own
 * seal away by an edit. Shown as the tester ran it: a keeper who also approves renaming the
 * custodian to a made-up user and then approving a suspension, or a use of their seal, alone; an
 * administrator who keeps a seal declaring it found. Then what still works: another custodian or
 * an administrator handing the seal over, to someone who may keep it. And an approved
 * `change_custodian` request is judged by the same rule again when the server carries it out: the
 * person it names may have lost the role, left or moved units while it was reviewed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  electronicGrantBody, factRowId, governanceDecisionPayload, subjectOf, withContentId,
  type Decision, type ElectronicGrant, type GovernanceRequest, type UseRequest,
} from '@seal/shared';
import { decision, sealMove, useRequest } from './fixtures';
import { changeGrant, setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, outcomes, push } from './hostileClient';
import { personCall, type JsonAnswer } from './httpWorld';
import { serverProjections, serverRows } from './serverView';
import type * as Automerge from '@automerge/automerge';

const GHOST = 'usr_ghostghostghost';

let running: RunningSync;
let world: World;
let keeper: Person;
let custodian: Person;
let colleague: Person;
let chief: Person;
let siteHead: Person;
let staff: Person;
let elsewhere: Person;
let clock = 1_790_100_000_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  keeper = await world.person(world.siteId, ['custodian', 'approver'], 'Keeper who approves');
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  colleague = await world.person(world.siteId, ['custodian'], 'Colleague 保管员');
  chief = await world.person(world.siteId, ['admin', 'custodian'], 'Site admin who keeps seals');
  siteHead = await world.person(world.siteId, ['approver'], 'Head of site 项目经理');
  staff = await world.person(world.siteId, ['staff'], 'Staff 经办人');
  elsewhere = await world.person(world.otherBranchId, ['custodian'], 'Custodian of another branch');
}, 60_000);
afterAll(async () => running?.close());

type Answer = JsonAnswer;
const call = (person: Person, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Answer> => personCall(running.url, running.server.config.origins[0]!, person, method, path, body);

type Doc = Automerge.Doc<Record<string, unknown>>;

/** An active electronic seal on the server, made and kept by `k`. */
async function activeSeal(id: string, kind: 'official' | 'contract' | 'invoice', k: Person): Promise<Doc> {
  const made = await creation(k, 'seal', { id, name: id, kind, unitId: world.siteId, custodianId: k.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
  const first = await factRowOf(k, 'seal_status_change', sealMove(id, null, 'active', k.userId, 'custodian', tick()) as never, world.siteId);
  expect(outcomes(await push(running, k, [made.row, first]))).toEqual(['accepted', 'accepted']);
  return made.doc;
}

/** The pushed edit of the seal's custodian, by `person`, on top of `doc`. */
const handOver = (person: Person, doc: Doc, custodianId: string) => edit(person, 'seal', doc, world.siteId, (d) => { d.custodianId = custodianId; });

/** The custodian the seal's record names, as the server's stored changes merge it. */
async function custodianOf(sealId: string): Promise<unknown> {
  const projection = serverProjections(await serverRows(running.server)).find((p) => p.id === `seal:${sealId}`) as { record?: Record<string, unknown> } | undefined;
  return projection?.record?.custodianId;
}

async function setRoute(id: string, sealKind: string, purpose: string): Promise<void> {
  expect((await call(world.admin, 'PUT', `/api/approval-routes/${id}`, { sealKind, unitId: world.siteId, purpose, steps: [{ count: 1 }] })).status).toBe(200);
}

describe('a seal\'s custodian cannot be renamed away to escape separation of duties', () => {
  it('a keeper who approves cannot name a made-up or another custodian and then approve a suspension of their seal alone', async () => {
    await setRoute('custodian-suspend', 'official', 'suspend');
    const doc = await activeSeal('s-keeper', 'official', keeper);
    const asked = await call(custodian, 'POST', '/api/seals/s-keeper/governance-requests', { action: 'suspend', reason: 'Quarterly audit 季度检查' });
    expect(asked.status).toBe(201);
    const ghost = await handOver(keeper, doc, GHOST);
    const toColleague = await handOver(keeper, doc, colleague.userId);
    expect(outcomes(await push(running, keeper, [ghost.row, toColleague.row]))).toEqual(['refused:invalid_record', 'refused:seal_custodian_excluded']);
    expect(await custodianOf('s-keeper')).toBe(keeper.userId);
    // The keeper's approval counts, but the seal's custodian never carries a move alone.
    const request = asked.json.request as GovernanceRequest;
    const payload = governanceDecisionPayload(request, 'approve');
    const decided = await call(keeper, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload, assertion: await keeper.authenticator.signRecord(payload, keeper.credentialId) });
    expect([decided.status, (decided.json.request as GovernanceRequest).state, decided.json.seal]).toEqual([200, 'pending', expect.objectContaining({ status: 'active' })]);
  });

  it('a keeper who approves cannot become the only approver of a use of their seal (the grant stays refused)', async () => {
    const doc = await activeSeal('s-keeper-use', 'contract', keeper);
    const now = Date.now();
    const request: UseRequest = { ...useRequest('req-keeper-use', staff.userId, world.siteId, 's-keeper-use'), window: { notBefore: now - 3_600_000, notAfter: now + 86_400_000 }, createdAt: now - 3_600_000 };
    const filed = await creation(staff, 'request', request);
    expect(outcomes(await push(running, staff, [filed.row]))).toEqual(['accepted']);
    const approval = await factRowOf(keeper, 'decision', await decision(keeper, request, 'approve', now - 60_000) as never, world.siteId);
    expect(outcomes(await push(running, keeper, [approval]))).toEqual(['accepted']);
    const body = electronicGrantBody(request, { id: 's-keeper-use' as never, form: 'electronic' }, [approval.body as unknown as Decision]);
    if (!body.ok) throw new Error(body.error.message);
    const grant = (await withContentId(body.value)) as ElectronicGrant;
    const grantRow = { id: factRowId('electronic_grant', grant.id), type: 'fact', kind: 'electronic_grant', subject: subjectOf('request', request.id), scopeUnitId: world.siteId, author: staff.userId, createdAt: now, body: grant };
    expect(outcomes(await push(running, staff, [grantRow]))).toEqual(['refused:grant_insufficient_approvals']);
    expect(outcomes(await push(running, keeper, [(await handOver(keeper, doc, GHOST)).row]))).toEqual(['refused:invalid_record']);
    expect(outcomes(await push(running, staff, [grantRow]))).toEqual(['refused:grant_insufficient_approvals']);
  });

  it('an administrator who keeps a seal cannot rename the custodian away and declare their own lost seal found', async () => {
    const doc = await activeSeal('s-chief', 'contract', chief);
    const lost = await factRowOf(chief, 'seal_status_change', sealMove('s-chief', 'active', 'lost', chief.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, chief, [lost]))).toEqual(['accepted']);
    const ghost = await handOver(chief, doc, GHOST);
    const toColleague = await handOver(chief, doc, colleague.userId);
    expect(outcomes(await push(running, chief, [ghost.row, toColleague.row]))).toEqual(['refused:invalid_record', 'refused:seal_custodian_excluded']);
    const found = await factRowOf(chief, 'seal_status_change', sealMove('s-chief', 'lost', 'active', chief.userId, 'admin', tick()) as never, world.siteId);
    expect(outcomes(await push(running, chief, [found]))).toEqual(['refused:seal_custodian_excluded']);
  });

  it('refuses naming, as the new custodian, anyone who may not keep seals of the unit: unknown, not a custodian, another branch\'s, or one whose role was taken away', async () => {
    const doc = await activeSeal('s-named', 'contract', custodian);
    const formerly = await world.person(world.siteId, ['custodian'], 'Former custodian');
    await changeGrant(running.server, world.admin, formerly, 'revoke', 'custodian', world.siteId);
    const edits = [
      await handOver(world.admin, doc, GHOST),
      await handOver(world.admin, doc, siteHead.userId),
      await handOver(world.admin, doc, elsewhere.userId),
      await handOver(world.admin, doc, formerly.userId),
    ];
    expect(outcomes(await push(running, world.admin, edits.map((e) => e.row)))).toEqual(Array(4).fill('refused:invalid_record'));
    expect(await custodianOf('s-named')).toBe(custodian.userId);
  });

  it('refuses a seal made naming someone else who may not keep it, or made by a custodian for a colleague; one kept by its maker, or made for a custodian by an administrator, is taken', async () => {
    const record = (id: string, custodianId: string) => ({ id, name: id, kind: 'contract', unitId: world.siteId, custodianId, createdAt: 1_790_000_000_000, form: 'electronic' });
    const made = [
      await creation(keeper, 'seal', record('s-made-ghost', GHOST)),
      await creation(keeper, 'seal', record('s-made-approver', siteHead.userId)),
      await creation(keeper, 'seal', record('s-made-admin', world.admin.userId)),
      await creation(keeper, 'seal', record('s-made-elsewhere', elsewhere.userId)),
      await creation(keeper, 'seal', record('s-made-colleague', colleague.userId)),
    ];
    expect(outcomes(await push(running, keeper, made.map((m) => m.row)))).toEqual(['refused:invalid_record', 'refused:invalid_record', 'refused:invalid_record', 'refused:invalid_record', 'refused:seal_custodian_excluded']);
    const forColleague = await creation(world.admin, 'seal', record('s-made-for-colleague', colleague.userId));
    expect(outcomes(await push(running, world.admin, [forColleague.row]))).toEqual(['accepted']);
    // An administrator keeping the seal they make: naming oneself frees nobody (an administrator never approves).
    const kept = await creation(world.admin, 'seal', record('s-made-by-admin', world.admin.userId));
    expect(outcomes(await push(running, world.admin, [kept.row]))).toEqual(['accepted']);
  });
});

describe('handing a seal over, as the app does it, still works', () => {
  it('an administrator, or a third custodian of the unit, hands a seal to someone who may keep it; nobody takes one over themselves; other edits by its custodian pass', async () => {
    const doc = await activeSeal('s-handed', 'contract', keeper);
    const coded = await edit(keeper, 'seal', doc, world.siteId, (d) => { d.name = '项目部合同专用章'; });
    expect(outcomes(await push(running, keeper, [coded.row]))).toEqual(['accepted']);
    const byAdmin = await handOver(world.admin, coded.doc, custodian.userId);
    expect(outcomes(await push(running, world.admin, [byAdmin.row]))).toEqual(['accepted']);
    expect(await custodianOf('s-handed')).toBe(custodian.userId);
    // The colleague may not take it over themselves (that would free its keeper without their say);
    // a third person (the colleague, for the former keeper) hands it on.
    const taken = await handOver(colleague, byAdmin.doc, colleague.userId);
    expect(outcomes(await push(running, colleague, [taken.row]))).toEqual(['refused:seal_custodian_excluded']);
    const back = await handOver(colleague, byAdmin.doc, keeper.userId);
    expect(outcomes(await push(running, colleague, [back.row]))).toEqual(['accepted']);
    expect(await custodianOf('s-handed')).toBe(keeper.userId);
  });
});

describe('an approved change of custodian is judged again when the server carries it out', () => {
  /** A change of an invoice seal's custodian to `to`, asked by an administrator under a one-approver route. */
  async function askHandOver(sealId: string, to: Person): Promise<GovernanceRequest> {
    await setRoute('invoice-change-custodian', 'invoice', 'change_custodian');
    await activeSeal(sealId, 'invoice', custodian);
    const asked = await call(world.admin, 'POST', `/api/seals/${sealId}/governance-requests`, { action: 'change_custodian', reason: 'Rotation 轮岗', proposal: { custodianId: to.userId } });
    expect(asked.status).toBe(201);
    return asked.json.request as GovernanceRequest;
  }

  async function approve(request: GovernanceRequest): Promise<Answer> {
    const payload = governanceDecisionPayload(request, 'approve');
    return call(siteHead, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload, assertion: await siteHead.authenticator.signRecord(payload, siteHead.credentialId) });
  }

  async function auditOf(action: string, sealId: string): Promise<Record<string, unknown>[]> {
    const page = await call(world.admin, 'GET', '/api/audit?limit=500');
    return (page.json.records as { action: string; target: { id: string }; after: Record<string, unknown> }[]).filter((r) => r.action === action && r.target.id === sealId).map((r) => r.after);
  }

  const cases: [string, (person: Person) => Promise<void>, RegExp][] = [
    ['lost the custodian role', (person) => changeGrant(running.server, world.admin, person, 'revoke', 'custodian', world.siteId), /someone without the custodian role over the unit/],
    ['left (deactivated)', async (person) => expect((await call(world.admin, 'POST', `/api/users/${person.userId}/deactivate`)).status).toBe(200), /a deactivated user/],
    ['moved to another branch', async (person) => {
      await changeGrant(running.server, world.admin, person, 'grant', 'custodian', world.otherBranchId);
      await changeGrant(running.server, world.admin, person, 'revoke', 'custodian', world.siteId);
    }, /someone without the custodian role over the unit/],
  ];
  for (const [i, [what, meanwhile, who]] of cases.entries()) {
    it(`refuses to hand the seal to someone who ${what} since it was asked (not_a_custodian, audited); the seal keeps its custodian`, async () => {
      const successor = await world.person(world.siteId, ['custodian'], `Successor ${i}`);
      const request = await askHandOver(`s-handover-${i}`, successor);
      await meanwhile(successor);
      const decided = await approve(request);
      expect([decided.status, (decided.json.request as GovernanceRequest).state, (decided.json.request as GovernanceRequest).appliedChangeId]).toEqual([200, 'failed', undefined]);
      expect(await custodianOf(`s-handover-${i}`)).toBe(custodian.userId);
      const failed = await auditOf('seal_governance.apply_failed', `s-handover-${i}`);
      expect(failed.map((f) => [f.requestId, f.code])).toEqual([[request.id, 'not_a_custodian']]);
      expect(failed[0]!.message).toMatch(who);
      expect(await auditOf('seal_governance.apply', `s-handover-${i}`)).toEqual([]);
    });
  }

  it('carries out no rename or change of custodian whose requester may no longer edit the seal (not_permitted, audited)', async () => {
    await setRoute('invoice-rename', 'invoice', 'rename');
    for (const [i, action] of (['rename', 'change_custodian'] as const).entries()) {
      const sealId = `s-asker-left-${i}`;
      await activeSeal(sealId, 'invoice', custodian);
      const asker = await world.person(world.siteId, ['admin'], `Site admin who asks ${i}`);
      const proposal = action === 'rename' ? { name: '改过的名字' } : { custodianId: colleague.userId };
      const asked = await call(asker, 'POST', `/api/seals/${sealId}/governance-requests`, { action, reason: 'Asked before leaving the post', proposal });
      expect(asked.status).toBe(201);
      // The asker loses the role over the seal's unit while the request waits for approval.
      await changeGrant(running.server, world.admin, asker, 'revoke', 'admin', world.siteId);
      const decided = await approve(asked.json.request as GovernanceRequest);
      expect([decided.status, (decided.json.request as GovernanceRequest).state]).toEqual([200, 'failed']);
      const record = serverProjections(await serverRows(running.server)).find((p) => p.id === `seal:${sealId}`) as { record?: Record<string, unknown> } | undefined;
      expect([record?.record?.name, record?.record?.custodianId]).toEqual([sealId, custodian.userId]);
      expect((await auditOf('seal_governance.apply_failed', sealId)).map((f) => f.code)).toEqual(['not_permitted']);
    }
  });

  it('hands the seal over as approved when the person named may still keep it', async () => {
    const request = await askHandOver('s-handover-ok', colleague);
    expect((await approve(request)).json).toMatchObject({ request: { state: 'applied' } });
    expect(await custodianOf('s-handover-ok')).toBe(colleague.userId);
  });
});
