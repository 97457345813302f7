/**
 * Screenshots of the webhooks screen for a human look (screenshots/webhooks-*.png, gitignored):
 * a webhook with its delivery log open, in zh-CN and en, on a laptop (1280×800) and a phone, then
 * the same page with the network cut — the delivery log refreshed and a new webhook tried, each
 * saying it could not reach the server. Each must fit its width (no horizontal scroll). Run by
 * the seals test with SEAL_SCREENSHOTS=1.
 */
import { join } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './harness';
import { unexpectedErrors, watchErrors } from './people';

const DEVICES = [
  { name: 'landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true },
] as const;

export async function shootWebhookScreens(browser: Browser, url: string, storageState: BrowserContextOptions['storageState'], hookId: string): Promise<void> {
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const device of DEVICES) {
      const context = await browser.newContext({ ...device, locale, hasTouch: device.isMobile, storageState });
      try {
        await context.addInitScript((l) => localStorage.setItem('seal-control.locale', l), locale);
        const errors: string[] = [];
        const page = watchErrors(await context.newPage(), errors);
        await page.goto(`${url}/admin/webhooks?hook=${encodeURIComponent(hookId)}`);
        await page.getByTestId('webhook-attempt').first().waitFor({ timeout: 30_000 });
        const fits = () => page.evaluate((width) => document.documentElement.scrollWidth <= width, device.viewport.width);
        expect(await fits()).toBe(true);
        const shot = (name: string) => page.screenshot({ path: join(REPO_ROOT, 'screenshots', `webhooks-${name}-${locale}-${device.name}.png`), fullPage: true, animations: 'disabled' });
        await shot('log');
        expect(unexpectedErrors(errors)).toEqual([]);

        // Offline: the delivery log cannot be refreshed and nothing can be created; both say so.
        await context.setOffline(true);
        await page.locator('.webhook-deliveries .form-actions button').first().click();
        await page.locator('.webhook-deliveries [role="alert"]').waitFor({ timeout: 15_000 });
        await page.locator('#webhook-url').fill('https://oa.example.com/hooks/seal');
        await page.locator('form[aria-labelledby="new-webhook-title"] button[type="submit"]').click();
        await page.locator('form[aria-labelledby="new-webhook-title"] [role="alert"]').waitFor({ timeout: 15_000 });
        expect(await fits()).toBe(true);
        await shot('offline');
        await page.locator('form[aria-labelledby="new-webhook-title"]').screenshot({ path: join(REPO_ROOT, 'screenshots', `webhooks-offline-form-${locale}-${device.name}.png`), animations: 'disabled' });
      } finally {
        await context.close();
      }
    }
  }
}
