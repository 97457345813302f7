import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS, auditRecordHash, verifyAuditChain, verifyAuditPages } from './auditLog';
import type { AuditRecord } from './model';

/** A well-chained run of `n` records from seq 1. */
async function chain(n: number): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      type: 'audit', seq, at: 1_790_000_000_000 + seq, actor: { userId: 'usr-a' }, action: 'unit.create', target: { kind: 'unit', id: `unit-${seq}` },
      unitId: null, before: null, after: { name: `site ${seq}` }, prevHash: out.at(-1)?.hash ?? AUDIT_GENESIS,
    } as unknown as Omit<AuditRecord, 'hash'>;
    out.push({ ...body, hash: await auditRecordHash(body) });
  }
  return out;
}

describe('checking the audit chain page by page', () => {
  it('follows the chain across pages as over the whole', async () => {
    const records = await chain(7);
    const whole = await verifyAuditChain(records);
    expect(whole).toMatchObject({ ok: true, length: 7 });
    expect(await verifyAuditPages([records.slice(0, 3), records.slice(3, 6), records.slice(6)])).toEqual(whole);
  });

  it('finds a record missing between two pages, and one altered in a later page', async () => {
    const records = await chain(6);
    expect(await verifyAuditPages([records.slice(0, 3), records.slice(4)])).toMatchObject({ ok: false, seq: 5, code: 'sequence_gap' });
    const altered = records.map((r) => (r.seq === 5 ? { ...r, after: { name: 'renamed afterwards' } } : r));
    expect(await verifyAuditPages([altered.slice(0, 3), altered.slice(3)])).toMatchObject({ ok: false, seq: 5, code: 'hash_mismatch' });
  });
});
