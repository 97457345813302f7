/**
 * Stamping at a site in real Chromium: the staff member imports a grant file on /stamp, connects
 * the reference seal device over the real Web Bluetooth path (an emulated peripheral answered by
 * the Node-side device), confirms with their own passkey and unlocks; the device is pressed
 * exactly the approved number of times and the screen counts those stamps with their photos;
 * the next press is refused, and unlocking again with the same grant is refused (uses_exhausted).
 *
 * The device is provisioned like a real one: the server's org public key, a seal binding and a
 * time record signed by the org key through POST /api/devices/:id/…, and the signed roster; the
 * administrator registers it from their tablet. The stamping itself happens OFFLINE: the tablet
 * records the device's log and photos, and they reach the server once it is back online.
 *
 * Then the SIMULATED device in the page: the grant reaches the tablet by sync (request, decision
 * and grant pushed by their authors' replicas) and is chosen from the list; the administrator
 * registers the device, and its whole log, photos included, is recorded and reaches the server.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSealDevice,
  MemoryKeys,
  MemoryStorage,
  MemoryTransport,
  SealDeviceClient,
  SimulatedClock,
  SimulatedHardware,
  type SealBinding,
  type SealDevice,
  type Signed,
  type TimeRecord,
} from '@seal/device-bridge';
import {
  assertionChallenge,
  contentId,
  decisionPayload,
  deviceEventHash,
  grantBody,
  sha256,
  toHex,
  useRequestSchema,
  type Decision,
  type DeviceEvent,
  type Grant,
  type P256PublicJwk,
  type PhysicalSeal,
  type SignedRoster,
  type UseRequest,
} from '@seal/shared';
import { EmulatedPeripheral, gattServerHandler } from './bluetooth/emulatedPeripheral';
import { launchBrowser, REPO_ROOT, startServer, type RunningServer } from './harness';
import { registerDevice } from '../../app/src/device/registerDevice';
import { holdingSeal } from '../integration/fixtures';
import type { Replica } from '../integration/harness';
import { invite, newPerson, pageFetch, setUpOrganisation, signInPage, unexpectedErrors, type Person } from './people';
import { replicaOf as replicaOfPerson } from './replicas';
import { setupCodeFrom } from './setupCode';

const SITE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const DEVICE_ID = 'dev-e2e-0001';
const USES = 2;

let server: RunningServer | undefined;
let browser: Browser | undefined;
const people: Person[] = [];
let peripheral: EmulatedPeripheral | undefined;
/** What the first test hands on to the second. */
const state: { admin?: Person; adminId?: string; approver?: Person; approverCredentialId?: string; approverId?: string; siteId?: string } = {};

beforeAll(async () => {
  server = await startServer({ AUTH_RATE_LIMIT: '500' });
  browser = await launchBrowser({ webBluetooth: true });
});

afterAll(async () => {
  await peripheral?.stop().catch(() => undefined);
  // Closing the browser closes every person's context with it.
  const results = await Promise.allSettled([browser?.close()]);
  const stopped = await Promise.allSettled([server?.stop()]);
  for (const r of [...results, ...stopped]) if (r.status === 'rejected') throw r.reason;
});

/** A grant for `requesterId` at the site, approved by the approver's passkey in their page. */
async function approvedGrant(id: string, requesterId: string, siteId: string, approver: Person, approverId: string, approverCredentialId: string, custodianId: string, deviceId = DEVICE_ID): Promise<{ request: UseRequest; seal: PhysicalSeal; grant: Grant }> {
  const now = Date.now();
  const request = useRequestSchema.parse({
    id,
    requesterId,
    unitId: siteId,
    sealId: deviceId === DEVICE_ID ? 'seal-site-contract' : `seal-${deviceId}`,
    document: { title: 'Supply contract', sha256: toHex(await sha256(new TextEncoder().encode('contract'))), pages: 3 },
    copies: USES,
    purpose: 'Sign a supply contract',
    usesRequested: USES,
    window: { notBefore: now - 60_000, notAfter: now + 86_400_000 },
    place: { unitId: siteId, geofence: SITE },
    createdAt: now - 120_000,
  });
  const payload = decisionPayload(request, 'approve');
  const assertion = await signInPage(approver.page, await assertionChallenge(payload), approverCredentialId);
  const decisionBody = { approverId, payload, assertion, at: now } as Omit<Decision, 'id'>;
  const decision = { ...decisionBody, id: await contentId(decisionBody) } as Decision;
  const seal = {
    id: request.sealId, name: 'Site contract seal', kind: 'contract', form: 'physical', unitId: siteId, custodianId,
    status: 'active', createdAt: 0, antiCounterfeitCode: '3301020012345', deviceId,
  } as unknown as PhysicalSeal;
  const body = grantBody(request, seal, [decision]);
  if (!body.ok) throw new Error(body.error.message);
  return { request, seal, grant: { ...body.value, id: await contentId(body.value) } as Grant };
}

/** A Node replica signed in with `person`'s browser session: pushes as them. */
const replicaOf = (person: Person, userId: string, name: string): Promise<Replica> => replicaOfPerson(server!, person, userId, name);

async function person(locale: 'zh-CN' | 'en'): Promise<Person> {
  const p = await newPerson(browser!, locale);
  people.push(p);
  return p;
}

describe('stamping with a seal device over Web Bluetooth', () => {
  it('counts exactly the approved stamps with photos, then refuses', async () => {
    const url = server!.url;
    // People: the administrator, an approver at HQ, a staff member at the site.
    const admin = await person('en');
    const adminUser = await setUpOrganisation(admin, url, setupCodeFrom(server!.output()), 'Wang Admin');
    const hqId = adminUser.unitId;
    const site = await pageFetch<{ unit: { id: string } }>(admin.page, '/api/units', { name: 'Site 3', kind: 'site', parentId: hqId, geofence: SITE });
    expect(site.status, JSON.stringify(site.body)).toBe(201);
    const siteId = site.body.unit.id;
    const approver = await person('en');
    const approverUser = await invite(admin, approver, url, hqId, ['approver'], 'Li Approver');
    const staff = await person('en');
    const staffUser = await invite(admin, staff, url, siteId, ['staff'], 'Zhao Staff');
    Object.assign(state, { admin, adminId: adminUser.id, approver, approverCredentialId: approverUser.credentialId, approverId: approverUser.id, siteId });

    // The approver signs a decision in their page over a request by the staff member.
    const now = Date.now();
    const { grant, seal } = await approvedGrant('req-e2e-stamp-1', staffUser.id, siteId, approver, approverUser.id, approverUser.credentialId, adminUser.id);
    // The reference device, provisioned with the org key, registered by the administrator from
    // their tablet (its id and public key); then the seal recorded locked in it (the server takes
    // a seal only in a registered device, and signs bindings only for recorded seals).
    const orgKey = (await pageFetch<{ publicJwk: P256PublicJwk }>(admin.page, '/api/org-key')).body;
    const hardware = new SimulatedHardware({ position: { lat: SITE.lat, lon: SITE.lon, accuracyM: 10 }, batteryPercent: 76 });
    const device: SealDevice = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(now - 3_600_000), hardware, keys: new MemoryKeys() });
    const setup = new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }));
    await setup.provision(grant.deviceId, orgKey.publicJwk);
    const adminTablet = await replicaOf(admin, adminUser.id, 'e2e-admin-tablet');
    try {
      await registerDevice(adminTablet.store, await setup.info(), siteId);
      const { status: _status, ...sealRecord } = seal;
      await adminTablet.store.records.create('seal', sealRecord);
      await adminTablet.store.records.update('device', grant.deviceId, (d) => { d.state = 'bound'; d.sealId = seal.id; });
      await adminTablet.start({ live: false }).awaitInSync();
      expect(adminTablet.store.status.get().refusals).toEqual([]);
    } finally {
      await adminTablet.close();
    }

    // The device takes records the server signs with the org key.
    const roster = (await pageFetch<SignedRoster>(admin.page, '/api/roster')).body;
    const binding = await pageFetch<Signed<SealBinding>>(admin.page, `/api/devices/${DEVICE_ID}/binding`, {
      sealId: seal.id, sealKind: 'contract', minApprovals: 1, custodianId: adminUser.id, unitId: siteId,
    });
    expect(binding.status, JSON.stringify(binding.body)).toBe(200);
    expect(binding.body.record.sealUnitPath).toEqual([siteId, hqId]);
    const time = await pageFetch<Signed<TimeRecord>>(admin.page, `/api/devices/${DEVICE_ID}/time`, {});
    expect(time.status, JSON.stringify(time.body)).toBe(200);
    // Staff may not have records signed for devices.
    expect((await pageFetch(staff.page, `/api/devices/${DEVICE_ID}/time`, {})).status).toBe(403);
    await setup.setTime(time.body);
    await setup.bindSeal(binding.body);
    await setup.installRoster(roster);
    await setup.transport.close();

    // The staff member's tablet: /stamp, import the grant file, connect over Web Bluetooth.
    const { page } = staff;
    await page.goto(`${url}/stamp`);
    await page.locator('main h1', { hasText: 'Stamp' }).waitFor();
    await page.locator('#grant-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"id": 1}') });
    await expect.poll(() => page.locator('[data-error-code="grant_file_invalid"]').textContent()).toContain('This grant file is incomplete or damaged');
    await page.locator('#grant-file').setInputFiles({ name: 'grant.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(grant)) });
    await page.getByTestId('grant').waitFor();

    peripheral = await EmulatedPeripheral.start(browser!, page, { handler: gattServerHandler(device.gatt) });
    await page.getByRole('button', { name: 'Connect seal device (Bluetooth)' }).click();
    const deviceState = page.getByTestId('device-state');
    await deviceState.waitFor({ timeout: 30_000 });
    // The seal's record reached the staff member's tablet: the seal is shown by its name.
    await expect.poll(() => deviceState.textContent(), { timeout: 30_000 }).toContain(seal.name);
    expect(await deviceState.textContent()).toContain('76%');
    // The registration reached this tablet by sync: the device's log is recorded here.
    await expect.poll(() => page.getByTestId('device-log').getAttribute('data-state'), { timeout: 30_000 }).toBe('recording');

    // The site has no network from here on: the device decides alone, the tablet keeps the log.
    await staff.context.setOffline(true);
    await page.locator('.offline-banner').waitFor();

    // Confirm with the staff passkey, unlock.
    await page.getByRole('button', { name: 'Confirm identity and unlock' }).click();
    await expect.poll(() => page.getByTestId('lock-state').textContent(), { timeout: 30_000 }).toBe('Unlocked');
    await expect.poll(() => page.getByTestId('uses-left').textContent(), { timeout: 10_000 }).toBe(String(USES));

    // The seal is pressed exactly the approved number of times.
    for (let n = 1; n <= USES; n++) {
      const outcome = await hardware.press(n);
      expect(outcome).toMatchObject({ stamped: true, useIndex: n });
    }
    await expect.poll(() => page.getByTestId('stamp-count').textContent(), { timeout: 30_000 }).toBe(String(USES));
    await expect.poll(() => page.locator('[data-testid="stamp"] img').count(), { timeout: 30_000 }).toBe(USES);
    const src = await page.locator('[data-testid="stamp"] img').first().getAttribute('src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    await expect.poll(() => page.getByTestId('lock-state').textContent(), { timeout: 10_000 }).toBe('Locked');

    // One press more: refused by the device, logged, shown; the count stays.
    const refused = await hardware.press(USES + 1);
    expect(refused).toMatchObject({ stamped: false, code: 'locked' });
    await expect.poll(() => page.locator('[data-testid="device-event"][data-type="refusal"][data-code="locked"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('[data-testid="device-event"][data-code="locked"]').textContent()).toContain('a press while locked was refused');
    expect(await page.getByTestId('stamp-count').textContent()).toBe(String(USES));

    // The same grant again: the device refuses to unlock (uses exhausted), and the screen says so.
    await page.getByRole('button', { name: 'Confirm identity and unlock' }).click();
    await expect.poll(() => page.locator('main [role="alert"]').first().getAttribute('data-error-code'), { timeout: 30_000 }).toBe('uses_exhausted');
    expect(await page.locator('main [role="alert"]').first().textContent()).toBe('All uses approved for this grant have been used.');
    expect(await page.getByTestId('stamp-count').textContent()).toBe(String(USES));

    // Offline, the whole log and both photos wait on the tablet; back online, they reach the server.
    const heldSeq = async () => Number(await page.getByTestId('log-recording').getAttribute('data-held-seq'));
    await expect.poll(() => page.getByTestId('log-recording').textContent(), { timeout: 30_000 }).toMatch(/ 2 photos /);
    expect(Number(await page.locator('.sync-status').getAttribute('data-pending'))).toBeGreaterThan(0);
    expect(await page.getByTestId('uses-recorded').textContent()).toBe(String(USES));
    // Read straight from the device's state (a second link to its GATT server would cut into the tablet's).
    const onDevice = device.core.log.head!.seq;
    await expect.poll(heldSeq, { timeout: 30_000 }).toBe(onDevice);
    await staff.context.setOffline(false);
    await expect.poll(() => page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    const onServer = await pageFetch<{ rows: { kind: string; subject: string; body: { seq: number } }[] }>(page, '/api/sync/pull?since=0&limit=500');
    const serverSeqs = onServer.body.rows.filter((r) => r.kind === 'device_event' && r.subject === `device:${DEVICE_ID}`).map((r) => r.body.seq).sort((a, b) => a - b);
    expect(serverSeqs).toEqual([...Array(onDevice + 1).keys()]);
    expect(onServer.body.rows.filter((r) => r.kind === 'attachment' && r.subject === `device:${DEVICE_ID}`)).toHaveLength(USES);
    // All along, the link to the device stayed sound: the last thing the screen says is still the refusal.
    expect(await page.locator('main [role="alert"]').allTextContents()).toEqual(['All uses approved for this grant have been used.']);

    // Screenshots for a human look (en, then zh-CN), tablet landscape.
    const out = join(REPO_ROOT, 'screenshots');
    await mkdir(out, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(out, 'stamp-en.png'), fullPage: true });
    await page.locator('.language-switch button[aria-pressed="false"]').first().click();
    await page.locator('main h1', { hasText: '用印' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(out, 'stamp-zh-CN.png'), fullPage: true });

    expect(peripheral.problems, peripheral.trace.join('\n')).toEqual([]);
    // The test cut the tablet's network: the sync stream open at that moment failed, as it should.
    expect(unexpectedErrors(staff.errors, { networkCut: true })).toEqual([]);
  });

  it('the SIMULATED device runs the whole flow in the page, provisioned from the server', async () => {
    // The demo runs as the site's seal keeper (custodian, and staff): the server signs device
    // records for custodians and administrators, and an administrator may not also stamp
    // (separation of duties).
    const keeper = await person('en');
    const keeperUser = await invite(state.admin!, keeper, server!.url, state.siteId!, ['custodian', 'staff'], 'Sun Keeper');
    const { page } = keeper;
    // On the keeper's tablet first: a simulated seal device, registered at the site (the server
    // takes a seal only in a registered device).
    await page.goto(`${server!.url}/devices`);
    await page.getByRole('button', { name: 'Add simulated device' }).click();
    const simulatedRow = page.locator(`[data-testid="device-list"] li:not([data-device-id="${DEVICE_ID}"])`).first();
    await simulatedRow.waitFor({ timeout: 20_000 });
    const simulatedId = (await simulatedRow.getAttribute('data-device-id'))!;
    await expect.poll(() => page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    const { request, seal, grant } = await approvedGrant('req-e2e-sim-1', keeperUser.id, state.siteId!, state.approver!, state.approverId!, state.approverCredentialId!, keeperUser.id, simulatedId);
    // The grant reaches the tablet by sync: the request, the approver's decision and the grant,
    // each pushed to the server by its author's replica.
    const requester = await replicaOf(keeper, keeperUser.id, 'e2e-requester');
    const approving = await replicaOf(state.approver!, state.approverId!, 'e2e-approver');
    try {
      // The seal's record (the simulated device's binding is made from it) and the request.
      // The device's record first (pulled), so that it names the seal back in the same write, as the app's.
      const requesterSync = requester.start({ live: false });
      await requesterSync.awaitInSync();
      const { status: _status, ...sealRecord } = seal;
      await requester.store.records.create('seal', sealRecord, [], [holdingSeal(simulatedId, seal.id)]);
      await requester.store.records.create('request', request);
      requesterSync.syncNow();
      await requesterSync.awaitInSync();
      await approving.store.facts.append('decision', grant.decisions[0]!, state.siteId!);
      await approving.start({ live: false }).awaitInSync();
      await requester.store.facts.append('grant', grant, state.siteId!);
      requester.sync!.syncNow();
      await requester.sync!.awaitInSync();
      expect([requester.store.status.get().refusals, approving.store.status.get().refusals]).toEqual([[], []]);
    } finally {
      await Promise.all([requester.close(), approving.close()]);
    }
    await page.goto(`${server!.url}/stamp`);
    const listed = page.locator(`[data-testid="my-grants"] li[data-grant-id="${grant.id}"]`);
    await listed.waitFor({ timeout: 30_000 });
    // Named by the request's document and purpose and the seal's name, not by their ids.
    await expect.poll(() => listed.textContent(), { timeout: 30_000 }).toContain('Supply contract · Sign a supply contract');
    await expect.poll(() => listed.textContent(), { timeout: 30_000 }).toContain('Site contract seal');
    await listed.getByRole('button', { name: 'Use this grant' }).click();
    await page.getByTestId('grant').waitFor();
    await page.getByRole('button', { name: 'Use simulated device (demo)' }).click();
    await expect
      .poll(async () => ((await page.getByTestId('simulated-device').count()) > 0 ? 'simulated' : await page.locator('main [role="alert"]').allTextContents()), { timeout: 30_000 })
      .toBe('simulated');
    expect(await page.getByTestId('simulated-device').textContent()).toContain('SIMULATED DEVICE · 模拟设备');
    await page.getByTestId('device-state').waitFor();
    // Bound (from the seal's record) to the seal the grant names, shown by its name.
    await expect.poll(() => page.getByTestId('device-state').textContent(), { timeout: 10_000 }).toContain('Site contract seal');
    // Registered on /devices: its log is recorded from seq 0.
    await expect.poll(() => page.getByTestId('device-log').getAttribute('data-state'), { timeout: 10_000 }).toBe('recording');
    await page.getByRole('button', { name: 'Confirm identity and unlock' }).click();
    await expect
      .poll(async () => [await page.getByTestId('lock-state').textContent(), ...(await page.locator('main [role="alert"]').allTextContents())].join(' | '), { timeout: 30_000 })
      .toBe('Unlocked');
    await page.getByRole('button', { name: 'Press stamp (next page)' }).click();
    await expect.poll(() => page.getByTestId('stamp-count').textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => page.locator('[data-testid="stamp"] img').count()).toBe(1);
    await page.getByRole('button', { name: 'Open case (tamper)' }).click();
    await expect.poll(() => page.locator('[data-testid="device-event"][data-type="tamper"]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('lock-state').textContent(), { timeout: 10_000 }).toBe('Locked');
    // The whole log, photo included, is recorded on the tablet and synced: the server holds every entry.
    const held = async () => Number(await page.getByTestId('log-recording').getAttribute('data-held-seq'));
    const lastSeq = async () => {
      const rows = await pageFetch<{ rows: { kind: string; subject: string; body: { seq: number; type: string } }[] }>(page, '/api/sync/pull?since=0&limit=500');
      return rows.body.rows.filter((r) => r.kind === 'device_event' && r.subject === `device:${grant.deviceId}`).map((r) => r.body).sort((a, b) => a.seq - b.seq);
    };
    await expect.poll(async () => (await lastSeq()).map((e) => e.type), { timeout: 30_000 }).toEqual(expect.arrayContaining(['unlock', 'stamp', 'tamper', 'lock']));
    await expect.poll(() => page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    expect(await page.locator('.sync-status').getAttribute('data-refused')).toBe('0');
    const onServer = await lastSeq();
    expect(onServer.map((e) => e.seq)).toEqual([...Array(onServer.length).keys()]);
    expect(onServer.length).toBe((await held()) + 1);

    // Someone pushes an entry the device never signed: the server refuses it and raises an alarm,
    // which reaches this tablet by sync and shows beside the device.
    const last = onServer.at(-1)! as unknown as DeviceEvent;
    const forged = { ...last, seq: last.seq + 1, prevHash: await deviceEventHash(last), type: 'low_battery', payload: { percent: 1 } } as DeviceEvent;
    const forger = await replicaOf(keeper, keeperUser.id, 'e2e-forger');
    try {
      await forger.store.facts.append('device_event', forged, state.siteId!);
      await forger.start({ live: false }).awaitInSync();
      expect(forger.store.status.get().refusals.map((r) => r.code)).toEqual(['bad_signature']);
    } finally {
      await forger.close();
    }
    const alarm = page.locator('[data-testid="device-alarm"][data-kind="bad_signature"]');
    await alarm.waitFor({ timeout: 30_000 });
    // Said as an alarm (announced, in red, with a sign and the word), in words, without log numbers.
    expect(await alarm.textContent()).toContain('Alarm: A device log entry does not verify (altered?)');
    expect(await alarm.textContent()).not.toContain(`${grant.deviceId}:${forged.seq}`);
    expect(await page.getByTestId('device-alarms').getAttribute('role')).toBe('alert');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'stamp-simulated-en.png'), fullPage: true });
    expect(unexpectedErrors(keeper.errors)).toEqual([]);
  });
});
