/**
 * An approved governance move and a move pushed from a tablet, fired side by side at the real
 * server over HTTP, many times: exactly one of them is taken. The server carries out an approved
 * request under the seal's push lock (the lock a push of the seal's rows holds while it is judged
 * and written), so the two are judged one after the other — the second against the first — and
 * never both from the same status (without the lock, a pushed suspension and an approved
 * revocation were both taken from `active`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceDecisionPayload, type GovernanceRequest } from '@seal/shared';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';
import { personCall, type JsonAnswer } from './httpWorld';
import { sealMovesOf } from './serverView';

const ROUNDS = 24;

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
  // Revoking a contract seal on the site is reviewed (one approver); suspending it is not.
  const route = await call(world.admin, 'PUT', '/api/approval-routes/race-contract-revoke', { sealKind: 'contract', unitId: world.siteId, purpose: 'revoke', steps: [{ count: 1 }] });
  expect(route.status).toBe(200);
}, 60_000);
afterAll(async () => running?.close());

type Answer = JsonAnswer;
const call = (person: Person, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Answer> => personCall(running.url, running.server.config.origins[0]!, person, method, path, body);

/** An active contract seal kept by the custodian, with a revocation asked by an administrator and not yet decided. */
async function sealAwaitingRevocation(id: string): Promise<GovernanceRequest> {
  const made = await creation(custodian, 'seal', { id, name: id, kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
  const first = await factRowOf(custodian, 'seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
  expect(outcomes(await push(running, custodian, [made.row, first]))).toEqual(['accepted', 'accepted']);
  const asked = await call(world.admin, 'POST', `/api/seals/${id}/governance-requests`, { action: 'revoke', reason: '合同章停用 contract seal retired' });
  expect(asked.status).toBe(201);
  return asked.json.request as GovernanceRequest;
}

const movesOf = (sealId: string): Promise<string[]> => sealMovesOf(running.server, sealId);

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('an approved move and a pushed move of one seal, side by side', () => {
  it(`takes exactly one of them, ${ROUNDS} times over, whichever comes first`, async () => {
    const taken: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sealId = `seal-race-${round}`;
      const request = await sealAwaitingRevocation(sealId);
      const payload = governanceDecisionPayload(request, 'approve');
      const decision = { payload, assertion: await siteHead.authenticator.signRecord(payload, siteHead.credentialId) };
      // Dated just after the server's clock, so that it is judged by the seal's status alone.
      const suspension = await factRowOf(custodian, 'seal_status_change', sealMove(sealId, 'active', 'suspended', custodian.userId, 'custodian', running.server.clock.now() + 1_000 + round) as never, world.siteId);
      // The push starts 0 to 92 ms after the decision: the decision's checks before its apply take
      // tens of milliseconds, so some rounds meet the apply mid-way (without the lock, both moves were taken).
      const [decided, pushed] = await Promise.all([
        call(siteHead, 'POST', `/api/governance-requests/${request.id}/decisions`, decision),
        pause(round * 4).then(() => push(running, custodian, [suspension])),
      ]);
      expect(decided.status).toBe(200);
      const state = (decided.json.request as GovernanceRequest).state;
      const [answer] = outcomes(pushed);
      const moves = await movesOf(sealId);
      // One move after the seal's creation, and the other refused as made from a status it has left.
      expect([state, answer, moves], `round ${round}`).toEqual(
        state === 'applied'
          ? ['applied', 'refused:stale_transition', ['new→active', 'active→revoked']]
          : ['failed', 'accepted', ['new→active', 'active→suspended']],
      );
      taken.push(state === 'applied' ? 'approved' : 'pushed');
    }
    // Both orders are fine; which one won each round is only reported.
    console.info(`governance apply race: ${taken.filter((t) => t === 'approved').length} rounds the approval first, ${taken.filter((t) => t === 'pushed').length} the push`);
  }, 240_000);
});
