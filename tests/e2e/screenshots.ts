/**
 * Saves screenshots of the app shell to screenshots/ (gitignored) for a human look:
 * zh-CN and en, phone and tablets, online and offline, plus the not-found page.
 *
 *   npx tsx tests/e2e/screenshots.ts
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, REPO_ROOT, startServer } from './harness';

const OUT_DIR = join(REPO_ROOT, 'screenshots');

const DEVICES = [
  { name: 'phone', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true },
  { name: 'tablet-portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'tablet-landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: true },
] as const;
const LOCALES = ['zh-CN', 'en'] as const;

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  try {
    for (const locale of LOCALES) {
      for (const device of DEVICES) {
        const context = await browser.newContext({ ...device, locale, hasTouch: true });
        const page = await context.newPage();
        await page.goto(server.url);
        await page.evaluate(() => navigator.serviceWorker.ready);
        await page.locator('main h1').waitFor();
        const base = join(OUT_DIR, `${locale}-${device.name}`);
        await page.screenshot({ path: `${base}.png`, fullPage: true, animations: 'disabled' });

        // Offline: served by the service worker, with the "ready to work offline" toast gone.
        await page.reload();
        await context.setOffline(true);
        await page.reload();
        await page.locator('main h1').waitFor();
        // A reload may restore an earlier scroll position; the screenshot shows the top.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${base}-offline.png`, animations: 'disabled' });

        await page.goto(`${server.url}/no/such/screen`);
        await page.locator('main h1').waitFor();
        await page.screenshot({ path: `${base}-not-found.png`, animations: 'disabled' });
        await context.close();
      }
    }
    // The toast, as a first visit sees it once the service worker is ready.
    const context = await browser.newContext({ ...DEVICES[0], locale: 'zh-CN', hasTouch: true });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('sw-toast').waitFor();
    await page.screenshot({ path: join(OUT_DIR, 'zh-CN-phone-toast.png'), animations: 'disabled' });
    await context.close();
    console.log(`screenshots written to ${OUT_DIR}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
