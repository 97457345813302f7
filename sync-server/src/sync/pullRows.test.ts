/**
 * `pullRows` against a tree older than the feed: a row of a unit created after the request read
 * the tree (a push into it already in the feed). Served to whoever holds the organisation's root
 * (every unit is theirs, however new), never to anyone else; and never skipped past.
 */
import { describe, expect, it } from 'vitest';
import type { SyncRow, UnitId } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import { unitDigest } from './pullCheckpoint';
import { pullRows } from './pullRows';
import type { RowChangesPage, RowsRepo } from './rowsRepo';

const unit = (id: string, parentId: string | null, kind: string) => ({ id, name: id, kind, parentId, createdAt: 1, updatedAt: 1 });
/** HQ with a branch and its site; `unit_new` (a site under the branch) is in the store's feed, not in this tree. */
const tree = new Map([
  ['unit_hq', unit('unit_hq', null, 'hq')],
  ['unit_branch', unit('unit_branch', 'unit_hq', 'branch')],
  ['unit_site', unit('unit_site', 'unit_branch', 'site')],
]) as unknown as UnitTree;

const row = (id: string, scopeUnitId: string): SyncRow =>
  ({ id: `fact:device_event:${id}`, type: 'fact', kind: 'device_event', subject: 'device:d1', scopeUnitId, author: 'someone', createdAt: 1, body: { n: id } }) as unknown as SyncRow;
const feed = [row('a', 'unit_site'), row('b', 'unit_new'), row('c', 'unit_branch'), row('d', 'unit_new')];

/** A store holding `feed` (sequences 1…n). Only what a pull from a delivered position reads. */
const store = {
  updateSeq: () => Promise.resolve(String(feed.length)),
  changesSince: (since: string, limit: number): Promise<RowChangesPage> => {
    const from = Number(since);
    const entries = feed.slice(from, from + limit).map((r, i) => ({ seq: String(from + i + 1), row: r, origin: undefined }));
    return Promise.resolve({ entries, lastSeq: entries.at(-1)?.seq ?? since });
  },
  indexedCounts: () => Promise.resolve({ count: 0, indexSeq: null }),
} as unknown as RowsRepo;

const user = (grantOn: string): UserDoc =>
  ({ type: 'user', id: 'user_1', name: 'P', unitId: grantOn, grants: [{ role: 'auditor', unitId: grantOn as UnitId }], active: true, webauthnUserId: 'x', createdAt: 1 });

describe('a row of a unit newer than the tree the request read', () => {
  it('is served to the organisation-wide replica, in feed order, not skipped past', async () => {
    const answer = await pullRows(user('unit_hq'), tree, store, { seq: '0', units: 'all', fill: null }, 10);
    expect(answer.rows.map((r) => r.id)).toEqual(feed.map((r) => r.id));
    expect(answer.more).toBe(false);
  });

  it('is never served to a replica whose scope is a branch, whatever its checkpoint claims', async () => {
    for (const units of ['all', [unitDigest('unit_branch'), unitDigest('unit_site')]] as const) {
      const answer = await pullRows(user('unit_branch'), tree, store, { seq: '0', units, fill: null }, 10);
      expect(answer.rows.map((r) => r.id)).toEqual([feed[0]!.id, feed[2]!.id]);
    }
  });
});
