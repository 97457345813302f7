/**
 * Approvers sign a request's terms (document hash, seal, uses, window, place) and read the rest:
 * its title, pages, copies and purpose. Once someone has decided on it, those stay as they read
 * them: an approval must never come to stand for a purpose nobody approved. Before any decision
 * the requester edits freely; after one, the signed terms may still change (every approval then
 * goes stale and the approvers are asked again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UseRequest } from '@seal/shared';
import { decision, sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

let running: RunningSync;
let world: World;
let staff: Person;
let approver: Person;
let requester: Replica;
let desk: Replica;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  const custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  approver = await world.person(world.branchId, ['approver'], 'Approver 审批人');
  const office = await replicas.open(custodian, 'office');
  await office.store.records.create('seal', sealRecord('seal-frozen', world.siteId, custodian.userId));
  await syncAll([office]);
  requester = await replicas.open(staff, 'requester');
  desk = await replicas.open(approver, 'desk');
  await syncAll([requester, desk]);
}, 120_000);
afterAll(async () => running?.close());

/** The request as the server holds it (its merged record). */
async function onServer(id: string): Promise<UseRequest> {
  await syncAll([desk]);
  await desk.store.whenProjected();
  return (await desk.store.projection(`request:${id}`))!.record as UseRequest;
}

const refusalCodes = () => requester.store.status.get().refusals.map((r) => r.code);

describe('a request someone decided on', () => {
  it('keeps its title, pages, copies and purpose as its approvers read them; its signed terms may still change', async () => {
    const undecided = useRequest('req-undecided-1', staff.userId, world.siteId, 'seal-frozen');
    const decided = useRequest('req-decided-1', staff.userId, world.siteId, 'seal-frozen');
    await requester.store.records.create('request', undecided);
    await requester.store.records.create('request', decided);
    await syncAll([requester, desk]);

    // Before any decision: edited freely.
    await requester.store.records.update('request', undecided.id, (d) => void ((d as { purpose: string }).purpose = 'sign the amended subcontract'));
    await syncAll([requester]);
    expect(refusalCodes()).toEqual([]);
    expect((await onServer(undecided.id)).purpose).toBe('sign the amended subcontract');

    // Approved (or rejected: any decision), then each part approvers read but do not sign is refused.
    await desk.store.facts.append('decision', await decision(approver, decided, 'approve', Date.now()), world.siteId);
    await syncAll([desk, requester]);
    const edits: [string, (d: Record<string, unknown> & { document: Record<string, unknown> }) => void][] = [
      ['purpose', (d) => void (d.purpose = 'guarantee a loan of 10,000,000 RMB')],
      ['title', (d) => void (d.document.title = '担保合同 Loan guarantee')],
      ['pages', (d) => void (d.document.pages = 40)],
      ['copies', (d) => void (d.copies = 20)],
    ];
    for (const [field, edit] of edits) {
      await requester.store.records.update('request', decided.id, edit);
      await syncAll([requester]);
      expect(refusalCodes(), field).toEqual(['request_decided']);
      expect(await onServer(decided.id), field).toMatchObject({ purpose: decided.purpose, copies: decided.copies, document: decided.document });
      // The refused edit stays on this replica only: a fresh one starts from the server's record.
      await replicas.close(requester);
      requester = await replicas.open(staff, `requester-after-${field}`);
      await syncAll([requester]);
    }

    // Its signed terms may change (the approval goes stale: the approvers are asked again).
    await requester.store.records.update('request', decided.id, (d) => void ((d as { usesRequested: number }).usesRequested = 3));
    await syncAll([requester]);
    expect(refusalCodes()).toEqual([]);
    expect((await onServer(decided.id)).usesRequested).toBe(3);
  });
});
