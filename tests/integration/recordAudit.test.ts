/**
 * Every change of a seal's or a device's record pushed from a tablet has its audit record, as the
 * pusher, with what the record was and became: a device registered, a seal made and locked in
 * it, renamed, moved in its life cycle. A copy pushed again (a retry, another tablet's) is not
 * audited twice, and a refused row is never audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceRecord, sealMove } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import type { AuditLog } from '../../sync-server/src/couch/auditLog';
import { creation, edit, factRowOf, outcomes, push, pushRaw } from './hostileClient';

interface AuditRow {
  readonly seq: number;
  readonly action: string;
  readonly actor: { readonly userId: string; readonly credentialId?: string };
  readonly target: { readonly kind: string; readonly id: string };
  readonly unitId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

let running: RunningSync;
let world: World;
let custodian: Person;
let outsider: Person;

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  outsider = await world.person(world.otherBranchId, ['custodian'], 'Custodian elsewhere');
}, 60_000);
afterAll(async () => running?.close());

async function auditAfter(after: number): Promise<AuditRow[]> {
  const all: AuditRow[] = [];
  for (let from = after; ;) {
    const page = (await running.server.call('GET', `/api/audit?limit=500&after=${from}`, { cookie: world.admin.cookie })).json<{ records: AuditRow[]; nextAfter: number | null }>();
    all.push(...page.records);
    if (page.records.length < 500 || page.nextAfter === null) return all;
    from = page.nextAfter;
  }
}

const headSeq = async (): Promise<number> => (await auditAfter(0)).at(-1)?.seq ?? 0;
const aboutRecords = (rows: readonly AuditRow[]) => rows.filter((r) => ['seal', 'device'].includes(r.target.kind) && !r.action.startsWith('seal_governance'));

describe('pushed seal and device records are audited', () => {
  it('records each change once, as the pusher, with before and after; never a copy again, never a refused row', async () => {
    const from = await headSeq();
    const device = await deviceRecord('dev-audit-1', world.siteId);
    const registered = await creation(custodian, 'device', device);
    const seal = { id: 'seal-audit-1', name: '合同专用章', kind: 'contract', unitId: world.siteId, custodianId: custodian.userId, createdAt: 1_790_000_000_000, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId: 'dev-audit-1' };
    const made = await creation(custodian, 'seal', seal);
    const held = await edit(custodian, 'device', registered.doc, world.siteId, (d) => { d.state = 'bound'; d.sealId = seal.id; });
    const renamed = await edit(custodian, 'seal', made.doc, world.siteId, (d) => { d.name = '项目部合同专用章'; });
    const activated = await factRowOf(custodian, 'seal_status_change', sealMove(seal.id, null, 'active', custodian.userId, 'custodian', Date.now()) as never, world.siteId);
    const rows = [registered.row, made.row, held.row, renamed.row, activated];
    expect(outcomes(await push(running, custodian, rows))).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);

    const records = aboutRecords(await auditAfter(from));
    expect(records.map((r) => [r.action, r.target.id])).toEqual([
      ['device.register', 'dev-audit-1'],
      ['seal.create', 'seal-audit-1'],
      ['device.update', 'dev-audit-1'],
      ['seal.update', 'seal-audit-1'],
      ['seal.status_change', 'seal-audit-1'],
    ]);
    for (const record of records) {
      expect(record.actor.userId).toBe(custodian.userId);
      expect(record.actor.credentialId).toBe(custodian.credentialId);
      expect(record.unitId).toBe(world.siteId);
    }
    const [registration, creationRecord, binding, rename, move] = records;
    expect(registration).toMatchObject({ before: null, after: { id: 'dev-audit-1', state: 'provisioned', sealId: null } });
    expect(creationRecord).toMatchObject({ before: null, after: { id: seal.id, name: '合同专用章', deviceId: 'dev-audit-1' } });
    expect(binding).toMatchObject({ before: { state: 'provisioned', sealId: null }, after: { state: 'bound', sealId: seal.id } });
    expect(rename).toMatchObject({ before: { name: '合同专用章' }, after: { name: '项目部合同专用章' } });
    expect(move).toMatchObject({ before: { status: null }, after: { status: 'active', actorRole: 'custodian' } });

    // The same rows again (a retry whose answer was lost): duplicates, and no new record.
    const seqAfter = await headSeq();
    expect(outcomes(await push(running, custodian, rows))).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(aboutRecords(await auditAfter(seqAfter))).toEqual([]);

    // Refused rows leave no record: another unit's custodian renaming the seal, a seal locked in
    // a device nobody registered.
    const grab = await edit(outsider, 'seal', renamed.doc, world.siteId, (d) => { d.name = 'mine now'; });
    const unbound = await creation(custodian, 'seal', { ...seal, id: 'seal-audit-2', deviceId: 'dev-nowhere' });
    expect(outcomes(await push(running, outsider, [grab.row]))[0]).toMatch(/^refused:/);
    expect(outcomes(await push(running, custodian, [unbound.row]))).toEqual(['refused:unknown_record']);
    expect(aboutRecords(await auditAfter(seqAfter))).toEqual([]);

    // The chain still verifies with the new records in it.
    const verified = await running.server.call('GET', '/api/audit/verify', { cookie: world.admin.cookie });
    expect(verified.json()).toMatchObject({ ok: true });
  });

  it('leaves no stored row unaudited when the audit log fails after the write: the record is chained later, once', async () => {
    // A second server whose audit log can be made to refuse after some appends (the store's audit
    // database failing part-way through a push's records).
    let appendsLeft = Infinity;
    const failable = (log: AuditLog): AuditLog => ({
      ...log,
      append: (entry) => (appendsLeft-- <= 0 ? Promise.reject(new Error('the audit database refused the write (test)')) : log.append(entry)),
    });
    const other = await startSyncServer({}, { auditLog: failable });
    try {
      const otherWorld = await setUpWorld(other.server);
      const keeper = await otherWorld.person(otherWorld.siteId, ['custodian'], 'Keeper 保管员');
      const audit = async (after: number) => {
        const page = (await other.server.call('GET', `/api/audit?limit=500&after=${after}`, { cookie: otherWorld.admin.cookie })).json<{ records: AuditRow[] }>();
        return aboutRecords(page.records);
      };
      const device = await creation(keeper, 'device', await deviceRecord('dev-audit-fail', otherWorld.siteId));
      const seal = { id: 'seal-audit-fail', name: '合同专用章', kind: 'contract', unitId: otherWorld.siteId, custodianId: keeper.userId, createdAt: 1_790_000_000_000, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId: 'dev-audit-fail' };
      const made = await creation(keeper, 'seal', seal);

      // The device's record is chained, then the audit log fails before the seal's.
      appendsLeft = 1;
      const failed = await pushRaw(other, keeper, JSON.stringify({ rows: [device.row, made.row] }));
      expect(failed.status).toBe(500);
      appendsLeft = Infinity;
      // The rows were written before the audit failed: a retry finds them held, and adds no record itself.
      expect(outcomes(await push(other, keeper, [device.row, made.row]))).toEqual(['duplicate', 'duplicate']);
      expect((await audit(0)).map((r) => r.action)).toEqual(['device.register']);

      // Past the grace period, the next push with records owed chains those left owing first, once each.
      other.server.clock.advance(6 * 60_000);
      const renamed = await edit(keeper, 'seal', made.doc, otherWorld.siteId, (d) => { d.name = '项目部合同专用章'; });
      expect(outcomes(await push(other, keeper, [renamed.row]))).toEqual(['accepted']);
      const records = await audit(0);
      expect(records.map((r) => [r.action, r.target.id, r.actor.userId])).toEqual([
        ['device.register', 'dev-audit-fail', keeper.userId],
        ['seal.create', 'seal-audit-fail', keeper.userId],
        ['seal.update', 'seal-audit-fail', keeper.userId],
      ]);
      // Nothing is owed any more: another push chains nothing twice.
      other.server.clock.advance(6 * 60_000);
      const again = await edit(keeper, 'seal', renamed.doc, otherWorld.siteId, (d) => { d.name = '项目部合同章'; });
      expect(outcomes(await push(other, keeper, [again.row]))).toEqual(['accepted']);
      expect((await audit(0)).map((r) => r.action)).toEqual(['device.register', 'seal.create', 'seal.update', 'seal.update']);
      expect((await other.server.call('GET', '/api/audit/verify', { cookie: otherWorld.admin.cookie })).json()).toMatchObject({ ok: true });
    } finally {
      await other.close();
    }
  });
});
