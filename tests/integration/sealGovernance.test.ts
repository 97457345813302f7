/**
 * Seal governance over HTTP against the real server (ADR 009), as a hostile client would try it:
 * a lifecycle move of an official seal pushed without approvals, approved by its own requester,
 * decided out of a route's order, approved by the custodian alone, or carried by a forged or
 * altered decision — each refused with a 4xx, never a 5xx, and the seal does not move. Then the
 * honest paths: two approvers suspend an official seal; a loss report stops a seal at once; an
 * admin's route for contract seals (head of site, then HQ) is followed in order. Making, renaming
 * and changing the custodian through a route: a first move pushed under a make route, the
 * custodian deciding their own make, a rename pushed without approval, a decision replayed for
 * another seal or action, non-admins setting routes, bad bodies — all 4xx; the server makes the
 * seal active or edits its record once the route is met.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceDecisionPayload, type GovernanceRequest, type Verdict } from '@seal/shared';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, edit, factRowOf, outcomes, push } from './hostileClient';
import { serverProjections, serverRows } from './serverView';

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

  it('lets a branch administrator make the route its unit inherits stricter, never looser (route_below_floor); HQ may lower it', async () => {
    const branchAdmin = await world.person(world.branchId, ['admin'], 'Branch admin 分公司管理员');
    const put = (who: Person, id: string, unitId: string, sealKind: string, purpose: string, steps: unknown[]) => call(who, 'PUT', `/api/approval-routes/${id}`, { sealKind, unitId, purpose, steps });
    const root = world.admin.rootUnitId;
    // The default for suspending a 公章 is two approvers: one is refused, three are taken.
    const looser = await put(branchAdmin, 'floor-site-official-suspend', world.siteId, 'official', 'suspend', [{ count: 1 }]);
    expect([looser.status, looser.json.error]).toEqual([422, 'route_below_floor']);
    expect((await put(branchAdmin, 'floor-site-official-suspend', world.siteId, 'official', 'suspend', [{ count: 3 }])).status).toBe(200);
    // ...and once set, not lowered again by its own author either.
    expect((await put(branchAdmin, 'floor-site-official-suspend', world.siteId, 'official', 'suspend', [{ count: 1 }])).json.error).toBe('route_below_floor');
    // No review by default for a contract seal's suspension: any route is stricter.
    expect((await put(branchAdmin, 'floor-branch-contract-suspend', world.branchId, 'contract', 'suspend', [{ count: 1 }])).status).toBe(200);
    // HQ asks its own approver to revoke a 公章: a branch route leaving HQ's approver out is refused, one keeping it is taken.
    expect((await put(world.admin, 'floor-root-official-revoke', root, 'official', 'revoke', [{ count: 1 }, { count: 1, approverUnitId: root }])).status).toBe(200);
    const withoutHq = await put(branchAdmin, 'floor-branch-official-revoke', world.branchId, 'official', 'revoke', [{ count: 3 }]);
    expect([withoutHq.status, withoutHq.json.error]).toEqual([422, 'route_below_floor']);
    expect((await put(branchAdmin, 'floor-branch-official-revoke', world.branchId, 'official', 'revoke', [{ count: 1, approverUnitId: root }, { count: 1 }])).status).toBe(200);
    // The branch's own route on the branch is no floor for a looser one on its site (the reviewer's
    // bypass): HQ's still is, for the site's seals as for the branch's.
    const viaBranch = await put(branchAdmin, 'floor-site-official-revoke', world.siteId, 'official', 'revoke', [{ count: 1 }]);
    expect([viaBranch.status, viaBranch.json.error]).toEqual([422, 'route_below_floor']);
    // HQ's administrator may lower what applies below HQ.
    expect((await put(world.admin, 'floor-site-official-suspend', world.siteId, 'official', 'suspend', [{ count: 1 }])).status).toBe(200);
    for (const id of ['floor-site-official-suspend', 'floor-branch-contract-suspend', 'floor-root-official-revoke', 'floor-branch-official-revoke']) {
      expect((await call(world.admin, 'DELETE', `/api/approval-routes/${id}`)).status).toBe(204);
    }
  });

  it('keeps a route HQ set on a branch out of the branch administrator\'s hands: not replaced, removed, or undercut beside it or below', async () => {
    const branchAdmin = await world.person(world.branchId, ['admin'], 'Branch admin 分公司管理员');
    const put = (who: Person, id: string, unitId: string, steps: unknown[]) => call(who, 'PUT', `/api/approval-routes/${id}`, { sealKind: 'official', unitId, purpose: 'suspend', steps });
    // HQ asks three approvers to suspend the branch's 公章 (the default asks two).
    expect((await put(world.admin, 'zz-hq-branch-official-suspend', world.branchId, [{ count: 3 }])).status).toBe(200);
    const replaced = await put(branchAdmin, 'zz-hq-branch-official-suspend', world.branchId, [{ count: 2 }]);
    expect([replaced.status, replaced.json.error]).toEqual([403, 'forbidden']);
    const removed = await call(branchAdmin, 'DELETE', '/api/approval-routes/zz-hq-branch-official-suspend');
    expect([removed.status, removed.json.error]).toEqual([403, 'forbidden']);
    // A second route on the branch (its id sorts first, so it would be the one that holds) or one
    // on the site may not ask less than HQ's; as much or more is the branch's to set, and to drop.
    const beside = await put(branchAdmin, 'aa-branch-official-suspend', world.branchId, [{ count: 2 }]);
    expect([beside.status, beside.json.error]).toEqual([422, 'route_below_floor']);
    const below = await put(branchAdmin, 'aa-site-official-suspend', world.siteId, [{ count: 1 }, { count: 1 }]);
    expect([below.status, below.json.error]).toEqual([422, 'route_below_floor']);
    expect((await put(branchAdmin, 'aa-site-official-suspend', world.siteId, [{ count: 3 }])).status).toBe(200);
    expect((await put(branchAdmin, 'aa-site-official-suspend', world.siteId, [{ count: 4 }])).status).toBe(200);
    expect((await call(branchAdmin, 'DELETE', '/api/approval-routes/aa-site-official-suspend')).status).toBe(204);
    // What everyone reads is the route alone, not who answers for it; HQ changes and removes its own.
    const listed = await call(branchAdmin, 'GET', '/api/approval-routes');
    expect(listed.status).toBe(200);
    const hqRoute = (listed.json.routes as Record<string, unknown>[]).find((r) => r.id === 'zz-hq-branch-official-suspend');
    expect(hqRoute).toMatchObject({ unitId: world.branchId, steps: [{ count: 3 }] });
    expect(Object.keys(hqRoute!).sort()).toEqual(['id', 'purpose', 'sealKind', 'steps', 'unitId', 'updatedAt']);
    expect((await put(world.admin, 'zz-hq-branch-official-suspend', world.branchId, [{ count: 2 }])).status).toBe(200);
    expect((await call(world.admin, 'DELETE', '/api/approval-routes/zz-hq-branch-official-suspend')).status).toBe(204);
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
    // The seal's making and first move (pushed from a tablet) are audited too, before the review's records.
    expect(audit.filter((r) => r.target.id === 'gov-two').map((r) => r.action)).toEqual(['seal.create', 'seal.status_change', 'seal_governance.request', 'seal_governance.decide', 'seal_governance.decide', 'seal_governance.apply']);
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

/** A seal record on the server without its first move (what a custodian's app pushes when making the seal needs approval). */
async function recordOnly(id: string, kind: 'official' | 'contract', keeper: Person = custodian, maker: Person = keeper) {
  const record = { id, name: kind === 'official' ? '项目部公章' : '项目部合同专用章', kind, unitId: world.siteId, custodianId: keeper.userId, createdAt: 1_790_000_000_000, form: 'electronic' };
  const made = await creation(maker, 'seal', record);
  expect(outcomes(await push(running, maker, [made.row]))).toEqual(['accepted']);
  return made;
}

/** The seal's record as the server's rows merge it. */
async function recordOf(sealId: string): Promise<Record<string, unknown> | undefined> {
  return (serverProjections(await serverRows(running.server)).find((p) => p.id === `seal:${sealId}`) as { record?: Record<string, unknown> } | undefined)?.record;
}

const setRoute = (person: Person, id: string, sealKind: string, purpose: string, steps: unknown[] = [{ count: 2 }]) =>
  call(person, 'PUT', `/api/approval-routes/${id}`, { sealKind, unitId: world.siteId, purpose, steps });

describe('making a seal through its route (ADR 009)', () => {
  beforeAll(async () => {
    expect((await setRoute(world.admin, 'site-official-create', 'official', 'create')).status).toBe(200);
  });
  afterAll(async () => {
    await call(world.admin, 'DELETE', '/api/approval-routes/site-official-create');
  });

  it('refuses the first move pushed by the custodian under a make route (governance_required), alone or in the batch with the record', async () => {
    await recordOnly('make-direct', 'official');
    const first = await factRowOf(custodian, 'seal_status_change', sealMove('make-direct', null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [first]))).toEqual(['refused:governance_required']);
    expect(await statusOf('make-direct')).toBeNull();
    // Both in one batch, as an app that did not know the route would push them.
    const record = { id: 'make-batch', name: '项目部公章', kind: 'official', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' };
    const made = await creation(custodian, 'seal', record);
    const batchMove = await factRowOf(custodian, 'seal_status_change', sealMove('make-batch', null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [made.row, batchMove]))).toEqual(['accepted', 'refused:governance_required']);
    expect(await statusOf('make-batch')).toBeNull();
  });

  it('keeps a custodian who asked to make their seal from approving it, and refuses asking twice or for a made seal', async () => {
    await recordOnly('make-self', 'official', keeperApprover);
    const asked = await ask(keeperApprover, 'make-self', 'create', 'New site office 新项目部开工');
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ request: { action: 'create', proposal: { from: null, to: 'active' }, state: 'pending' }, missing: 2, seal: { status: null } });
    const own = await decide(keeperApprover, requestOf(asked));
    expect([own.status, own.json.error]).toEqual([403, 'self_decision']);
    const twice = await ask(keeperApprover, 'make-self', 'create');
    expect([twice.status, twice.json.error]).toEqual([409, 'request_open']);
    await activeSeal('make-done', 'contract');
    const made = await ask(custodian, 'make-done', 'create');
    expect([made.status, made.json.error]).toEqual([422, 'illegal_transition']);
    expect(await statusOf('make-self')).toBeNull();
  });

  it('does not let the named custodian carry an admin\'s make alone: their approval counts only beside someone else\'s', async () => {
    expect((await setRoute(world.admin, 'site-official-create', 'official', 'create', [{ count: 1 }])).status).toBe(200);
    await recordOnly('make-keeper', 'official', keeperApprover, world.admin);
    const asked = await ask(world.admin, 'make-keeper', 'create');
    expect(asked.json).toMatchObject({ route: { minApprovals: 1 }, missing: 1 });
    expect((await decide(keeperApprover, requestOf(asked))).json).toMatchObject({ request: { state: 'pending' }, missing: 1 });
    expect(await statusOf('make-keeper')).toBeNull();
    expect((await decide(siteHead, requestOf(asked))).json).toMatchObject({ request: { state: 'applied' } });
    expect(await statusOf('make-keeper')).toBe('active');
    expect((await setRoute(world.admin, 'site-official-create', 'official', 'create')).status).toBe(200);
  });

  it('two approvers make the seal: the server writes its first move in the requester\'s name, tagged with the request', async () => {
    await recordOnly('make-two', 'official');
    const asked = await ask(custodian, 'make-two', 'create', 'New site office 新项目部开工');
    expect((await decide(siteHead, requestOf(asked))).json).toMatchObject({ request: { state: 'pending' }, missing: 1 });
    expect(await statusOf('make-two')).toBeNull();
    const done = await decide(legal, requestOf(asked));
    expect(done.json).toMatchObject({ request: { state: 'applied' }, approvedBy: [legal.userId, siteHead.userId].sort(), seal: { status: 'active' } });
    const moves = (await serverRows(running.server)).filter((r) => r.type === 'fact' && r.kind === 'seal_status_change' && r.subject === 'seal:make-two');
    expect(moves.map((r) => r.author)).toEqual([custodian.userId]);
    const first = (moves[0] as unknown as { body: { from: null; to: string; reason: string } }).body;
    expect([first.from, first.to, first.reason.endsWith(`[governance ${requestOf(asked).id}]`)]).toEqual([null, 'active', true]);
    // The server's move coming back from the custodian's replica is a copy, not a second make.
    expect(outcomes(await push(running, custodian, [moves[0]]))).toEqual(['duplicate']);
  });

  it('refuses a decision replayed for another seal or another action (stale_terms)', async () => {
    await recordOnly('make-a', 'official');
    await recordOnly('make-b', 'official');
    const a = requestOf(await ask(custodian, 'make-a', 'create'));
    const b = requestOf(await ask(custodian, 'make-b', 'create'));
    const signedForA = governanceDecisionPayload(a, 'approve');
    const assertion = await siteHead.authenticator.signRecord(signedForA, siteHead.credentialId);
    const replayed = await call(siteHead, 'POST', `/api/governance-requests/${b.id}/decisions`, { payload: signedForA, assertion });
    expect([replayed.status, replayed.json.error]).toEqual([422, 'stale_terms']);
    // The same request id, another action signed: refused too.
    const otherAction = governanceDecisionPayload({ ...b, action: 'resume', proposal: { from: null, to: 'active' } }, 'approve');
    const relabelled = await call(siteHead, 'POST', `/api/governance-requests/${b.id}/decisions`, { payload: otherAction, assertion: await siteHead.authenticator.signRecord(otherAction, siteHead.credentialId) });
    expect([relabelled.status, relabelled.json.error]).toEqual([422, 'stale_terms']);
    expect(await statusOf('make-b')).toBeNull();
  });

  it('a kind with no make route is made directly, as before; asking for review of it is no_review_needed', async () => {
    await recordOnly('make-contract', 'contract');
    const asked = await ask(custodian, 'make-contract', 'create');
    expect([asked.status, asked.json.error]).toEqual([422, 'no_review_needed']);
    const first = await factRowOf(custodian, 'seal_status_change', sealMove('make-contract', null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [first]))).toEqual(['accepted']);
  });
});

describe('renaming a seal and changing its custodian through a route (ADR 009)', () => {
  beforeAll(async () => {
    expect((await setRoute(world.admin, 'site-contract-rename', 'contract', 'rename', [{ count: 1 }])).status).toBe(200);
    expect((await setRoute(world.admin, 'site-contract-custodian', 'contract', 'change_custodian', [{ count: 1 }])).status).toBe(200);
  });
  afterAll(async () => {
    await call(world.admin, 'DELETE', '/api/approval-routes/site-contract-rename');
    await call(world.admin, 'DELETE', '/api/approval-routes/site-contract-custodian');
  });

  it('refuses a rename or a change of custodian pushed without approval (governance_required); other edits still pass', async () => {
    const made = await recordOnly('edit-direct', 'contract');
    const renamed = await edit(custodian, 'seal', made.doc, world.siteId, (d) => { d.name = '偷改的名字'; });
    const rehomed = await edit(custodian, 'seal', made.doc, world.siteId, (d) => { d.custodianId = keeperApprover.userId; });
    const coded = await edit(custodian, 'seal', made.doc, world.siteId, (d) => { d.antiCounterfeitCode = '3301020012345'; });
    expect(outcomes(await push(running, custodian, [renamed.row, rehomed.row, coded.row]))).toEqual(['refused:governance_required', 'refused:governance_required', 'accepted']);
    expect(await recordOf('edit-direct')).toMatchObject({ name: '项目部合同专用章', custodianId: custodian.userId });
  });

  it('an approved rename and change of custodian are written by the server as edits of the record', async () => {
    const made = await recordOnly('edit-ok', 'contract');
    const first = await factRowOf(custodian, 'seal_status_change', sealMove('edit-ok', null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
    expect(outcomes(await push(running, custodian, [first]))).toEqual(['accepted']);
    const rename = await call(custodian, 'POST', '/api/seals/edit-ok/governance-requests', { action: 'rename', reason: '更名 Renamed by the group', proposal: { name: '一号项目部合同专用章' } });
    expect(rename.json).toMatchObject({ request: { action: 'rename', proposal: { name: '一号项目部合同专用章' } }, missing: 1 });
    expect((await decide(custodian, requestOf(rename))).status).toBe(403);
    expect((await decide(siteHead, requestOf(rename))).json).toMatchObject({ request: { state: 'applied' } });
    expect(await recordOf('edit-ok')).toMatchObject({ name: '一号项目部合同专用章', custodianId: custodian.userId });
    const handOver = await call(custodian, 'POST', '/api/seals/edit-ok/governance-requests', { action: 'change_custodian', reason: '工作调动 Moved to another site', proposal: { custodianId: keeperApprover.userId } });
    expect(handOver.status).toBe(201);
    expect((await decide(siteHead, requestOf(handOver))).json).toMatchObject({ request: { state: 'applied' } });
    expect(await recordOf('edit-ok')).toMatchObject({ name: '一号项目部合同专用章', custodianId: keeperApprover.userId });
    // The server's edits are in the requester's name. A replica's concurrent rename made on its stale copy never
    // replaces the approved name: refused when it would win the merge, harmless (accepted, no change) when it loses.
    const changes = (await serverRows(running.server)).filter((r) => r.type === 'change' && r.subject === 'seal:edit-ok');
    expect(changes.map((r) => r.author)).toEqual([custodian.userId, custodian.userId, custodian.userId]);
    const stale = await edit(custodian, 'seal', made.doc, world.siteId, (d) => { d.name = '旧名字'; });
    expect(['refused:governance_required', 'accepted']).toContain(outcomes(await push(running, custodian, [stale.row]))[0]);
    expect(await recordOf('edit-ok')).toMatchObject({ name: '一号项目部合同专用章' });
  });

  it('refuses bad rename and custodian proposals with 4xx, never 5xx', async () => {
    await recordOnly('edit-bad', 'contract');
    const ask2 = (body: unknown) => call(custodian, 'POST', '/api/seals/edit-bad/governance-requests', body);
    const answers = [
      await ask2({ action: 'rename', reason: 'no name' }),
      await ask2({ action: 'rename', reason: 'same name', proposal: { name: '项目部合同专用章' } }),
      await ask2({ action: 'rename', reason: 'too long', proposal: { name: '章'.repeat(201) } }),
      await ask2({ action: 'rename', reason: 'extra', proposal: { name: 'x', to: 'active' } }),
      await ask2({ action: 'change_custodian', reason: 'to a staff', proposal: { custodianId: siteHead.userId } }),
      await ask2({ action: 'change_custodian', reason: 'to nobody', proposal: { custodianId: 'no-such-user' } }),
      await ask2({ action: 'change_custodian', reason: 'same', proposal: { custodianId: custodian.userId } }),
      await ask2({ action: 'suspend', reason: 'move with a name', proposal: { name: 'x' } }),
      await ask2({ action: 'create', reason: 'with a custodian', proposal: { custodianId: keeperApprover.userId } }),
      await ask2({ action: 'rename', reason: 'array', proposal: [] }),
      await ask2('not json at all'),
      await call(siteHead, 'POST', '/api/seals/edit-bad/governance-requests', { action: 'rename', reason: 'an approver may not', proposal: { name: '新名' } }),
    ];
    expect(answers.map((a) => [a.status, a.json.error])).toEqual([
      [422, 'invalid_proposal'], [422, 'invalid_proposal'], [400, 'invalid_body'], [400, 'invalid_body'],
      [422, 'invalid_proposal'], [422, 'invalid_proposal'], [422, 'invalid_proposal'], [400, 'invalid_body'], [400, 'invalid_body'],
      [400, 'invalid_body'], [400, 'invalid_body'], [403, 'not_permitted'],
    ]);
  });
});

describe('hostile: routes are set by administrators only', () => {
  it('refuses a custodian or an approver setting or removing a route, and malformed routes, with 4xx', async () => {
    expect((await setRoute(world.admin, 'site-official-rename', 'official', 'rename', [{ count: 1 }])).status).toBe(200);
    const answers = [
      await setRoute(custodian, 'by-custodian', 'official', 'create', [{ count: 1 }]),
      await setRoute(siteHead, 'by-approver', 'official', 'create', [{ count: 1 }]),
      await setRoute(siteHead, 'site-official-rename', 'official', 'rename', [{ count: 3 }]),
      await call(siteHead, 'DELETE', '/api/approval-routes/site-official-rename'),
      await call(custodian, 'DELETE', '/api/approval-routes/site-official-rename'),
      await setRoute(world.admin, 'zero', 'official', 'create', [{ count: 0 }]),
      await setRoute(world.admin, 'eleven', 'official', 'create', [{ count: 11 }]),
      await setRoute(world.admin, 'six-steps', 'official', 'create', Array.from({ length: 6 }, () => ({ count: 1 }))),
      await setRoute(world.admin, 'bad-unit', 'official', 'create', [{ count: 1, approverUnitId: 'no-such-unit' }]),
      await setRoute(world.admin, 'bad-purpose', 'official', 'explode', [{ count: 1 }]),
      await setRoute(world.admin, 'use', 'official', 'use', [{ count: 1 }]),
      await call(world.admin, 'PUT', '/api/approval-routes/extra', { sealKind: 'official', unitId: world.siteId, purpose: 'create', steps: [{ count: 1 }], updatedAt: 1 }),
      await call(world.admin, 'DELETE', '/api/approval-routes/never-set'),
    ];
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 400, 400, 400, 422, 400, 422, 400, 404]);
    const listed = (await call(custodian, 'GET', '/api/approval-routes')).json.routes as { id: string; steps: unknown[] }[];
    expect(listed.find((r) => r.id === 'site-official-rename')?.steps).toEqual([{ count: 1 }]);
    expect(listed.some((r) => r.id === 'by-custodian' || r.id === 'by-approver')).toBe(false);
    expect((await call(world.admin, 'DELETE', '/api/approval-routes/site-official-rename')).status).toBe(204);
  });
});
