/**
 * Headquarters' merged log over HTTP, fed by real pushes from site tablets: what each filter
 * narrows to is counted against the rows the test pushed (never against the index's own code),
 * an auditor of one branch never sees the other, cursor pages cover every event exactly once, the
 * CSV opens in Excel with its Chinese, and refusals are 4xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HqEventsResponse, TimelineEvent } from '@seal/shared';
import { createUnit } from '../../sync-server/src/testing/testServer';
import { HqService } from '../../sync-server/src/hq/service';
import { deviceWithLog, sealRecord, useRequest } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type Replica, type RunningSync, type World } from './harness';

const T = 1_790_000_000_000;
const EAST_ENTRIES = 30;
const WEST_ENTRIES = 20;

let running: RunningSync;
let world: World;
let eastSite: string;
let westSite: string;
let eastCustodian: Person;
let westCustodian: Person;
let eastAuditor: Person;
let hqAuditor: Person;
let staff: Person;
const replicas = replicaPool(() => running.url);

async function hq<T = HqEventsResponse>(person: Person, url: string): Promise<T> {
  const response = await running.server.call('GET', url, { cookie: person.cookie });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json<T>();
}

/** Every event of a query, following its cursor. */
async function everything(person: Person, query: string, limit = 7): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  let cursor: string | null = null;
  do {
    const page: HqEventsResponse = await hq(person, `/api/hq/events?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

async function pushDevice(person: Person, unitId: string, deviceId: string, length: number, name: string): Promise<void> {
  const device = await deviceWithLog(deviceId, unitId, length);
  const tablet: Replica = await replicas.open(person, name);
  tablet.start();
  await tablet.store.records.create('device', device.record);
  await tablet.store.facts.appendMany('device_event', device.log, unitId);
  await syncAll([tablet]);
  await replicas.close(tablet);
}

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  eastSite = world.siteId;
  westSite = await createUnit(running.server, world.admin.cookie, world.otherBranchId, 'West site 西区项目部', 'site');
  eastCustodian = await world.person(eastSite, ['custodian'], 'East custodian 东区保管员');
  westCustodian = await world.person(westSite, ['custodian'], 'West custodian 西区保管员');
  eastAuditor = await world.person(world.branchId, ['auditor'], 'East auditor 东区审计');
  hqAuditor = await world.person(world.admin.rootUnitId, ['auditor'], 'HQ auditor 总部审计');
  staff = await world.person(eastSite, ['staff'], 'Staff 员工');
  await pushDevice(eastCustodian, eastSite, 'dev-east-1', EAST_ENTRIES, 'east');
  await pushDevice(westCustodian, westSite, 'dev-west-1', WEST_ENTRIES, 'west');
  // A seal and a request at the East site: a seal record and a request record, one change each.
  const tablet = await replicas.open(eastCustodian, 'east-seal');
  tablet.start();
  await tablet.store.records.create('seal', sealRecord('seal-east-1', eastSite, eastCustodian.userId, '合同专用章（东区）'));
  await syncAll([tablet]);
  await replicas.close(tablet);
  const phone = await replicas.open(staff, 'staff-phone');
  phone.start();
  await phone.store.records.create('request', useRequest('req-east-1', staff.userId, eastSite, 'seal-east-1'));
  await syncAll([phone]);
  await replicas.close(phone);
}, 180_000);
afterAll(async () => running?.close());

describe('the merged log', () => {
  it('shows everything pushed to an HQ auditor, and each filter narrows to the rows pushed for it', async () => {
    // East: the device record and its log, the seal, the request. West: its device and log.
    const all = await hq(hqAuditor, '/api/hq/events?limit=200');
    expect(all.counts.total).toBe(1 + EAST_ENTRIES + 1 + 1 + 1 + WEST_ENTRIES);
    expect(all.events).toHaveLength(all.counts.total);
    expect(all.counts.byKind).toMatchObject({ boot: 2, low_battery: EAST_ENTRIES - 1 + WEST_ENTRIES - 1, device_created: 2, seal_created: 1, request_created: 1 });

    const device = await hq(hqAuditor, '/api/hq/events?device=dev-west-1&limit=200');
    expect(device.counts.total).toBe(1 + WEST_ENTRIES);
    expect(device.events.every((e) => e.deviceId === 'dev-west-1')).toBe(true);

    const kinds = await hq(hqAuditor, '/api/hq/events?kind=boot&kind=request_created');
    expect(kinds.counts).toEqual({ total: 3, byKind: { boot: 2, request_created: 1 } });
    const commaKinds = await hq(hqAuditor, '/api/hq/events?kind=boot,seal_created');
    expect(commaKinds.counts).toEqual({ total: 3, byKind: { boot: 2, seal_created: 1 } });

    // The fixture's entries are one millisecond apart from T: [T+10, T+20) holds ten of each log.
    const period = await hq(hqAuditor, `/api/hq/events?from=${T + 10}&to=${T + 20}&unit=${eastSite}`);
    expect(period.counts.total).toBe(10);
    expect(period.events.map((e) => e.at).sort()).toEqual(Array.from({ length: 10 }, (_, i) => T + 10 + i));

    const person = await hq(hqAuditor, `/api/hq/events?person=${staff.userId}`);
    expect(person.events.map((e) => e.kind)).toEqual(['request_created']);
    expect(person.events[0]).toMatchObject({ requestId: 'req-east-1', sealId: 'seal-east-1', unitId: eastSite });

    const seal = await hq(hqAuditor, '/api/hq/events?seal=seal-east-1');
    expect(seal.events.map((e) => e.kind).sort()).toEqual(['request_created', 'seal_created']);
  });

  it('keeps an East auditor to the East subtree', async () => {
    const east = await everything(eastAuditor, 'kind=boot,low_battery,device_created,seal_created,request_created');
    expect(east).toHaveLength(1 + EAST_ENTRIES + 2);
    expect(east.every((e) => e.unitId === eastSite)).toBe(true);
    const west = await running.server.call('GET', `/api/hq/events?unit=${westSite}`, { cookie: eastAuditor.cookie });
    expect(west.statusCode).toBe(403);
    const byDevice = await hq(eastAuditor, '/api/hq/events?device=dev-west-1');
    expect(byDevice.counts.total).toBe(0);
    const csv = await running.server.call('GET', `/api/hq/events.csv?unit=${world.otherBranchId}`, { cookie: eastAuditor.cookie });
    expect(csv.statusCode).toBe(403);
  });

  it('pages by cursor over every event exactly once, newest first', async () => {
    const whole = await hq(hqAuditor, '/api/hq/events?limit=200');
    const paged = await everything(hqAuditor, 'unit=' + world.admin.rootUnitId, 7);
    expect(paged.map((e) => e.id)).toEqual(whole.events.map((e) => e.id));
    expect(new Set(paged.map((e) => e.id)).size).toBe(paged.length);
    const ats = paged.map((e) => e.at);
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
  });

  it('exports CSV with a BOM, bilingual headers and the Chinese it holds', async () => {
    const response = await running.server.call('GET', `/api/hq/events.csv?unit=${eastSite}`, { cookie: hqAuditor.cookie });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="hq-events-.*\.csv"$/);
    const bytes = response.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toContain('时间 Time');
    expect(lines).toHaveLength(1 + 1 + EAST_ENTRIES + 2);
    expect(text).toContain('合同专用章（东区）');
    expect(text).toContain('设备启动');
  });

  it('refuses readers without log.read, and bad queries with 400', async () => {
    const forbidden = await running.server.call('GET', '/api/hq/events', { cookie: staff.cookie });
    expect(forbidden.statusCode).toBe(403);
    expect((await running.server.call('GET', '/api/hq/dashboard', { cookie: staff.cookie })).statusCode).toBe(403);
    const custodianCsv = await running.server.call('GET', '/api/hq/events.csv', { cookie: eastCustodian.cookie });
    expect(custodianCsv.statusCode).toBe(403);
    for (const query of ['limit=201', 'limit=0', 'kind=nope', 'from=yesterday', 'cursor=%7B', 'cursor=bm90IGpzb24', 'unit=_all_docs', 'extra=1', `from=${T + 5}&to=${T}`]) {
      const response = await running.server.call('GET', `/api/hq/events?${query}`, { cookie: hqAuditor.cookie });
      expect(response.statusCode, query).toBe(400);
    }
    // Until the anomaly detector reports cases, "anomalies only" shows nothing (and is accepted).
    expect((await hq(hqAuditor, '/api/hq/events?anomalies=true')).counts.total).toBe(0);
    // A cursor from another period (below this one's start) ends the listing, it does not fail.
    const first = await hq(hqAuditor, '/api/hq/events?limit=1');
    const outside = await hq(hqAuditor, `/api/hq/events?from=${T + 10_000_000_000}&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(outside.events).toEqual([]);
    expect((await running.server.call('GET', '/api/hq/events?unit=no-such-unit', { cookie: hqAuditor.cookie })).statusCode).toBe(404);
    expect((await running.server.call('GET', '/api/hq/dashboard?from=zzz', { cookie: hqAuditor.cookie })).statusCode).toBe(400);
  });

  it('answers the dashboard from what was pushed', async () => {
    const dash = await hq<{ fleet: { devices: { deviceId: string; batteryPercent: number | null; lastContactAt: number | null; stampCount: number }[] } }>(
      hqAuditor, `/api/hq/dashboard?from=${T - 86_400_000}&to=${T + 86_400_000}`);
    const west = dash.fleet.devices.find((d) => d.deviceId === 'dev-west-1');
    // The fixture's last entry (seq length-1) reports 100 - ((length-1) % 100) percent.
    expect(west).toMatchObject({ batteryPercent: 100 - (WEST_ENTRIES - 1), lastContactAt: T + WEST_ENTRIES - 1, stampCount: 0 });
  });

  it('stays the same index across a restart and a second instance re-deriving everything', async () => {
    const before = await hq(hqAuditor, '/api/hq/events?limit=200');
    const dashBefore = await hq(hqAuditor, `/api/hq/dashboard?from=${T - 86_400_000}&to=${T + 86_400_000}`);
    // Two more instances on the same store: one finds no checkpoint (as after a crash before its
    // first), both index at once; then the server answers again.
    const other = new HqService(running.server.store);
    const third = new HqService(running.server.store);
    const db = running.server.store.couch.use<{ _rev: string }>(running.server.store.dbName('hq_events'));
    const checkpoint = await db.get('checkpoint');
    await db.destroy('checkpoint', checkpoint._rev);
    await Promise.all([other.indexer.catchUp(), third.indexer.catchUp()]);
    const after = await hq(hqAuditor, '/api/hq/events?limit=200');
    expect(after.counts).toEqual(before.counts);
    expect(after.events.map((e) => e.id)).toEqual(before.events.map((e) => e.id));
    expect(await hq(hqAuditor, `/api/hq/dashboard?from=${T - 86_400_000}&to=${T + 86_400_000}`)).toEqual(dashBefore);
    // The whole-organisation path (postings `x:t:…`) names each event once.
    const docs = await db.list({ startkey: 'x:t:', endkey: 'x:t:\ufff0', include_docs: true });
    const ids = docs.rows.flatMap((r) => JSON.parse((r.doc as unknown as { entries: string }).entries) as [number, string, string][]).map((p) => p[2]);
    expect(ids).toHaveLength(before.counts.total);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows a row as soon as it is pushed (read-your-writes)', async () => {
    const phone = await replicas.open(staff, 'staff-phone-2');
    phone.start();
    await phone.store.records.create('request', useRequest('req-east-2', staff.userId, eastSite, 'seal-east-1'));
    await syncAll([phone]);
    const person = await hq(hqAuditor, `/api/hq/events?person=${staff.userId}&kind=request_created`);
    expect(person.events.map((e) => e.requestId).sort()).toEqual(['req-east-1', 'req-east-2']);
  });
});
