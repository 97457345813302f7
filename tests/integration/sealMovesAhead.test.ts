/**
 * A custodian cannot hold a seal's life cycle in the future, against the real server: lifecycle
 * moves are accepted dated at most a few minutes after the server's clock (`judgeMoveTime`), so
 * the hostile tester's `active → suspended` at now + 23 h and `suspended → active` 1 ms later —
 * which made an administrator's confiscation now "no later than the seal's last move" and so
 * refused for a day — are refused (`future_time`), and the confiscation goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { creation, factRowOf, outcomes, push } from './hostileClient';
import { serverRows } from './serverView';

const HOUR = 60 * 60 * 1000;

let running: RunningSync;
let world: World;
let custodian: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
}, 60_000);
afterAll(async () => running?.close());

const move = (by: Person, role: 'custodian' | 'admin', sealId: string, from: Parameters<typeof sealMove>[1], to: Parameters<typeof sealMove>[2], at: number) =>
  factRowOf(by, 'seal_status_change', sealMove(sealId, from, to, by.userId, role, at) as never, world.siteId);

async function statusOf(sealId: string): Promise<string | null> {
  const moves = (await serverRows(running.server))
    .filter((row) => row.type === 'fact' && row.kind === 'seal_status_change' && row.subject === `seal:${sealId}`)
    .map((row) => (row as unknown as { body: { to: string; at: number } }).body)
    .sort((a, b) => a.at - b.at);
  return moves.at(-1)?.to ?? null;
}

describe('lifecycle moves dated ahead of the server\'s clock', () => {
  it('a custodian\'s suspension and resumption a day ahead are refused, and the administrator\'s confiscation now goes through', async () => {
    const made = await creation(custodian, 'seal', { id: 'seal-ahead-lock', name: '项目部合同章', kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
    const first = await move(custodian, 'custodian', 'seal-ahead-lock', null, 'active', Date.now() - HOUR);
    expect(outcomes(await push(running, custodian, [made.row, first]))).toEqual(['accepted', 'accepted']);

    const ahead = Date.now() + 23 * HOUR;
    const lock = [
      await move(custodian, 'custodian', 'seal-ahead-lock', 'active', 'suspended', ahead),
      await move(custodian, 'custodian', 'seal-ahead-lock', 'suspended', 'active', ahead + 1),
    ];
    expect(outcomes(await push(running, custodian, lock))).toEqual(['refused:future_time', 'refused:future_time']);

    const confiscate = await move(world.admin, 'admin', 'seal-ahead-lock', 'active', 'confiscated', Date.now());
    expect(outcomes(await push(running, world.admin, [confiscate]))).toEqual(['accepted']);
    expect(await statusOf('seal-ahead-lock')).toBe('confiscated');
  });

  it('a tablet a minute fast still moves the seal, and a move made just after it (as the app dates one) is taken', async () => {
    const made = await creation(custodian, 'seal', { id: 'seal-ahead-jitter', name: '项目部合同章', kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'electronic' });
    const first = await move(custodian, 'custodian', 'seal-ahead-jitter', null, 'active', Date.now() - HOUR);
    const fast = Date.now() + 60_000;
    const suspended = await move(custodian, 'custodian', 'seal-ahead-jitter', 'active', 'suspended', fast);
    expect(outcomes(await push(running, custodian, [made.row, first, suspended]))).toEqual(['accepted', 'accepted', 'accepted']);
    const revoked = await move(world.admin, 'admin', 'seal-ahead-jitter', 'suspended', 'revoked', Math.max(Date.now(), fast + 1));
    expect(outcomes(await push(running, world.admin, [revoked]))).toEqual(['accepted']);
  });
});
