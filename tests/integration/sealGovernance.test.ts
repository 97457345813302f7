/**
 * Seal governance over HTTP against the real server (ADR 009), as a hostile client would try it:
 * a lifecycle move of an official seal pushed without approvals, approved by its own requester,
 * decided out of a route's order, approved by the custodian alone, or carried by a forged or
 * altered decision — each refused with a 4xx, never a 5xx, and the seal does not move. Then the
 * honest paths: two approvers suspend an official seal; a loss report stops a seal at once; an
 * admin's route for contract seals (head of site, then HQ) is followed in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceDecisionPayload, type GovernanceRequest, type Verdict } from '@seal/shared';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';
import { serverRows } from './serverView';

let running: RunningSync;
let world: World;
let custodian: Person;
let keeperApprover: Person;
let siteHead: Person;
let branchApprover: Person;
let legal: Person;
let clock = 1_790_100_000_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  keeperApprover = await world.person(world.siteId, ['custodian', 'approver'], 'Keeper who approves');
  siteHead = await world.person(world.siteId, ['approver'], 'Head of site 项目经理');
  branchApprover = await world.person(world.branchId, ['approver'], 'Branch approver');
  legal = await world.person(world.admin.rootUnitId, ['approver'], 'Legal 法务');
}, 60_000);
afterAll(async () => running?.close());

interface Answer { status: number; json: Record<string, unknown> }
async function call(person: Person, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { cookie: person.cookie, origin: running.server.config.origins[0]!, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** An active seal on the server, made by `keeper` (making one needs no review by default). */
async function activeSeal(id: string, kind: 'official' | 'contract', keeper: Person = custodian): Promise<void> {
  const record = { id, name: kind === 'official' ? '项目部公章' : '项目部合同专用章', kind, unitId: world.siteId, custodianId: keeper.userId, createdAt: 1_790_000_000_000, form: 'electronic' };
  const made = await creation(keeper, 'seal', record);
  const created = await factRowOf(keeper, 'seal_status_change', sealMove(id, null, 'active', keeper.userId, 'custodian', tick()) as never, world.siteId);
  expect(outcomes(await push(running, keeper, [made.row, created]))).toEqual(['accepted', 'accepted']);
}

/** The seal's status by the moves the server holds. */
async function statusOf(sealId: string): Promise<string | null> {
  const moves = (await serverRows(running.server))
    .filter((row) => row.type === 'fact' && row.kind === 'seal_status_change' && row.subject === `seal:${sealId}`)
    .map((row) => (row as unknown as { body: { to: string; at: number } }).body)
    .sort((a, b) => a.at - b.at);
  return moves.at(-1)?.to ?? null;
}

async function ask(person: Person, sealId: string, action: string, reason = 'Quarterly audit 季度检查'): Promise<Answer> {
  return call(person, 'POST', `/api/seals/${sealId}/governance-requests`, { action, reason });
}

async function decide(approver: Person, request: GovernanceRequest, verdict: Verdict = 'approve', signer: Person = approver): Promise<Answer> {
  const payload = governanceDecisionPayload(request, verdict);
  const assertion = await signer.authenticator.signRecord(payload, signer.credentialId);
  return call(approver, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload, assertion });
}

const requestOf = (answer: Answer): GovernanceRequest => answer.json.request as GovernanceRequest;

describe('hostile: an official seal does not move without its route', () => {
  it('refuses a suspension pushed directly, with no request at all (governance_required)', async () => {
    await activeSeal('gov-direct', 'official');
    const move = await factRowOf(custodian, 'seal_status_change', sealMove('gov-direct', 'active', 'suspended', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [move]))).toEqual(['refused:governance_required']);
    expect(await statusOf('gov-direct')).toBe('active');
  });

  it('refuses the requester approving their own request, even holding the approver role (self_decision)', async () => {
    await activeSeal('gov-self', 'official', keeperApprover);
    const asked = await ask(keeperApprover, 'gov-self', 'suspend');
    expect(asked.status).toBe(201);
    const own = await decide(keeperApprover, requestOf(asked));
    expect(own.status).toBe(403);
    expect(own.json.error).toBe('self_decision');
    expect(await statusOf('gov-self')).toBe('active');
  });

  it('does not let a custodian make a seal and then carry its suspension with their own approval: the custodian never completes a route alone', async () => {
    // A route of one approver for official suspensions on the site: the keeper is its only approver so far.
    expect((await call(world.admin, 'PUT', '/api/approval-routes/site-official-suspend', { sealKind: 'official', unitId: world.siteId, purpose: 'suspend', steps: [{ count: 1 }] })).status).toBe(200);
    await activeSeal('gov-keeper', 'official', keeperApprover);
    const asked = await ask(custodian, 'gov-keeper', 'suspend');
    expect(asked.status).toBe(201);
    const byKeeper = await decide(keeperApprover, requestOf(asked));
    expect(byKeeper.status).toBe(200);
    expect(byKeeper.json).toMatchObject({ request: { state: 'pending' }, missing: 1 });
    expect(await statusOf('gov-keeper')).toBe('active');
    // And the keeper cannot push the move themselves either.
    const move = await factRowOf(keeperApprover, 'seal_status_change', sealMove('gov-keeper', 'active', 'suspended', keeperApprover.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, keeperApprover, [move]))).toEqual(['refused:governance_required']);
    // Someone else completes it.
    const bySiteHead = await decide(siteHead, requestOf(asked));
    expect(bySiteHead.json).toMatchObject({ request: { state: 'applied' } });
    expect(await statusOf('gov-keeper')).toBe('suspended');
    expect((await call(world.admin, 'DELETE', '/api/approval-routes/site-official-suspend')).status).toBe(204);
  });

  it('refuses a forged decision: a tampered signature, another approver\'s passkey under a session, terms that differ from the request', async () => {
    await activeSeal('gov-forged', 'official');
    const request = requestOf(await ask(custodian, 'gov-forged', 'revoke', 'Declared void 作废'));
    const payload = governanceDecisionPayload(request, 'approve');
    const assertion = await siteHead.authenticator.signRecord(payload, siteHead.credentialId);
    const flipped = assertion.signature.slice(0, -4) + (assertion.signature.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const tampered = await call(siteHead, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload, assertion: { ...assertion, signature: flipped } });
    const otherTerms = governanceDecisionPayload({ ...request, action: 'suspend', proposal: { from: 'active', to: 'suspended' } }, 'approve');
    const altered = await call(siteHead, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload: otherTerms, assertion: await siteHead.authenticator.signRecord(otherTerms, siteHead.credentialId) });
    const signedForOther = await call(siteHead, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload: governanceDecisionPayload(request, 'approve'), assertion: await siteHead.authenticator.signRecord(governanceDecisionPayload(request, 'reject'), siteHead.credentialId) });
    const unknownField = await call(siteHead, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload, assertion, approverId: legal.userId });
    for (const answer of [tampered, altered, signedForOther, unknownField]) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    expect(altered.json.error).toBe('stale_terms');
    expect(unknownField.json.error).toBe('invalid_body');
    expect(await statusOf('gov-forged')).toBe('active');
  });

  it('refuses steps out of order: HQ legal may not decide before the head of site (step_not_open)', async () => {
    const route = { sealKind: 'contract', unitId: world.siteId, purpose: 'suspend', steps: [{ count: 1, approverUnitId: world.siteId }, { count: 1, approverUnitId: world.admin.rootUnitId }] };
    expect((await call(world.admin, 'PUT', '/api/approval-routes/site-contract-suspend', route)).status).toBe(200);
    await activeSeal('gov-order', 'contract');
    const asked = await ask(custodian, 'gov-order', 'suspend');
    expect(asked.json).toMatchObject({ route: { steps: route.steps }, missing: 2, openStep: 1 });
    const early = await decide(legal, requestOf(asked));
    expect(early.status).toBe(409);
    expect(early.json.error).toBe('step_not_open');
    const wrongPerson = await decide(branchApprover, requestOf(asked));
    expect([wrongPerson.status, wrongPerson.json.error]).toEqual([403, 'not_in_route']);
    expect((await decide(siteHead, requestOf(asked))).json).toMatchObject({ request: { state: 'pending' }, openStep: 2 });
    expect(await statusOf('gov-order')).toBe('active');
    expect((await decide(legal, requestOf(asked))).json).toMatchObject({ request: { state: 'applied' } });
    expect(await statusOf('gov-order')).toBe('suspended');
    expect((await call(world.admin, 'DELETE', '/api/approval-routes/site-contract-suspend')).status).toBe(204);
  });

  it('refuses hostile inputs to the route and request APIs with 4xx: non-admins, unknown units, bad actions, a second open request', async () => {
    await activeSeal('gov-inputs', 'official');
    const answers = [
      await call(custodian, 'PUT', '/api/approval-routes/mine', { sealKind: 'official', unitId: world.siteId, purpose: 'suspend', steps: [{ count: 1 }] }),
      await call(world.admin, 'PUT', '/api/approval-routes/x', { sealKind: 'official', unitId: 'no-such-unit', purpose: 'suspend', steps: [{ count: 1 }] }),
      await call(world.admin, 'PUT', '/api/approval-routes/x', { sealKind: 'official', unitId: world.siteId, purpose: 'suspend', steps: [] }),
      await call(custodian, 'POST', '/api/seals/gov-inputs/governance-requests', { action: 'explode', reason: 'x' }),
      await call(custodian, 'POST', '/api/seals/gov-inputs/governance-requests', { action: 'suspend', reason: '   ' }),
      await call(custodian, 'POST', '/api/seals/no-such-seal/governance-requests', { action: 'suspend', reason: 'x' }),
      await call(custodian, 'POST', '/api/seals/gov-inputs/governance-requests', { action: 'resume', reason: 'not suspended' }),
      await call(custodian, 'POST', '/api/seals/gov-inputs/governance-requests', { action: 'confiscate', reason: 'admins only' }),
      await call(custodian, 'POST', '/api/governance-requests/nope/decisions', { payload: {}, assertion: {} }),
    ];
    expect(answers.map((a) => a.status)).toEqual([403, 422, 400, 400, 400, 404, 422, 403, 400]);
    expect((await ask(custodian, 'gov-inputs', 'suspend')).status).toBe(201);
    const twice = await ask(custodian, 'gov-inputs', 'suspend');
    expect([twice.status, twice.json.error]).toEqual([409, 'request_open']);
  });
});

describe('governance: the honest paths', () => {
  it('two approvers suspend an official seal; the move is the requester\'s, tagged with the request, and audited', async () => {
    await activeSeal('gov-two', 'official');
    const asked = await ask(custodian, 'gov-two', 'suspend', 'Custodian change 保管人变更');
    expect(asked.json).toMatchObject({ route: { minApprovals: 2 }, missing: 2, request: { state: 'pending', proposal: { from: 'active', to: 'suspended' } } });
    expect((await decide(siteHead, requestOf(asked))).json).toMatchObject({ missing: 1 });
    expect(await statusOf('gov-two')).toBe('active');
    const done = await decide(branchApprover, requestOf(asked));
    expect(done.json).toMatchObject({ request: { state: 'applied' }, approvedBy: [branchApprover.userId, siteHead.userId].sort() });
    expect(await statusOf('gov-two')).toBe('suspended');
    const again = await decide(legal, requestOf(asked));
    expect([again.status, again.json.error]).toEqual([409, 'request_settled']);
    const listed = await call(custodian, 'GET', '/api/governance-requests?sealId=gov-two');
    expect((listed.json.requests as unknown[]).length).toBe(1);
    const audit = [];
    for (let after = 0; ;) {
      const page = await call(world.admin, 'GET', `/api/audit?after=${after}&limit=500`);
      const records = page.json.records as { seq: number; action: string; target: { id: string } }[];
      audit.push(...records);
      if (records.length < 500) break;
      after = records.at(-1)!.seq;
    }
    expect(audit.filter((r) => r.target.id === 'gov-two').map((r) => r.action)).toEqual(['seal_governance.request', 'seal_governance.decide', 'seal_governance.decide', 'seal_governance.apply']);
  });

  it('a loss report stops the seal at once (an urgent suspension) and stays open for review', async () => {
    await activeSeal('gov-lost', 'official');
    const asked = await ask(custodian, 'gov-lost', 'report_lost', 'Lost on the way to the bank 转运途中遗失');
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ request: { state: 'pending' }, missing: 2 });
    expect(requestOf(asked).appliedChangeId).toBeDefined();
    expect(await statusOf('gov-lost')).toBe('lost');
    await decide(siteHead, requestOf(asked));
    expect((await decide(legal, requestOf(asked))).json).toMatchObject({ request: { state: 'applied' } });
    expect(await statusOf('gov-lost')).toBe('lost');
  });

  it('a reject by any approver settles the request and the seal stays', async () => {
    await activeSeal('gov-no', 'official');
    const asked = await ask(custodian, 'gov-no', 'suspend');
    expect((await decide(siteHead, requestOf(asked), 'reject')).json).toMatchObject({ request: { state: 'rejected' } });
    expect(await statusOf('gov-no')).toBe('active');
  });

  it('a contract seal with no route set moves directly, as before', async () => {
    await activeSeal('gov-plain', 'contract');
    const move = await factRowOf(custodian, 'seal_status_change', sealMove('gov-plain', 'active', 'suspended', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [move]))).toEqual(['accepted']);
    const asked = await ask(custodian, 'gov-plain', 'revoke');
    expect([asked.status, asked.json.error]).toEqual([422, 'no_review_needed']);
  });
});
