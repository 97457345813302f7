/**
 * Registering a REAL seal device on /devices, in real Chromium: the administrator presses
 * "Register a seal device", chooses the device in the browser's Bluetooth chooser (the reference
 * device behind Chromium's emulated peripheral, reached by the stamping screen's Web Bluetooth
 * link), checks the serial and key fingerprint the app read from it, and registers it in a site:
 * it is listed, and its record reaches the server with the device's own public key. The same
 * device again is refused as already registered; a closed chooser and a device without the seal
 * service are told in words. In a browser without Web Bluetooth the screen says so, with no button.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware } from '@seal/device-bridge';
import { asId, deviceIdSchema, jwkThumbprint, type P256PublicJwk } from '@seal/shared';
import { EmulatedPeripheral, gattServerHandler } from './bluetooth/emulatedPeripheral';
import { launchBrowser, REPO_ROOT } from './harness';
import { invite, newPerson, organisationWithSite, pageFetch, unexpectedErrors, type Person } from './people';
import { replicaOf } from './replicas';
import { serverAndBrowser } from './suite';

const SITE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const DEVICE_ID = 'SD-2026-000417';
const screenshots = process.env.SEAL_SCREENSHOTS === '1';

const suite = serverAndBrowser({ webBluetooth: true });
let peripheral: EmulatedPeripheral | undefined;
/** What the first test hands on to the second: the administrator and their site. */
const state: { admin?: Person; siteId?: string } = {};
afterAll(async () => {
  await peripheral?.stop().catch(() => undefined);
});

async function shot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  await mkdir(join(REPO_ROOT, 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(REPO_ROOT, 'screenshots', `${name}.png`), fullPage: true });
}

describe('registering a seal device over Bluetooth', () => {
  it('an administrator chooses the device, checks its identity, registers it, and sees it listed', async () => {
    const url = suite.server().url;
    const { admin, adminUser, siteId } = await organisationWithSite(suite.browser(), suite.server(), { admin: 'Wang Admin', site: 'Site 9' }, SITE);
    const { page } = admin;
    Object.assign(state, { admin, siteId });

    // A real device as it leaves provisioning: its id, its own key, the organisation's key.
    const orgKey = (await pageFetch<{ publicJwk: P256PublicJwk }>(page, '/api/org-key')).body;
    const device = await createSealDevice({ storage: new MemoryStorage(), keys: new MemoryKeys(), clock: new SimulatedClock(Date.now()), hardware: new SimulatedHardware({ position: null, batteryPercent: 81 }) });
    const setup = new SealDeviceClient(new MemoryTransport(device.gatt, { frameSize: 185 }));
    const { publicKey } = await setup.provision(asId(deviceIdSchema, DEVICE_ID), orgKey.publicJwk);
    await setup.transport.close();
    const keyId = await jwkThumbprint(publicKey);

    await page.goto(`${url}/devices`);
    await page.locator('main h1', { hasText: 'Seal devices' }).waitFor();
    await expect.poll(() => page.locator('#device-unit option:checked').textContent(), { timeout: 30_000 }).toBe('Site 9 · Site');
    // The simulated device stays, for demos, below the real registration.
    expect(await page.getByRole('button', { name: 'Add simulated device' }).count()).toBe(1);

    // The chooser closed without a choice: said in words, and the button is there to try again.
    peripheral = await EmulatedPeripheral.start(suite.browser(), page, { handler: gattServerHandler(device.gatt), chooser: 'cancel' });
    const register = page.getByRole('button', { name: 'Register a seal device' });
    await register.click();
    const alert = page.locator('[data-testid="register-device"] [role="alert"]');
    await expect.poll(() => alert.getAttribute('data-error-code'), { timeout: 30_000 }).toBe('cancelled');
    expect(await alert.textContent()).toBe('No seal device was chosen. If it was not in the list, check that it is switched on and close to this tablet, then try again.');

    // Chosen: the app reads the device's serial and key and asks whether it is this unit.
    peripheral.setChooser('select');
    await register.click();
    const identity = page.getByTestId('device-identity');
    await identity.waitFor({ timeout: 30_000 });
    expect(await alert.count()).toBe(0);
    expect(await page.getByTestId('identity-serial').textContent()).toBe(DEVICE_ID);
    expect((await page.getByTestId('identity-key').textContent())!.replaceAll(' ', '')).toBe(keyId.slice(0, 16));
    expect(await identity.textContent()).toContain('81%');
    // Focus moved to the question.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Is this the seal device in front of you?');
    await shot(page, 'devices-register-confirm-en');
    await page.getByRole('button', { name: 'Register it in Site 9' }).click();

    const row = page.locator(`[data-testid="device-list"] li[data-device-id="${DEVICE_ID}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('Site 9');
    expect(await row.textContent()).not.toContain('Simulated');
    await expect.poll(() => page.locator('main p.alert-ok').allTextContents(), { timeout: 20_000 }).toContain(`Seal device ${DEVICE_ID} is registered in Site 9.`);
    expect(await identity.count()).toBe(0);
    await shot(page, 'devices-registered-en');

    // The record reached the server with the device's own public key: another tablet of the admin's pulls it.
    const tablet = await replicaOf(suite.server(), admin, adminUser.id, 'e2e-register-device-admin');
    try {
      await tablet.start({ live: false }).awaitInSync();
      const held = (await tablet.store.projection(`device:${DEVICE_ID}`))?.record as { publicKeyJwk: P256PublicJwk; unitId: string; serial: string } | undefined;
      expect(held).toMatchObject({ serial: DEVICE_ID, unitId: siteId, publicKeyJwk: { x: publicKey.x, y: publicKey.y } });
    } finally {
      await tablet.close();
    }

    // The same device again: refused before anything is written.
    await register.click();
    await expect.poll(() => alert.getAttribute('data-error-code'), { timeout: 30_000 }).toBe('already_registered');
    expect(await alert.textContent()).toContain('This seal device is already registered');
    expect(await identity.count()).toBe(0);
    await peripheral.stop();
    peripheral = undefined;

    // A device that lists the seal service but does not offer it: not a seal device.
    peripheral = await EmulatedPeripheral.start(suite.browser(), page, { handler: gattServerHandler(device.gatt), sealService: false, address: '5E:A1:00:00:00:02' });
    await register.click();
    await expect.poll(() => alert.getAttribute('data-error-code'), { timeout: 30_000 }).toBe('not_seal');
    expect(await alert.textContent()).toContain('is not a seal device');
    await peripheral.stop();
    peripheral = undefined;

    expect(unexpectedErrors(admin.errors)).toEqual([]);
  });

  it('in a browser without Web Bluetooth (Firefox, iPad) the screen says so, and offers no dead button', async () => {
    const url = suite.server().url;
    const { admin, siteId } = state;
    if (admin === undefined || siteId === undefined) throw new Error('the first test set up no organisation');
    const plain = await launchBrowser();
    try {
      const custodian = await newPerson(plain, 'zh-CN');
      await invite(admin, custodian, url, siteId, ['custodian'], '赵印章管理员');
      await custodian.page.goto(`${url}/devices`);
      await custodian.page.locator('main h1', { hasText: '印章设备' }).waitFor();
      expect(await custodian.page.evaluate(() => 'bluetooth' in navigator)).toBe(false);
      const note = custodian.page.getByTestId('bluetooth-unsupported');
      await note.waitFor();
      expect(await note.textContent()).toContain('这个浏览器不能通过蓝牙连接印章设备');
      expect(await custodian.page.getByRole('button', { name: '登记印章设备' }).count()).toBe(0);
      expect(await custodian.page.getByRole('button', { name: '添加模拟设备' }).count()).toBe(1);
      await shot(custodian.page, 'devices-no-bluetooth-zh-CN');
      expect(unexpectedErrors(custodian.errors)).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
