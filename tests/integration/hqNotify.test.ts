/**
 * Telling people (issue 13, item 8) and the PDF audit report (item 7), through real parts: a webhook receiver on loopback answers
 * 500 to the first attempt of each event and 200 after; a site tablet pushes a device log holding
 * a stamp and missing an entry (the server raises a `log_gap` alarm). Each event reaches the
 * receiver signed with the hook's secret — checked here with node:crypto, not with the server's
 * code — and again, with the same event id, after the 500; the delivery log shows both attempts.
 * The seal's custodian finds the stamp among their notifications. The audit report of the branch
 * then counts that stamp and that alarm, in a PDF whose Chinese text poppler extracts.
 */
import { execFile } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENESIS_PREV_HASH, deviceEventHash, type DeviceEvent, type UnsignedDeviceEvent } from '@seal/shared';
import { deviceWithLog, holdingSeal, sealRecord, signDeviceEntry } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, type Person, type RunningSync, type World } from './harness';

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly answered: number;
}

/** A receiver that answers 500 to the first delivery of each event id and 200 to the next ones. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const eventId = String(req.headers['x-seal-event-id']);
      const answered = seen.has(eventId) ? 200 : 500;
      seen.add(eventId);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/seal`, received };
}

/** The signature a receiver expects, computed from the secret alone. */
function verifySignature(secret: string, delivery: Received): boolean {
  const timestamp = String(delivery.headers['x-seal-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex')}`);
  const given = Buffer.from(String(delivery.headers['x-seal-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let running: RunningSync;
let world: World;
let custodian: Person;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  // Loopback receivers are allowed here only; retries wait 20 ms, 40 ms… instead of 30 s, 60 s….
  running = await startSyncServer({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_MAX_ATTEMPTS: '4' });
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  receiver = await startReceiver();
}, 60_000);
afterAll(async () => {
  receiver?.server.close();
  await running?.close();
});

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, cookie: string, body?: unknown) =>
  running.server.call(method, url, { cookie, ...(body === undefined ? {} : { body }) });

/** A device bound to a seal the custodian keeps, with a log: boot, low battery, a stamp, …; entry 3 is never pushed. */
async function stampedDevice() {
  const device = await deviceWithLog('dev-hook-1', world.siteId, 2);
  let prevHash = await deviceEventHash(device.log[1]!);
  const log: DeviceEvent[] = [...device.log];
  for (const [seq, type, payload] of [[2, 'stamp', { requestId: null, grantId: null, useIndex: null, photoSha256: null }], [3, 'low_battery', { percent: 40 }], [4, 'low_battery', { percent: 39 }]] as const) {
    const entry = await signDeviceEntry(device.privateKey, { deviceId: 'dev-hook-1', seq, prevHash, at: 1_790_000_100_000 + seq, type, payload } as UnsignedDeviceEvent);
    log.push(entry);
    prevHash = await deviceEventHash(entry);
  }
  expect(log[0]!.prevHash).toBe(GENESIS_PREV_HASH);
  return { ...device, log };
}

describe('webhooks', () => {
  it('refuses a hook from someone who is not an administrator, and a URL that is not http(s)', async () => {
    const asCustodian = await call('POST', '/api/hq/webhooks', custodian.cookie, { url: receiver.url, unitId: world.siteId, eventKinds: ['stamp'] });
    expect(asCustodian.statusCode, asCustodian.body).toBe(403);
    const ftp = await call('POST', '/api/hq/webhooks', world.admin.cookie, { url: 'ftp://oa.example.com/hook', unitId: world.siteId, eventKinds: ['stamp'] });
    expect(ftp.statusCode, ftp.body).toBe(400);
    expect(ftp.json<{ error: string }>().error).toBe('invalid_body');
    const script = await call('POST', '/api/hq/webhooks', world.admin.cookie, { url: 'javascript:alert(1)', unitId: world.siteId, eventKinds: ['stamp'] });
    expect(script.statusCode, script.body).toBe(400);
  });

  it('delivers a stamp and an alarm signed, again after a 500, and logs both attempts; the custodian is notified of the stamp', async () => {
    const created = await call('POST', '/api/hq/webhooks', world.admin.cookie, { url: receiver.url, unitId: world.branchId, eventKinds: ['stamp', 'alarm'], alarmKinds: ['log_gap', 'tamper'], description: 'OA 系统' });
    expect(created.statusCode, created.body).toBe(201);
    const { webhook, secret } = created.json<{ webhook: { id: string }; secret: string }>();
    // The secret is shown once: the list does not carry it.
    const listed = await call('GET', '/api/hq/webhooks', world.admin.cookie);
    expect(listed.body).not.toContain(secret);

    const device = await stampedDevice();
    const seal = sealRecord('seal-hook-1', world.siteId, custodian.userId) as unknown as Record<string, unknown>;
    const tablet = await replicas.open(custodian, 'hook-tablet');
    tablet.start();
    // The device registered, then the seal locked in it (the device's record naming it back).
    await tablet.store.records.create('device', device.record);
    await tablet.store.records.create('seal', { ...seal, form: 'physical', antiCounterfeitCode: '3301020012345', deviceId: 'dev-hook-1' } as never, [], [holdingSeal('dev-hook-1', 'seal-hook-1')]);
    await tablet.sync!.awaitInSync();
    // The tablet read the device's log but lost entry 3: the server accepts the rest and raises a gap.
    await tablet.store.facts.appendMany('device_event', [...device.log.slice(0, 3), device.log[4]!], world.siteId);
    tablet.sync!.syncNow();
    await tablet.sync!.awaitInSync();
    expect(tablet.store.status.get().refusals).toEqual([]);

    const stampId = 'fact:device_event:dev-hook-1:2';
    const gapId = 'fact:alarm:log_gap:dev-hook-1:3';
    type Logged = { eventId: string; status: string; attempts: { statusCode: number | null; error: string | null; durationMs: number; at: number }[] };
    const log = async () => {
      const res = await call('GET', `/api/hq/webhooks/${webhook.id}/deliveries`, world.admin.cookie);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ deliveries: Logged[] }>().deliveries;
    };
    await vi.waitFor(async () => {
      const delivered = (await log()).filter((d) => d.status === 'delivered').map((d) => d.eventId);
      expect(delivered.sort()).toEqual([gapId, stampId].sort());
    }, { timeout: 30_000, interval: 100 });

    // One delivery per event, each with the 500 and then the 200.
    const deliveries = await log();
    expect(deliveries).toHaveLength(2);
    for (const delivery of deliveries) {
      expect(delivery.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
      expect(delivery.attempts.every((a) => a.error === null && a.durationMs >= 0)).toBe(true);
      expect(delivery.attempts[1]!.at).toBeGreaterThanOrEqual(delivery.attempts[0]!.at);
    }

    // The receiver got each event twice, with the same event id, each signed with the hook's secret.
    for (const eventId of [stampId, gapId]) {
      const copies = receiver.received.filter((r) => r.headers['x-seal-event-id'] === eventId);
      expect(copies.map((c) => c.answered)).toEqual([500, 200]);
      for (const copy of copies) {
        expect(verifySignature(secret, copy)).toBe(true);
        expect(verifySignature('whsec_someone-else', copy)).toBe(false);
        expect(JSON.parse(copy.body)).toMatchObject({ id: eventId, unitId: world.siteId, deviceId: 'dev-hook-1' });
      }
    }
    const stamp = JSON.parse(receiver.received.find((r) => r.headers['x-seal-event-id'] === stampId)!.body) as Record<string, unknown>;
    expect(stamp).toMatchObject({ kind: 'stamp', sealId: 'seal-hook-1', at: device.log[2]!.at, detail: { useIndex: null } });
    const gap = JSON.parse(receiver.received.find((r) => r.headers['x-seal-event-id'] === gapId)!.body) as Record<string, unknown>;
    expect(gap).toMatchObject({ kind: 'alarm', alarmKind: 'log_gap' });
    // Nothing else was sent: the low battery entries are alarms of a kind this hook did not ask for.
    expect(new Set(receiver.received.map((r) => r.headers['x-seal-event-id']))).toEqual(new Set([stampId, gapId]));

    // The custodian hears of the stamp of their seal and of the alarm at their site.
    const mine = await call('GET', '/api/notifications', custodian.cookie);
    expect(mine.statusCode, mine.body).toBe(200);
    const page = mine.json<{ notifications: { id: string; eventId: string; kind: string; sealId: string | null; read: boolean }[]; unread: number }>();
    expect(page.notifications.find((n) => n.eventId === stampId)).toMatchObject({ kind: 'stamp', sealId: 'seal-hook-1', read: false, detail: { useIndex: null } });
    expect(page.notifications.some((n) => n.eventId === gapId)).toBe(true);
    expect(page.unread).toBe(page.notifications.length);
    const read = await call('POST', '/api/notifications/read', custodian.cookie, { upTo: page.notifications[0]!.id });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<{ unread: number }>().unread).toBe(0);
    // Someone else's notifications are not theirs to read.
    const othersView = await call('GET', '/api/notifications', world.admin.cookie);
    expect(othersView.json<{ notifications: { read: boolean }[] }>().notifications.every((n) => !n.read)).toBe(true);
  }, 60_000);
});

describe('a device\'s low-battery readings', () => {
  it('of low battery are one notification per person for the readings one push brought, each entry still a webhook event', async () => {
    const created = await call('POST', '/api/hq/webhooks', world.admin.cookie, { url: receiver.url, unitId: world.siteId, eventKinds: ['alarm'], alarmKinds: ['low_battery'], description: 'battery watch' });
    expect(created.statusCode, created.body).toBe(201);
    const { webhook } = created.json<{ webhook: { id: string } }>();
    // A week of the device's log: booted, then 29 low-battery readings.
    const device = await deviceWithLog('dev-week-1', world.siteId, 30);
    const tablet = await replicas.open(custodian, 'week-tablet');
    tablet.start();
    await tablet.store.records.create('device', device.record);
    await tablet.sync!.awaitInSync();
    await tablet.store.facts.appendMany('device_event', device.log, world.siteId);
    tablet.sync!.syncNow();
    await tablet.sync!.awaitInSync();
    expect(tablet.store.status.get().refusals).toEqual([]);

    const readings = device.log.filter((entry) => entry.type === 'low_battery').map((entry) => `fact:device_event:dev-week-1:${entry.seq}`);
    expect(readings).toHaveLength(29);
    await vi.waitFor(async () => {
      const res = await call('GET', `/api/hq/webhooks/${webhook.id}/deliveries`, world.admin.cookie);
      const delivered = res.json<{ deliveries: { eventId: string; status: string }[] }>().deliveries.filter((d) => d.status === 'delivered').map((d) => d.eventId);
      expect(delivered.sort()).toEqual([...readings].sort());
    }, { timeout: 30_000, interval: 100 });

    type Seen = { eventId: string; kind: string; deviceId: string | null; summary: string; at: number };
    for (const person of [custodian, world.admin]) {
      const page = (await call('GET', '/api/notifications?limit=100', person.cookie)).json<{ notifications: Seen[] }>();
      const aboutDevice = page.notifications.filter((n) => n.deviceId === 'dev-week-1');
      expect(aboutDevice, person.userId).toHaveLength(1);
      // The latest reading's, saying how many and which.
      expect(aboutDevice[0]).toMatchObject({ kind: 'alarm', eventId: readings.at(-1), at: device.log.at(-1)!.at });
      expect(aboutDevice[0]!.summary).toContain('reported low battery 29 times (entries 1, 2, 3, 4, 5 and 24 more, to 29)');
    }
  }, 60_000);
});

describe('the PDF audit report', () => {
  // From before the device's entries (its clock) to after the server raised the gap (the server's clock).
  const period = { from: 1_790_000_000_000 - 86_400_000, to: () => running.server.clock.now() + 86_400_000 };
  const reportUrl = (unit: string) => `/api/hq/report.pdf?unit=${unit}&from=${period.from}&to=${period.to()}`;

  it('is refused to people without report.view on the unit, and for a period that ends before it starts', async () => {
    expect((await call('GET', reportUrl(world.branchId), custodian.cookie)).statusCode).toBe(403);
    const backwards = await call('GET', `/api/hq/report.pdf?unit=${world.branchId}&from=${period.to()}&to=${period.from}`, world.admin.cookie);
    expect(backwards.statusCode, backwards.body).toBe(400);
    expect((await call('GET', reportUrl('no-such-unit'), world.admin.cookie)).statusCode).toBe(404);
  });

  it('counts what the store holds for the branch, in a PDF whose Chinese text is embedded', async () => {
    const response = await running.server.app.inject({ method: 'GET', url: reportUrl(world.branchId), headers: { cookie: world.admin.cookie } });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-report-/);
    const dir = await mkdtemp(join(tmpdir(), 'sealctl-hq-report-'));
    try {
      await writeFile(join(dir, 'report.pdf'), response.rawPayload);
      const { stdout: text } = await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'report.pdf'), '-']);
      expect(text).toContain('用印审计报告');
      expect(text).toContain('Branch 分公司');
      // The one stamp the earlier test pushed (made without a grant), at its site. Its seal kind is
      // unknown, as on the dashboard: the device's log holds no binding and the stamp names no grant
      // (the index resolves a device entry's seal from those only: ADR 006).
      expect(text).toMatch(/用印次数 Stamps\s+1\b/);
      expect(text).toMatch(/无授权用印 Stamps without a grant\s+1\b/);
      expect(text).toMatch(/Site 项目部\s+1\b/);
      expect(text).toMatch(/未知 unknown\s+1\b/);
      // The log gap is open: nothing filled entry 3.
      expect(text).toMatch(/日志缺失 log gap/);
      expect(text).toMatch(/未结案件 Open cases\s+1\b/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
