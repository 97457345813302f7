/**
 * Screenshots of `/verify` for a human look (screenshots/verify-*.png, gitignored), in zh-CN and
 * en, on a laptop (1280×800), a tablet upright (800×1280) and a phone (390×844): the page as a
 * stranger first sees it, a refused code, and a record found offline on a tablet (that page, its
 * viewport and language switched in place: its replica lives in that context only). Each must fit
 * its width (no horizontal scroll). Run with SEAL_SCREENSHOTS=1.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './harness';

const SHOTS = join(REPO_ROOT, 'screenshots');
const DEVICES = [
  { name: 'landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false },
  { name: 'portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true },
] as const;
const LANGUAGE_BUTTON = { 'zh-CN': '中文', en: 'English' } as const;

async function shoot(page: Page, name: string, width: number): Promise<void> {
  expect([name, await page.evaluate((w) => document.documentElement.scrollWidth <= w, width)]).toEqual([name, true]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** The page a stranger opens, and a mistyped code refused, on each device in each language. */
export async function shootPublicVerify(browser: Browser, url: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const device of DEVICES) {
      const context = await browser.newContext({ ...device, locale, hasTouch: device.isMobile });
      try {
        const page = await context.newPage();
        await page.goto(`${url}/verify`);
        await page.locator('#verify-code').waitFor();
        await shoot(page, `verify-start-${locale}-${device.name}`, device.viewport.width);
        await page.goto(`${url}/verify?code=ABXJ-KP5N-SHD`);
        await page.getByTestId('verify-refused').waitFor();
        await shoot(page, `verify-refused-${locale}-${device.name}`, device.viewport.width);
      } finally {
        await context.close();
      }
    }
  }
}

/** A record on screen (the tablet's page, offline): the same page at each size, in each language. */
export async function shootVerifyResult(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  for (const locale of ['zh-CN', 'en'] as const) {
    // The switch shows the languages' full names at a laptop's width.
    await page.setViewportSize(DEVICES[0].viewport);
    await page.getByRole('button', { name: LANGUAGE_BUTTON[locale] }).click();
    for (const device of DEVICES) {
      await page.setViewportSize(device.viewport);
      await shoot(page, `verify-${name}-${locale}-${device.name}`, device.viewport.width);
    }
  }
  await page.setViewportSize(DEVICES[0].viewport);
}
