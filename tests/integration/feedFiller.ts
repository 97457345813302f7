/** Filling the server's change feed with rows of another unit, straight into its store (test setup only). */
import type { TestServer } from '../../sync-server/src/testing/testServer';

let filled = 0;

/**
 * Writes `count` rows of unit `unitId` into the server's `rows` database with `_bulk_docs`,
 * bypassing the push path: they stand for the rest of a large organisation, rows a replica of
 * another unit must scan past (and never receive). Returns their ids.
 */
export async function fillFeed(server: TestServer, unitId: string, count: number): Promise<string[]> {
  const db = server.store.couch.use(server.store.dbName('rows'));
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const docs = Array.from({ length: Math.min(1000, count - start) }, () => {
      const n = ++filled;
      const id = `fact:device_event:filler-${process.pid}-${n}`;
      ids.push(id);
      return { _id: id, id, type: 'fact', kind: 'device_event', subject: `device:filler-${unitId}`, scopeUnitId: unitId, author: 'filler', createdAt: 1_790_000_000_000 + n, body: { filler: n } };
    });
    const results = await db.bulk({ docs });
    const failed = results.filter((r) => r.error);
    if (failed.length > 0) throw new Error(`the store refused ${failed.length} filler rows: ${failed[0]!.error} ${failed[0]!.reason ?? ''}`);
  }
  return ids;
}
