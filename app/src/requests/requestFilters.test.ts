import { describe, expect, it } from 'vitest';
import type { RequestStatus, TreeUnit, User } from '@seal/shared';
import type { RequestEntry } from './requestBook';
import { dayBound, filterRequests, NO_FILTER, requestsInScope } from './requestFilters';

const units: TreeUnit[] = [
  { id: 'hq', parentId: null },
  { id: 'east', parentId: 'hq' },
  { id: 'east-site', parentId: 'east' },
  { id: 'west', parentId: 'hq' },
  { id: 'west-site', parentId: 'west' },
];
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 4);

const entry = (id: string, title: string, requesterId: string, unitId: string, sealId: string, status: RequestStatus | undefined, createdAt: number, sealUnitId = unitId): RequestEntry => ({
  id,
  request: { id, requesterId, unitId, sealId, document: { title, sha256: '0'.repeat(64), pages: 1 }, createdAt } as RequestEntry['request'],
  seal: { id: sealId, unitId: sealUnitId } as RequestEntry['seal'],
  sealStatus: 'active',
  electronicGrants: [],
  view: status === undefined ? undefined : ({ status } as RequestEntry['view']),
  decisions: [],
  grants: [],
});

const entries = [
  entry('req-a1', '分包合同 A', 'li', 'east-site', 'seal-contract', 'pending', T0),
  entry('req-b2', 'Lease renewal', 'zhang', 'east-site', 'seal-official', 'completed', T0 + DAY),
  entry('req-c3', '材料采购合同', 'zhang', 'west-site', 'seal-west', 'approved', T0 + 2 * DAY),
  entry('req-d4', '工程款支付', 'li', 'east', 'seal-contract', 'in_use', T0 + 3 * DAY),
  entry('req-e5', 'Unknown seal', 'wu', 'west-site', 'seal-gone', undefined, T0 + 4 * DAY),
  // A request of another unit on a seal held in the east.
  entry('req-f6', 'Borrowed seal', 'wu', 'west-site', 'seal-contract', 'rejected', T0 + 5 * DAY, 'east-site'),
];
const names: Record<string, string> = { li: '李工', zhang: 'Zhang Wei', wu: '吴会计' };
const nameOf = (id: string) => names[id];
const ids = (list: readonly RequestEntry[]) => list.map((e) => e.id);
const run = (filter: Partial<typeof NO_FILTER> & { from?: number; to?: number }) => ids(filterRequests(entries, { ...NO_FILTER, ...filter }, nameOf, units));
const user = (role: User['grants'][number]['role'], unitId: string, active = true) => ({ id: 'me', name: 'Me', unitId, grants: [{ role, unitId }], active }) as unknown as User;

describe('the requests someone reads over their scope', () => {
  it('a custodian of the east site: its requests, and requests elsewhere on its seals', () => {
    expect(ids(requestsInScope(entries, user('custodian', 'east-site'), units))).toEqual(['req-a1', 'req-b2', 'req-f6']);
  });
  it('an auditor at HQ: everything held; an admin of the west: the west\'s', () => {
    expect(ids(requestsInScope(entries, user('auditor', 'hq'), units))).toEqual(ids(entries));
    expect(ids(requestsInScope(entries, user('admin', 'west'), units))).toEqual(['req-c3', 'req-e5', 'req-f6']);
  });
  it('staff or an approver read no one else\'s requests here; a deactivated auditor none', () => {
    expect(requestsInScope(entries, user('staff', 'east-site'), units)).toEqual([]);
    expect(requestsInScope(entries, user('approver', 'hq'), units)).toEqual([]);
    expect(requestsInScope(entries, user('auditor', 'hq', false), units)).toEqual([]);
  });
});

describe('search and filters', () => {
  it('no filter keeps everything, in order', () => {
    expect(run({})).toEqual(ids(entries));
  });
  it('searches the title, the code and the requester\'s name, ignoring case and spaces around', () => {
    expect(run({ text: '合同' })).toEqual(['req-a1', 'req-c3']);
    expect(run({ text: '  LEASE ' })).toEqual(['req-b2']);
    expect(run({ text: 'c3' })).toEqual(['req-c3']);
    expect(run({ text: 'SEALCTL:REQ:req-d4' })).toEqual(['req-d4']);
    expect(run({ text: '李工' })).toEqual(['req-a1', 'req-d4']);
    expect(run({ text: 'zhang' })).toEqual(['req-b2', 'req-c3']);
    expect(run({ text: 'nobody' })).toEqual([]);
  });
  it('filters by status; "open" means pending, approved or in use (never an unknown status)', () => {
    expect(run({ status: 'completed' })).toEqual(['req-b2']);
    expect(run({ status: 'open' })).toEqual(['req-a1', 'req-c3', 'req-d4']);
  });
  it('filters by seal, and by unit with everything under it', () => {
    expect(run({ sealId: 'seal-contract' })).toEqual(['req-a1', 'req-d4', 'req-f6']);
    expect(run({ unitId: 'east' })).toEqual(['req-a1', 'req-b2', 'req-d4']);
    expect(run({ unitId: 'west-site' })).toEqual(['req-c3', 'req-e5', 'req-f6']);
  });
  it('filters by the period submitted, both ends included, and combines filters', () => {
    expect(run({ from: T0 + DAY, to: T0 + 3 * DAY })).toEqual(['req-b2', 'req-c3', 'req-d4']);
    expect(run({ from: T0 + 4 * DAY })).toEqual(['req-e5', 'req-f6']);
    expect(run({ to: T0 })).toEqual(['req-a1']);
    expect(run({ unitId: 'east', status: 'open', text: '李' })).toEqual(['req-a1', 'req-d4']);
  });
  it('reads a date input as a whole local day', () => {
    const start = dayBound('2026-11-02')!;
    const end = dayBound('2026-11-02', true)!;
    expect(new Date(start)).toEqual(new Date(2026, 10, 2));
    expect(end - start).toBe(DAY - 1);
    expect(dayBound('')).toBeUndefined();
    expect(dayBound('2026-13-45x')).toBeUndefined();
  });
});
