/**
 * Seal devices in the PWA: an administrator sets up a SIMULATED seal device for a demo at a site
 * (made in the browser, with its own key, registered with that key), a seal is recorded as
 * locked in it, and "update" installs the seal's binding (signed by the org key from the seal's
 * record) on the device — which then reports that seal. A staff member sees no setup controls.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SealRecord } from '@seal/shared';
import { REPO_ROOT } from './harness';
import { invite, newPerson, organisationWithSite, pageFetch, unexpectedErrors } from './people';
import { holdingSeal } from '../integration/fixtures';
import { replicaOf } from './replicas';
import { serverAndBrowser } from './suite';

const SITE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };

const suite = serverAndBrowser();

describe('seal devices', () => {
  it('an administrator adds a simulated device at a site, a seal is bound to it, and the device takes the binding', async () => {
    const url = suite.server().url;
    const { admin, adminUser, siteId } = await organisationWithSite(suite.browser(), suite.server(), { admin: 'Wang Admin', site: 'Site 9' }, SITE);
    const { page } = admin;

    await page.goto(`${url}/devices`);
    await page.locator('main h1', { hasText: 'Seal devices' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('No seal device is registered in your units yet.');
    await expect.poll(() => page.locator('#device-unit option:checked').textContent(), { timeout: 30_000 }).toBe('Site 9 · Site');
    await page.getByRole('button', { name: 'Add simulated device' }).click();
    const row = page.locator('[data-testid="device-list"] li').first();
    await row.waitFor({ timeout: 20_000 });
    const deviceId = (await row.getAttribute('data-device-id'))!;
    expect(deviceId).toMatch(/^sim-[0-9a-f]{8}$/);
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('Simulated · in this browser');
    expect(await row.textContent()).toContain('Site 9');
    expect(await row.getByTestId('device-seal').textContent()).toBe('No seal bound');
    await expect.poll(() => page.locator('main p.alert-ok').allTextContents(), { timeout: 20_000 }).toContain(`Simulated device ${deviceId} is registered in Site 9.`);

    // The device record reached the server with the device's own public key.
    await expect.poll(async () => {
      const pulled = await pageFetch<{ rows: { kind: string; subject: string }[] }>(page, '/api/sync/pull?since=0&limit=500');
      return pulled.body.rows.some((r) => r.subject === `device:${deviceId}`);
    }, { timeout: 20_000 }).toBe(true);

    // A seal recorded as locked in the device (the seal screens do this; here a replica of the admin).
    const tablet = await replicaOf(suite.server(), admin, adminUser.id, 'e2e-devices-admin');
    try {
      const seal = {
        id: 'seal-site-9', name: 'Site 9 contract seal', kind: 'contract', form: 'physical', unitId: siteId, custodianId: adminUser.id,
        createdAt: Date.now(), antiCounterfeitCode: '3301020012345', deviceId,
      } as unknown as SealRecord;
      // The device's record first (pulled), so that it names the seal back in the same write, as the app's.
      const sync = tablet.start({ live: false });
      await sync.awaitInSync();
      await tablet.store.records.create('seal', seal, [], [holdingSeal(deviceId, 'seal-site-9')]);
      sync.syncNow();
      await sync.awaitInSync();
      expect(tablet.store.status.get().refusals).toEqual([]);
    } finally {
      await tablet.close();
    }
    await expect.poll(() => row.getByTestId('device-seal').textContent(), { timeout: 20_000 }).toBe('Holds: Site 9 contract seal');
    await row.getByRole('button', { name: /Update simulated device/ }).click();
    await expect
      .poll(async () => [...(await page.locator('main p.alert-ok').allTextContents()), ...(await page.locator('main [role="alert"]').allTextContents())].join(' | '), { timeout: 20_000 })
      .toContain(`Device ${deviceId} is up to date and holds Site 9 contract seal.`);

    await mkdir(join(REPO_ROOT, 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'devices-en.png'), fullPage: true });

    // The device page: its seal, the ink box's life, and its log in words (no sequence numbers, no JSON).
    await row.getByRole('link').first().click();
    await page.locator('main h1', { hasText: 'Seal device' }).waitFor();
    const facts = page.getByTestId('device-facts');
    await expect.poll(() => facts.textContent(), { timeout: 20_000 }).toContain('Site 9 contract seal');
    expect(await page.getByTestId('device-ink').textContent()).toMatch(/\d+ of 2000 impressions of the ink box/);
    expect(await page.getByTestId('device-ink').textContent()).not.toContain('Replace the ink box');
    await page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'device-page-en.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'device-page-en-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).not.toMatch(/\{"|seq|#\d/);

    // The admin names it as people on site call it, with the network cut: the page and the list say it at once.
    await page.context().setOffline(true);
    await page.locator('#device-name').fill('  Block 3   site office ');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.locator('main [role="status"]', { hasText: 'the device is now called "Block 3 site office"' }).waitFor();
    await page.locator('main h1', { hasText: 'Block 3 site office' }).waitFor();
    await page.context().setOffline(false);
    await expect.poll(() => page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');

    // A staff member at the site sees the device but may not set one up.
    const staff = await newPerson(suite.browser(), 'zh-CN');
    await invite(admin, staff, url, siteId, ['staff'], '赵员工');
    await staff.page.goto(`${url}/devices`);
    await staff.page.locator('main h1', { hasText: '印章设备' }).waitFor();
    await expect.poll(async () => ((await staff.page.locator(`[data-device-id="${deviceId}"]`).count()) === 1 ? 'listed' : `${await staff.page.locator('.sync-status').textContent()} ${JSON.stringify(staff.errors)}`), { timeout: 30_000 }).toBe('listed');
    expect(await staff.page.getByRole('button', { name: '添加模拟设备' }).count()).toBe(0);
    // The name reached the staff member's tablet through the server; staff may not change it.
    await expect.poll(() => staff.page.locator(`[data-device-id="${deviceId}"] a`).first().textContent(), { timeout: 30_000 }).toContain('Block 3 site office');
    await staff.page.locator(`[data-device-id="${deviceId}"] a`).first().click();
    await staff.page.locator('main h1', { hasText: 'Block 3 site office' }).waitFor();
    expect(await staff.page.getByTestId('device-name-form').count()).toBe(0);
    await staff.page.goto(`${url}/devices`);
    await staff.page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'devices-staff-zh-CN.png'), fullPage: true });

    expect(unexpectedErrors(admin.errors)).toEqual([]);
    expect(unexpectedErrors(staff.errors)).toEqual([]);
  });
});
