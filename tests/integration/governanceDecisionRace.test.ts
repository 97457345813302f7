/**
 * Governance requests under concurrent callers, at the real server over HTTP, several rounds
 * (a hostile tester's find): two approvers deciding one request at once — one approves (enough
 * to carry the move out), one rejects — and three administrators asking for the same action on
 * one seal at once. What the record says and what happened to the seal must agree: the move is
 * made if and only if the request is recorded applied, with its audit record; and one request
 * per seal and action is open. Before, the approval's move was made and then its decision
 * dropped as a conflict beside the recorded rejection (8 rounds of 8), and the three asks were
 * all taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceDecisionPayload, type GovernanceRequest } from '@seal/shared';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';
import { personCall, type JsonAnswer } from './httpWorld';
import { sealMovesOf } from './serverView';

const ROUNDS = 8;

let running: RunningSync;
let world: World;
let custodian: Person;
let head1: Person;
let head2: Person;
let clock = 1_790_100_000_000;
const tick = () => (clock += 10);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  head1 = await world.person(world.siteId, ['approver'], 'Head one 项目经理');
  head2 = await world.person(world.siteId, ['approver'], 'Head two 副经理');
  // Revoking a contract seal on the site takes one approval.
  const route = await call(world.admin, 'PUT', '/api/approval-routes/race-revoke', { sealKind: 'contract', unitId: world.siteId, purpose: 'revoke', steps: [{ count: 1 }] });
  expect(route.status).toBe(200);
}, 60_000);
afterAll(async () => running?.close());

type Answer = JsonAnswer;
const call = (person: Person, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Answer> => personCall(running.url, running.server.config.origins[0]!, person, method, path, body);

/** An active contract seal kept by the custodian. */
async function activeSeal(id: string): Promise<void> {
  const made = await creation(custodian, 'seal', { id, name: id, kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
  const first = await factRowOf(custodian, 'seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
  expect(outcomes(await push(running, custodian, [made.row, first]))).toEqual(['accepted', 'accepted']);
}

const movesOf = (sealId: string): Promise<string[]> => sealMovesOf(running.server, sealId);

/** The audit actions about a governance request (its decisions, its apply). */
async function auditedActionsOf(requestId: string): Promise<string[]> {
  const actions: string[] = [];
  for (let after = 0; ;) {
    const page = await call(world.admin, 'GET', `/api/audit?after=${after}&limit=500`);
    const records = (page.json.records ?? []) as { seq: number; action: string; after?: unknown }[];
    if (records.length === 0) return actions;
    for (const record of records) if (JSON.stringify(record.after ?? '').includes(requestId)) actions.push(record.action);
    after = records.at(-1)!.seq;
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('governance requests decided or asked side by side', () => {
  it(`an approval and a rejection at once: the seal moves exactly when the request is recorded applied, ${ROUNDS} times over`, async () => {
    const outcomesSeen: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sealId = `seal-decide-race-${round}`;
      await activeSeal(sealId);
      const asked = await call(world.admin, 'POST', `/api/seals/${sealId}/governance-requests`, { action: 'revoke', reason: '停用 retire' });
      expect(asked.status).toBe(201);
      const request = asked.json.request as GovernanceRequest;
      const yes = governanceDecisionPayload(request, 'approve');
      const no = governanceDecisionPayload(request, 'reject');
      const [approved, rejected] = await Promise.all([
        call(head1, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload: yes, assertion: await head1.authenticator.signRecord(yes, head1.credentialId) }),
        pause(round * 3).then(async () => call(head2, 'POST', `/api/governance-requests/${request.id}/decisions`, { payload: no, assertion: await head2.authenticator.signRecord(no, head2.credentialId) })),
      ]);
      const held = (await call(world.admin, 'GET', `/api/governance-requests/${request.id}`)).json.request as GovernanceRequest;
      const moves = await movesOf(sealId);
      const audited = await auditedActionsOf(request.id);
      // Whichever came first settles it; the other is told the request is settled.
      if (held.state === 'applied') {
        expect([approved.status, rejected.status, rejected.json.error, moves], `round ${round}`).toEqual([200, 409, 'request_settled', ['new→active', 'active→revoked']]);
        expect(audited.filter((a) => a === 'seal_governance.apply')).toHaveLength(1);
      } else {
        expect([held.state, rejected.status, approved.status, approved.json.error, moves], `round ${round}`).toEqual(['rejected', 200, 409, 'request_settled', ['new→active']]);
        expect(audited).not.toContain('seal_governance.apply');
      }
      expect(held.decisions).toHaveLength(1);
      outcomesSeen.push(held.state);
    }
    console.info(`governance decision race: ${outcomesSeen.filter((s) => s === 'applied').length} applied, ${outcomesSeen.filter((s) => s === 'rejected').length} rejected`);
  }, 240_000);

  it('three asks for the same action at once open one request; the others are told it is open', async () => {
    for (let round = 0; round < 3; round++) {
      const sealId = `seal-ask-race-${round}`;
      await activeSeal(sealId);
      const answers = await Promise.all([0, 1, 2].map(() => call(world.admin, 'POST', `/api/seals/${sealId}/governance-requests`, { action: 'revoke', reason: '停用 retire' })));
      expect(answers.map((a) => a.status).sort(), `round ${round}`).toEqual([201, 409, 409]);
      expect(answers.filter((a) => a.status === 409).map((a) => a.json.error)).toEqual(['request_open', 'request_open']);
      const listed = (await call(world.admin, 'GET', `/api/governance-requests?sealId=${sealId}&state=pending`)).json.requests as { request: GovernanceRequest }[];
      expect(listed.map((v) => v.request.action)).toEqual(['revoke']);
    }
  }, 120_000);
});
