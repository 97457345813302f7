/**
 * Saves screenshots of the app shell to screenshots/ (gitignored) for a human look:
 * zh-CN and en, phone and tablets, online and offline, plus the not-found page.
 *
 *   npx tsx tests/e2e/screenshots.ts
 */
import { forEachLocaleAndDevice, openOn, runScreenshots, saveScreenshot, type ScreenshotDevice } from './screenshotRun';

const DEVICES: readonly ScreenshotDevice[] = [
  { name: 'phone', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true },
  { name: 'tablet-portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'tablet-landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: true },
];

runScreenshots({}, async (browser, server) => {
  await forEachLocaleAndDevice(browser, DEVICES, async ({ tag, open }) => {
    const page = await open();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.locator('main h1').waitFor();
    await saveScreenshot(page, tag, { fullPage: true });

    // Offline: served by the service worker, with the "ready to work offline" toast gone.
    await page.reload();
    await page.context().setOffline(true);
    await page.reload();
    await page.locator('main h1').waitFor();
    await saveScreenshot(page, `${tag}-offline`, { fullPage: false });

    await page.goto(`${server.url}/no/such/screen`);
    await page.locator('main h1').waitFor();
    await saveScreenshot(page, `${tag}-not-found`, { fullPage: false });
  });

  // The toast, as a first visit sees it once the service worker is ready.
  const page = await openOn(browser, DEVICES[0]!, 'zh-CN');
  await page.goto(server.url);
  await page.getByTestId('sw-toast').waitFor();
  await saveScreenshot(page, 'zh-CN-phone-toast', { fullPage: false });
  await page.context().close();
});
