/**
 * An approved governance move is carried out only from the state of the seal its approvers signed
 * (the proposal's `from` and `fromMoveId`, `staleGovernanceMove`), against the real server: a
 * resume approved as `suspended → active` after the custodian meanwhile moved the seal
 * `suspended → lost` does not turn a lost seal active (the hostile tester's case) — the request
 * fails, audited with its reason, the seal stays lost, and a new request can be asked from where
 * the seal is. Nor does a resume asked for one suspension lift a newer one: the seal resumed and
 * suspended again for another reason (or lost, found and suspended again) is `suspended` as
 * before, but not by the move the approvers were asked about.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceDecisionPayload, type GovernanceRequest, type SealStatus } from '@seal/shared';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';
import { personCall, type JsonAnswer } from './httpWorld';
import { sealMovesOf } from './serverView';

let running: RunningSync;
let world: World;
let custodian: Person;
let siteHead: Person;
let clock = 1_790_100_000_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  siteHead = await world.person(world.siteId, ['approver'], 'Head of site 项目经理');
  const route = await call(world.admin, 'PUT', '/api/approval-routes/site-contract-resume', { sealKind: 'contract', unitId: world.siteId, purpose: 'resume', steps: [{ count: 1 }] });
  expect(route.status).toBe(200);
}, 60_000);
afterAll(async () => running?.close());

type Answer = JsonAnswer;
const call = (person: Person, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Answer> => personCall(running.url, running.server.config.origins[0]!, person, method, path, body);

/** A contract seal made active, then suspended, by its custodian. */
async function suspendedSeal(id: string): Promise<void> {
  const made = await creation(custodian, 'seal', { id, name: id, kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
  const first = await factRowOf(custodian, 'seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
  const suspended = await factRowOf(custodian, 'seal_status_change', sealMove(id, 'active', 'suspended', custodian.userId, 'custodian', tick()) as never, world.siteId);
  expect(outcomes(await push(running, custodian, [made.row, first, suspended]))).toEqual(['accepted', 'accepted', 'accepted']);
}

const movesOf = (sealId: string): Promise<string[]> => sealMovesOf(running.server, sealId);

async function approve(approver: Person, request: GovernanceRequest): Promise<Answer> {
  const payload = governanceDecisionPayload(request, 'approve');
  return call(approver, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload, assertion: await approver.authenticator.signRecord(payload, approver.credentialId) });
}

/** A seal move pushed by `person` in `role`, answered as the server answers it. */
async function pushMove(person: Person, sealId: string, from: SealStatus, to: SealStatus, role: 'custodian' | 'admin', reason: string): Promise<string[]> {
  const move = await factRowOf(person, 'seal_status_change', { ...sealMove(sealId, from, to, person.userId, role, tick()), reason }, world.siteId);
  return outcomes(await push(running, person, [move]));
}

async function auditOf(action: string, sealId: string): Promise<{ after?: unknown }[]> {
  const page = await call(world.admin, 'GET', '/api/audit?limit=500');
  return (page.json.records as { action: string; target: { id: string }; after?: unknown }[]).filter((r) => r.action === action && r.target.id === sealId);
}

describe('an approved governance move whose seal has moved since', () => {
  it('a resume approved from suspended does not make a seal lost meanwhile active: the request fails (stale_transition), audited', async () => {
    await suspendedSeal('seal-stale-resume');
    const asked = await call(world.admin, 'POST', '/api/seals/seal-stale-resume/governance-requests', { action: 'resume', reason: '审计完成 Audit done' });
    expect([asked.status, (asked.json.request as GovernanceRequest).proposal]).toEqual([201, { from: 'suspended', to: 'active', fromMoveId: expect.stringMatching(/^seal-stale-resume:active:suspended:/) as unknown }]);
    const request = asked.json.request as GovernanceRequest;
    // Meanwhile the custodian reports it lost (a move their role may make directly).
    const lost = await factRowOf(custodian, 'seal_status_change', sealMove('seal-stale-resume', 'suspended', 'lost', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [lost]))).toEqual(['accepted']);

    const decided = await approve(siteHead, request);
    expect(decided.status).toBe(200);
    expect(decided.json).toMatchObject({ request: { state: 'failed' }, seal: { status: 'lost' } });
    expect((decided.json.request as GovernanceRequest).appliedChangeId).toBeUndefined();
    expect(await movesOf('seal-stale-resume')).toEqual(['new→active', 'active→suspended', 'suspended→lost']);
    const failed = (await auditOf('seal_governance.apply_failed', 'seal-stale-resume')).map((r) => r.after as { requestId: string; code: string; message: string });
    expect(failed.map((f) => [f.requestId, f.code])).toEqual([[request.id, 'stale_transition']]);
    expect(failed[0]!.message).toMatch(/suspended → active, but the seal is lost now/);
    expect(await auditOf('seal_governance.apply', 'seal-stale-resume')).toEqual([]);
    // Settled: a further decision is refused, and nothing moves.
    expect((await approve(world.admin, request)).json.error).toBe('request_settled');
  });

  it('the same resume, the seal still suspended, is applied as signed', async () => {
    await suspendedSeal('seal-fresh-resume');
    const asked = await call(world.admin, 'POST', '/api/seals/seal-fresh-resume/governance-requests', { action: 'resume', reason: '审计完成 Audit done' });
    expect(asked.status).toBe(201);
    expect((await approve(siteHead, asked.json.request as GovernanceRequest)).json).toMatchObject({ request: { state: 'applied' }, seal: { status: 'active' } });
    expect(await movesOf('seal-fresh-resume')).toEqual(['new→active', 'active→suspended', 'suspended→active']);
  });

  it("a move pushed with a pending request's tag in its reason is refused, and does not pass for that request carried out", async () => {
    await suspendedSeal('seal-forged-tag');
    const asked = await call(world.admin, 'POST', '/api/seals/seal-forged-tag/governance-requests', { action: 'resume', reason: '审计完成 Audit done' });
    expect(asked.status).toBe(201);
    const request = asked.json.request as GovernanceRequest;
    // The custodian loses it, claiming in the reason that the request made the move.
    const forged = await factRowOf(custodian, 'seal_status_change', { ...sealMove('seal-forged-tag', 'suspended', 'lost', custodian.userId, 'custodian', tick()), reason: `丢失 [governance ${request.id}]` }, world.siteId);
    expect(outcomes(await push(running, custodian, [forged]))).toEqual(['refused:invalid_row']);
    // Approved, the request is carried out as signed: the seal is resumed, by the server's own tagged move.
    expect((await approve(siteHead, request)).json).toMatchObject({ request: { state: 'applied' }, seal: { status: 'active' } });
    expect(await movesOf('seal-forged-tag')).toEqual(['new→active', 'active→suspended', 'suspended→active']);
  });
});

describe('a resume asked for one suspension, approved after the seal was suspended again', () => {
  // Resumes of invoice seals are reviewed when the request is asked; the review is then dropped
  // (an open request keeps the route it was asked under), so the seal can move directly meanwhile.
  const reviewed = () => call(world.admin, 'PUT', '/api/approval-routes/site-invoice-resume', { sealKind: 'invoice', unitId: world.siteId, purpose: 'resume', steps: [{ count: 1 }] });
  const unreviewed = async () => expect((await running.server.call('DELETE', '/api/approval-routes/site-invoice-resume', { cookie: world.admin.cookie })).statusCode).toBe(204);

  async function suspendedInvoiceSeal(id: string): Promise<void> {
    const made = await creation(custodian, 'seal', { id, name: id, kind: 'invoice', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
    const first = await factRowOf(custodian, 'seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [made.row, first]))).toEqual(['accepted', 'accepted']);
    expect(await pushMove(custodian, id, 'active', 'suspended', 'custodian', '审计 A: audit of the invoice register')).toEqual(['accepted']);
  }

  async function askResume(sealId: string): Promise<GovernanceRequest> {
    expect((await reviewed()).status).toBe(200);
    const asked = await call(world.admin, 'POST', `/api/seals/${sealId}/governance-requests`, { action: 'resume', reason: '审计 A 完成 Audit A done' });
    expect(asked.status).toBe(201);
    await unreviewed();
    return asked.json.request as GovernanceRequest;
  }

  async function expectStale(sealId: string, request: GovernanceRequest, moves: string[]): Promise<void> {
    const decided = await approve(siteHead, request);
    expect(decided.status).toBe(200);
    expect(decided.json).toMatchObject({ request: { state: 'failed' }, seal: { status: 'suspended' } });
    expect(await movesOf(sealId)).toEqual(moves);
    const failed = (await auditOf('seal_governance.apply_failed', sealId)).map((r) => r.after as { requestId: string; code: string; message: string });
    expect(failed.map((f) => [f.requestId, f.code])).toEqual([[request.id, 'stale_transition']]);
    expect(failed[0]!.message).toMatch(/but the seal has moved since .*suspended again/);
    expect(await auditOf('seal_governance.apply', sealId)).toEqual([]);
  }

  it('does not lift a suspension made since for another reason (resumed, then suspended again): the request fails (stale_transition), audited', async () => {
    await suspendedInvoiceSeal('seal-suspended-again');
    const request = await askResume('seal-suspended-again');
    expect(request.proposal).toEqual({ from: 'suspended', to: 'active', fromMoveId: expect.stringMatching(/^seal-suspended-again:active:suspended:/) as unknown });
    expect(await pushMove(custodian, 'seal-suspended-again', 'suspended', 'active', 'custodian', '审计 A 完成')).toEqual(['accepted']);
    expect(await pushMove(custodian, 'seal-suspended-again', 'active', 'suspended', 'custodian', '纠纷 B: a dispute over a forged invoice')).toEqual(['accepted']);
    await expectStale('seal-suspended-again', request, ['new→active', 'active→suspended', 'suspended→active', 'active→suspended']);
  });

  it('does not lift a suspension made after the seal was lost and found: the request fails (stale_transition), audited', async () => {
    await suspendedInvoiceSeal('seal-lost-found-suspended');
    const request = await askResume('seal-lost-found-suspended');
    expect(await pushMove(custodian, 'seal-lost-found-suspended', 'suspended', 'lost', 'custodian', '丢失 lost on site')).toEqual(['accepted']);
    expect(await pushMove(world.admin, 'seal-lost-found-suspended', 'lost', 'active', 'admin', '找回 found in the site office')).toEqual(['accepted']);
    expect(await pushMove(custodian, 'seal-lost-found-suspended', 'active', 'suspended', 'custodian', '核查 B: checked after it was found')).toEqual(['accepted']);
    await expectStale('seal-lost-found-suspended', request, ['new→active', 'active→suspended', 'suspended→lost', 'lost→active', 'active→suspended']);
  });

  it('the same resume, the seal untouched since it was asked, is applied as signed', async () => {
    await suspendedInvoiceSeal('seal-still-suspended');
    const request = await askResume('seal-still-suspended');
    expect((await approve(siteHead, request)).json).toMatchObject({ request: { state: 'applied' }, seal: { status: 'active' } });
    expect(await movesOf('seal-still-suspended')).toEqual(['new→active', 'active→suspended', 'suspended→active']);
  });
});
