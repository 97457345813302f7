/**
 * Screenshots of the headquarters screens for a human look (screenshots/hq-*.png, gitignored):
 * the filtered merged log, the dashboard, a stamp's evidence, the verifier, the cases, a seal's ledger,
 * in zh-CN and en, on a laptop (1280×800), a tablet upright (800×1280) and a phone. Each screen
 * must fit its width (no horizontal scroll). Run by the journey with SEAL_SCREENSHOTS=1.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT, type RunningServer } from './harness';
import type { HqJourneyWorld } from './hqJourneyWorld';
import { unexpectedErrors, watchErrors, type Person } from './people';

const DEVICES = [
  { name: 'landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false },
  { name: 'portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true },
] as const;

export async function shootHqScreens(browser: Browser, server: RunningServer, auditor: Person, world: HqJourneyWorld): Promise<void> {
  const storageState = await auditor.context.storageState();
  const screens: readonly { name: string; path: string; ready: (page: Page) => Promise<unknown> }[] = [
    { name: 'log', path: `/hq?unit=${world.siteA}&kind=stamp,refusal`, ready: (p) => p.getByTestId('hq-event').first().waitFor({ timeout: 30_000 }) },
    { name: 'dashboard', path: '/hq/dashboard', ready: (p) => p.locator('[data-testid="chart-per-day-canvas"] canvas').waitFor({ timeout: 30_000 }) },
    { name: 'stamp', path: `/hq/stamps/${encodeURIComponent(world.seeded.honest)}`, ready: (p) => p.getByTestId('evidence-verdict').waitFor({ timeout: 30_000 }) },
    { name: 'verify', path: '/hq/verify', ready: (p) => p.getByTestId('org-key-thumbprint').waitFor({ timeout: 30_000 }) },
    { name: 'cases', path: '/hq/cases', ready: (p) => p.getByTestId('cases-total').waitFor({ timeout: 30_000 }) },
    // The seal's ledger: a wide table of its device's log, which must scroll inside its panel on a phone.
    { name: 'ledger', path: `/hq/seals/${encodeURIComponent(world.sealId)}/ledger`, ready: (p) => p.getByTestId('ledger-entries').waitFor({ timeout: 30_000 }) },
  ];
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const device of DEVICES) {
      const context = await browser.newContext({ ...device, locale, hasTouch: device.isMobile, storageState });
      try {
        await context.addInitScript((l) => localStorage.setItem('seal-control.locale', l), locale);
        const errors: string[] = [];
        const page = watchErrors(await context.newPage(), errors);
        for (const screen of screens) {
          await page.goto(`${server.url}${screen.path}`);
          await screen.ready(page);
          // A mobile layout viewport widens to its content: compare with the device's width.
          expect([screen.name, await page.evaluate((width) => document.documentElement.scrollWidth <= width, device.viewport.width)]).toEqual([screen.name, true]);
          await page.screenshot({ path: join(REPO_ROOT, 'screenshots', `hq-${screen.name}-${locale}-${device.name}.png`), fullPage: true, animations: 'disabled' });
        }
        expect(unexpectedErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    }
  }
}
