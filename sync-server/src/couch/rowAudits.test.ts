import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, startTestStore, type TestServer, type TestStore } from '../testing/testServer';
import type { AuditEntry } from './auditLog';
import { PartlyWritten } from './macScope';
import { ROW_AUDIT_GRACE_MS, rowAudits, type RowAudits } from './rowAudits';

/**
 * The audit notes of pushed rows, on the real embedded store: a row is audited once, whichever
 * push or settling chains it, and only once the store holds it.
 */
let testStore: TestStore;
let server: TestServer;
let audits: RowAudits;
const settleErrors: unknown[] = [];

beforeAll(async () => {
  testStore = await startTestStore();
  server = await startTestServer(testStore);
  audits = rowAudits(server.store, server.repos.audit, () => server.clock.now(), (error) => settleErrors.push(error));
}, 60_000);
afterAll(async () => {
  await server?.close();
  await testStore?.close();
});

const entry = (id: string): AuditEntry => ({ actor: { userId: 'u-1' }, action: 'seal.update', target: { kind: 'seal', id }, unitId: 'unit-1', before: null, after: { id } });
const writeRow = async (rowId: string) => {
  await server.store.couch.use(server.store.dbName('rows')).bulk({ docs: [{ _id: rowId, id: rowId, type: 'fact' }] });
};
const recordsOf = async (rowId: string) => (await server.repos.audit.list(0, 10_000)).filter((r) => r.change === `row:${rowId}`);

describe('audit notes of pushed rows', () => {
  it('a push that failed before writing, then a retry that wrote and chained: settling the old note chains nothing again', async () => {
    const failed = audits.around([{ rowId: 'row-a', entry: entry('seal-a') }], () => Promise.reject(new Error('the store refused the write (test)')));
    await expect(failed).rejects.toThrow('refused the write');
    // The retry writes the row and chains its record under a note of its own.
    await audits.around([{ rowId: 'row-a', entry: entry('seal-a') }], async () => {
      await writeRow('row-a');
      return { result: undefined, written: new Set(['row-a']) };
    });
    expect(await recordsOf('row-a')).toHaveLength(1);
    server.clock.advance(ROW_AUDIT_GRACE_MS + 1);
    expect(await audits.reconcile()).toBe(1);
    expect(await recordsOf('row-a')).toHaveLength(1);
    expect(settleErrors).toEqual([]);
  });

  it('a note left with its row stored and no record (the audit log failed) is chained once settled, and not before its grace period', async () => {
    const failing = rowAudits(server.store, { ...server.repos.audit, append: () => Promise.reject(new Error('the audit log refused (test)')) }, () => server.clock.now(), (error) => settleErrors.push(error));
    const pushed = failing.around([{ rowId: 'row-b', entry: entry('seal-b') }, { rowId: 'row-c', entry: entry('seal-c') }], async () => {
      await writeRow('row-b');
      // row-c: another push held it (the store answered `exists`): not this push's to audit.
      return { result: undefined, written: new Set(['row-b']) };
    });
    await expect(pushed).rejects.toThrow('the audit log refused');
    expect(await audits.reconcile()).toBe(0);
    expect(await recordsOf('row-b')).toHaveLength(0);
    server.clock.advance(ROW_AUDIT_GRACE_MS + 1);
    expect(await Promise.all([audits.reconcile(), audits.reconcile()])).toEqual([1, 1]);
    expect(await recordsOf('row-b')).toHaveLength(1);
    expect(await recordsOf('row-c')).toHaveLength(0);
    expect(await audits.reconcile()).toBe(0);
    expect((await server.repos.audit.verify()).ok).toBe(true);
  });
  it('a write that failed after storing part of its rows chains their records at once, in the order pushed; the retry chains the rest', async () => {
    const before = (await server.repos.audit.list(0, 10_000)).length;
    const failed = audits.around([{ rowId: 'row-d', entry: entry('seal-d') }, { rowId: 'row-e', entry: entry('seal-e') }, { rowId: 'row-f', entry: entry('seal-f') }], async () => {
      await writeRow('row-d');
      await writeRow('row-f');
      // The store took row-d and row-f (its first part), then the rest failed.
      throw new PartlyWritten([{ id: 'row-d' }, { id: 'row-f' }], new Error('store restarted (test)'));
    });
    await expect(failed).rejects.toBeInstanceOf(PartlyWritten);
    const chained = (await server.repos.audit.list(0, 10_000)).slice(before).map((r) => r.change);
    expect(chained).toEqual(['row:row-d', 'row:row-f']);
    // The retry writes row-e (the others come back held): it chains only that.
    await audits.around([{ rowId: 'row-d', entry: entry('seal-d') }, { rowId: 'row-e', entry: entry('seal-e') }, { rowId: 'row-f', entry: entry('seal-f') }], async () => {
      await writeRow('row-e');
      return { result: undefined, written: new Set(['row-e']) };
    });
    server.clock.advance(ROW_AUDIT_GRACE_MS + 1);
    await audits.reconcile();
    for (const id of ['row-d', 'row-e', 'row-f']) expect(await recordsOf(id)).toHaveLength(1);
    expect(settleErrors).toEqual([]);
  });
});
