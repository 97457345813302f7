/**
 * Hostile pushes of rows that carry fields the schemas do not know, over HTTP against the real
 * server: at the top of a fact's body and nested in it, for every fact kind a client may push, and
 * in every record kind, plus prototype-pollution keys. A fact's extra fields would ride outside its
 * content address (two bodies, one id) and a record's would be stored and replicated as if they
 * meant something (`isAdmin: true`): every one is refused and nothing of it is stored.
 */
import * as Automerge from '@automerge/automerge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancellationId, type FactKind, type PushResult } from '@seal/shared';
import { decision, deviceWithLog, sealMove, sealRecord, useRequest } from './fixtures';
import { setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';
import { actorOf, changeRowOf, creation, edit, factRowOf, outcomes, push, pushRaw } from './hostileClient';
import { serverRows } from './serverView';

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let approver: Person;
let clock = 1_790_000_700_000;
const tick = () => (clock += 10);
const HTML = '<img src=x onerror="alert(document.cookie)">';

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  approver = await world.person(world.siteId, ['approver'], 'Approver 审批人');
  const seal = await creation(custodian, 'seal', sealRecord('seal-strict', world.siteId, custodian.userId));
  const active = await factRowOf(custodian, 'seal_status_change', sealMove('seal-strict', null, 'active', custodian.userId, 'custodian', tick()) as never, world.siteId);
  const request = await creation(staff, 'request', useRequest('req-strict', staff.userId, world.siteId, 'seal-strict'));
  const results = [...(await push(running, custodian, [seal.row, active])), ...(await push(running, staff, [request.row]))];
  if (results.some((r) => r.status !== 'accepted')) throw new Error(`setup refused: ${JSON.stringify(results)}`);
}, 60_000);
afterAll(async () => running?.close());

const heldIds = async (): Promise<Set<string>> => new Set((await serverRows(running.server)).map((row) => row.id));
const request = () => useRequest('req-strict', staff.userId, world.siteId, 'seal-strict');
type Body = Record<string, unknown>;

/**
 * Pushes each dirty variant (addressed like the clean body, as a server that dropped unknown
 * fields would address it) and expects each refused as `invalid_row`, naming the field; then,
 * where `acceptClean`, the clean body itself, which goes through: the refusal was the extra field's.
 */
async function expectExtrasRefused(by: Person, kind: FactKind, clean: Body, variants: Record<string, [Body, string]>, acceptClean = true): Promise<void> {
  for (const [label, [dirty, field]] of Object.entries(variants)) {
    const row = await factRowOf(by, kind, dirty, world.siteId, clean);
    const [result] = await push(running, by, [row]);
    expect(result, `${kind}: ${label}`).toMatchObject({ status: 'refused', code: 'invalid_row', message: expect.stringContaining(field) as unknown });
    expect((await heldIds()).has(row.id), `${kind}: ${label} stored`).toBe(false);
  }
  if (!acceptClean) return;
  const [result] = await push(running, by, [await factRowOf(by, kind, clean, world.siteId)]);
  expect(result?.status, `${kind}: clean`).toBe('accepted');
}

describe('fact bodies are strict, at every depth', () => {
  it('refuses a decision with extra status, grantedUses, an HTML note, or extras inside its payload and assertion', async () => {
    const clean = (await decision(approver, request(), 'approve', tick())) as unknown as Body;
    const payload = clean.payload as Body;
    await expectExtrasRefused(approver, 'decision', clean, {
      top: [{ ...clean, status: 'approved', grantedUses: 99, note: HTML }, 'status'],
      payload: [{ ...clean, payload: { ...payload, grantedUses: 99 } }, 'grantedUses'],
      window: [{ ...clean, payload: { ...payload, window: { ...(payload.window as Body), extendedTo: 9_999_999_999_999 } } }, 'extendedTo'],
      place: [{ ...clean, payload: { ...payload, place: { ...(payload.place as Body), anywhere: true } } }, 'anywhere'],
      assertion: [{ ...clean, assertion: { ...(clean.assertion as Body), note: HTML } }, 'note'],
      constructorKey: [{ ...clean, constructor: 'Object' }, 'constructor'],
    });
  });

  it('refuses a grant with extra fields, at the top or inside a decision it carries', async () => {
    const signed = (await decision(approver, request(), 'approve', tick())) as unknown as Body;
    const carried = { ...signed, id: (await factRowOf(approver, 'decision', signed, world.siteId)).id.slice('fact:decision:'.length) };
    const r = request();
    const clean = { requestId: r.id, sealId: r.sealId, deviceId: 'dev-none', holderId: staff.userId, uses: r.usesRequested, window: r.window, decisions: [carried] };
    await expectExtrasRefused(staff, 'grant', clean, {
      top: [{ ...clean, grantedUses: 1000 }, 'grantedUses'],
      decision: [{ ...clean, decisions: [{ ...carried, status: 'approved' }] }, 'status'],
      window: [{ ...clean, window: { ...r.window, extra: 1 } }, 'extra'],
    }, false);
  });

  it('refuses a cancellation and a lifecycle change with extra fields', async () => {
    const at = tick();
    const cancellation = { id: cancellationId(request().id, staff.userId as never, at), requestId: request().id, actorId: staff.userId, reason: '不再需要', at };
    await expectExtrasRefused(staff, 'cancellation', cancellation, {
      top: [{ ...cancellation, status: 'approved' }, 'status'],
      constructorKey: [{ ...cancellation, constructor: { name: 'x' } }, 'constructor'],
    });
    const suspend = sealMove('seal-strict', 'active', 'suspended', custodian.userId, 'custodian', tick()) as unknown as Body;
    await expectExtrasRefused(custodian, 'seal_status_change', suspend, {
      top: [{ ...suspend, isAdmin: true }, 'isAdmin'],
      html: [{ ...suspend, note: HTML }, 'note'],
    });
  });

  it('refuses a device log entry with extra fields, at the top or in its payload, though its signature verifies', async () => {
    const device = await deviceWithLog('dev-strict', world.siteId, 1);
    const made = await creation(custodian, 'device', device.record);
    expect(outcomes(await push(running, custodian, [made.row]))).toEqual(['accepted']);
    const entry = device.log[0]! as unknown as Body;
    await expectExtrasRefused(custodian, 'device_event', entry, {
      top: [{ ...entry, verified: true }, 'verified'],
      payload: [{ ...entry, payload: { ...(entry.payload as Body), debug: true } }, 'debug'],
    });
  });

  it('refuses an attachment description with extra fields', async () => {
    const clean = { sha256: 'cd'.repeat(32), about: 'request:req-strict', mime: 'image/png', size: 100, at: tick() };
    await expectExtrasRefused(staff, 'attachment', clean, {
      top: [{ ...clean, url: 'https://evil.example/page.png' }, 'url'],
      constructorKey: [{ ...clean, constructor: 'Object' }, 'constructor'],
    });
  });

  it('answers a body with a "__proto__" key 400, stores nothing, and the server keeps serving', async () => {
    const suspend = sealMove('seal-strict', 'suspended', 'active', custodian.userId, 'custodian', tick()) as unknown as Body;
    const row = await factRowOf(custodian, 'seal_status_change', suspend, world.siteId);
    const text = JSON.stringify({ rows: [row] }).replace('"reason":', '"__proto__":{"isAdmin":true},"reason":');
    const answer = await pushRaw(running, custodian, text);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: expect.any(String) as unknown, message: expect.any(String) as unknown });
    expect((await heldIds()).has(row.id)).toBe(false);
    expect(({} as Body).isAdmin).toBeUndefined();
    expect((await push(running, custodian, [row]))[0]?.status).toBe('accepted');
  });
});

describe('record documents are strict, at every depth', () => {
  const refusedRecord = (results: readonly PushResult[], field: string) =>
    expect(results[0]).toMatchObject({ status: 'refused', code: 'invalid_record', message: expect.stringContaining(field) as unknown });

  it('refuses a seal created or edited with isAdmin, or with a "constructor" key', async () => {
    const created = await creation(custodian, 'seal', { ...(sealRecord('seal-admin', world.siteId, custodian.userId) as Body), isAdmin: true });
    refusedRecord(await push(running, custodian, [created.row]), 'isAdmin');
    const withConstructor = await creation(custodian, 'seal', { ...(sealRecord('seal-ctor', world.siteId, custodian.userId) as Body), constructor: 'Object' });
    refusedRecord(await push(running, custodian, [withConstructor.row]), 'constructor');
    const plain = await creation(custodian, 'seal', sealRecord('seal-plain', world.siteId, custodian.userId));
    expect(outcomes(await push(running, custodian, [plain.row]))).toEqual(['accepted']);
    const promoted = await edit(custodian, 'seal', plain.doc, world.siteId, (d) => void (d.isAdmin = true));
    refusedRecord(await push(running, custodian, [promoted.row]), 'isAdmin');
    const held = await heldIds();
    for (const id of [created.row.id, withConstructor.row.id, promoted.row.id]) expect(held.has(id), id).toBe(false);
  });

  it('refuses a seal edit whose document maps "__proto__" (fields inherited, not own)', async () => {
    const plain = await creation(custodian, 'seal', sealRecord('seal-proto', world.siteId, custodian.userId));
    expect(outcomes(await push(running, custodian, [plain.row]))).toEqual(['accepted']);
    // The Automerge proxy refuses this key; a hostile client writes the operation itself.
    const poisoned = Automerge.clone(plain.doc, { actor: await actorOf(custodian) });
    const backend = Automerge.getBackend(poisoned);
    backend.putObject('_root', '__proto__', { isAdmin: true, kind: 'official' });
    backend.commit('poison');
    const row = changeRowOf(custodian, 'seal', 'seal-proto', world.siteId, backend.getLastLocalChange()!);
    refusedRecord(await push(running, custodian, [row]), '__proto__');
    expect((await heldIds()).has(row.id)).toBe(false);
  });

  it('refuses a request with extra fields in its document, window, place or geofence', async () => {
    const base = (id: string) => useRequest(id, staff.userId, world.siteId, 'seal-strict') as unknown as Body;
    const fence = { lat: 31.2, lon: 121.5, radiusM: 500 };
    const variants: [string, (r: Body) => Body, string][] = [
      ['top', (r) => ({ ...r, approved: true }), 'approved'],
      ['document', (r) => ({ ...r, document: { ...(r.document as Body), signedBy: 'CEO' } }), 'signedBy'],
      ['window', (r) => ({ ...r, window: { ...(r.window as Body), graceMs: 1 } }), 'graceMs'],
      ['place', (r) => ({ ...r, place: { ...(r.place as Body), anywhere: true } }), 'anywhere'],
      ['geofence', (r) => ({ ...r, place: { ...(r.place as Body), geofence: { ...fence, ignore: true } } }), 'ignore'],
    ];
    for (const [label, dirty, field] of variants) {
      const made = await creation(staff, 'request', dirty(base(`req-extra-${label}`)));
      refusedRecord(await push(running, staff, [made.row]), field);
    }
  });

  it('refuses a device with extra fields, or a private key in its public key', async () => {
    const device = await deviceWithLog('dev-extra', world.siteId, 0);
    const record = device.record as unknown as Body;
    const top = await creation(custodian, 'device', { ...record, trusted: true });
    refusedRecord(await push(running, custodian, [top.row]), 'trusted');
    const nested = await creation(custodian, 'device', { ...record, publicKeyJwk: { ...(record.publicKeyJwk as Body), d: 'A'.repeat(43) } });
    refusedRecord(await push(running, custodian, [nested.row]), 'd');
  });

  it('refuses a profile that lists roles', async () => {
    const made = await creation(staff, 'profile', { id: staff.userId, name: 'Staff', unitId: world.siteId, roles: ['admin'] });
    refusedRecord(await push(running, staff, [made.row]), 'roles');
  });
});
