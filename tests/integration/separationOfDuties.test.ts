/**
 * Separation of duties where roles that may go together meet on one person, through real
 * replicas against the real server: an approver who is also staff never approves their own
 * request (the server refuses the decision). (That a seal's custodian is never its only approver
 * is decided when the status is derived: `checkApprovals`, tested in shared.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decision, sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let keeper: Person;
let approverAndStaff: Person;
let approver: Person;
const replicas = replicaPool(() => running.url);
let clock = 1_790_000_700_000;
const tick = () => ++clock;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  keeper = await world.person(world.siteId, ['custodian', 'approver'], 'Keeper and approver');
  approverAndStaff = await world.person(world.siteId, ['approver', 'staff'], 'Approver and staff');
  approver = await world.person(world.branchId, ['approver'], 'Approver');
}, 60_000);
afterAll(async () => running?.close());

async function replica(person: Person, name: string): Promise<Replica> {
  const opened = await replicas.open(person, name);
  opened.start();
  return opened;
}
const refusalOf = (into: Replica, id: string) => into.store.status.get().refusals.find((r) => r.id === id);

describe('separation of duties on one person', () => {
  it('an approver who is also staff cannot approve their own request: the server refuses it (self_decision)', async () => {
    const custody = await replica(keeper, 'custody');
    await custody.store.records.create('seal', sealRecord('seal-own', world.siteId, keeper.userId));
    const tablet = await replica(approverAndStaff, 'own-tablet');
    await syncAll([custody, tablet]);
    const request = useRequest('req-own', approverAndStaff.userId, world.siteId, 'seal-own');
    await tablet.store.records.create('request', request);
    await syncAll([tablet]);
    const own = await tablet.store.facts.append('decision', await decision(approverAndStaff, request, 'approve', tick()), world.siteId);
    await tablet.sync!.awaitInSync();
    expect(refusalOf(tablet, own.row.id)).toMatchObject({ code: 'self_decision', kind: 'decision' });
    // Nobody else ever holds it; another approver's decision on the same request is accepted.
    const office = await replica(approver, 'branch-office');
    await syncAll([office]);
    expect(await office.store.db.rows.findOne(own.row.id).exec()).toBeNull();
    const theirs = await office.store.facts.append('decision', await decision(approver, request, 'approve', tick()), world.siteId);
    await syncAll([office, tablet]);
    expect(refusalOf(office, theirs.row.id)).toBeUndefined();
    expect((await tablet.store.projection('request:req-own'))?.derived.decisionIds).toEqual([theirs.row.id]);
  });
});
