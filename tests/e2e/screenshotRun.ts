/**
 * What the screenshot scripts share: the real server and Debian's Chromium for the run, every
 * screen in each language on each device, and PNGs saved to screenshots/ (gitignored) for a
 * human look.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, REPO_ROOT, startServer, type RunningServer } from './harness';
import type { Locale } from './people';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'screenshots');
export const SCREENSHOT_LOCALES = ['zh-CN', 'en'] as const satisfies readonly Locale[];

/** A device to emulate: its name goes into the file names. */
export interface ScreenshotDevice {
  readonly name: string;
  readonly viewport: { readonly width: number; readonly height: number };
  readonly deviceScaleFactor: number;
  readonly isMobile: boolean;
}

export interface LocaleAndDevice {
  readonly locale: Locale;
  readonly device: ScreenshotDevice;
  /** `${locale}-${device.name}`, for the file names. */
  readonly tag: string;
  /** A page on a fresh touch context with this device and language; the context closes after the step. */
  readonly open: (options?: BrowserContextOptions) => Promise<Page>;
}

/** A page on a fresh touch context emulating `device` in `locale`; the caller closes its context. */
export async function openOn(browser: Browser, device: ScreenshotDevice, locale: Locale, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ ...device, locale, hasTouch: true, ...options });
  return context.newPage();
}

/** Runs `step` for each language, and in it for each device, one after the other. */
export async function forEachLocaleAndDevice(browser: Browser, devices: readonly ScreenshotDevice[], step: (target: LocaleAndDevice) => Promise<void>): Promise<void> {
  for (const locale of SCREENSHOT_LOCALES) {
    for (const device of devices) {
      const contexts: BrowserContext[] = [];
      const open = async (options?: BrowserContextOptions): Promise<Page> => {
        const page = await openOn(browser, device, locale, options);
        contexts.push(page.context());
        return page;
      };
      try {
        await step({ locale, device, tag: `${locale}-${device.name}`, open });
      } finally {
        await Promise.allSettled(contexts.map((c) => c.close()));
      }
    }
  }
}

/** Saves screenshots/`name`.png from the top of the page (a reload may restore an earlier scroll position). */
export async function saveScreenshot(page: Page, name: string, options: { fullPage: boolean }): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: options.fullPage, animations: 'disabled' });
}

/**
 * The body of a screenshot script: starts the server (with `serverEnv`) and the browser, runs
 * `shoot`, stops both whatever happens, and exits non-zero on failure.
 */
export function runScreenshots(serverEnv: Record<string, string>, shoot: (browser: Browser, server: RunningServer) => Promise<void>): void {
  const run = async (): Promise<void> => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const server = await startServer(serverEnv);
    const browser = await launchBrowser().catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
    try {
      await shoot(browser, server);
      console.log(`screenshots written to ${SCREENSHOT_DIR}`);
    } finally {
      await browser.close();
      await server.stop();
    }
  };
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
