/**
 * Every screen, as a whole: axe-core finds no serious or critical violation on any screen in
 * either language at 1280×800, 800×1280 and 390×844 (one context per size and language, moving
 * between screens without page loads); the built app is installable; after the first load every
 * screen opens offline; and with the server cut off the page sends only a backing-off health
 * probe, then syncs at once when the network returns. The screens are listed in everyScreen.ts.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness';
import { SCREENSHOT_DIR } from './screenshotRun';
import { seedHqJourney, type HqJourneyWorld } from './hqJourneyWorld';
import { everyScreen, navigateInApp, settled, signInWithCookie, type ScreenVisit } from './everyScreen';
import { unexpectedErrors, watchErrors, type Locale } from './people';
import { serverAndBrowser } from './suite';

const suite = serverAndBrowser();
let world: HqJourneyWorld;
let screens: ScreenVisit[];

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 1280 },
  { width: 390, height: 844 },
] as const;
const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
/** The header on a phone, in its steady state, leaves the screen to the screen. */
const PHONE_HEADER_MAX_PX = 64;

beforeAll(async () => {
  world = await seedHqJourney(suite.server());
  const cases = await fetch(`${suite.server().url}/api/hq/cases`, { headers: { cookie: world.adminCookie } });
  const body = (await cases.json()) as { cases: { id: string }[] };
  screens = everyScreen(world, body.cases[0]?.id);
}, 120_000);

/** A context in `locale` at `size`, its page collecting errors; signed in as the administrator unless told otherwise. */
async function openContext(locale: Locale, size: { width: number; height: number }, options: { signedIn?: boolean; serviceWorkers?: 'allow' | 'block' } = {}) {
  const context = await suite.browser().newContext({ locale, viewport: size, hasTouch: size.width < 1000, reducedMotion: 'reduce' /* axe judges what settles on screen, not a fade-in's half-transparent frame */, serviceWorkers: options.serviceWorkers ?? 'allow' });
  if (options.signedIn !== false) await signInWithCookie(context, suite.server().url, world.adminCookie);
  const errors: string[] = [];
  const page = watchErrors(await context.newPage(), errors);
  /** Everything else the page printed (warnings, logs): a built app prints no banners. */
  const printed: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') printed.push(`${message.type()}: ${message.text()}`);
  });
  return { context, page, errors, printed };
}

describe('every screen', () => {
  for (const locale of LOCALES) {
    for (const size of SIZES) {
      it(`has no serious or critical accessibility violation in ${locale} at ${size.width}x${size.height}`, async () => {
        const found: string[] = [];
        const publicScreens = screens.filter((s) => s.signedOut);
        const visitor = await openContext(locale, size, { signedIn: false });
        try {
          for (const screen of publicScreens) {
            await visitor.page.goto(`${suite.server().url}${screen.path}`);
            await settled(visitor.page, screen.path);
            found.push(...(await seriousViolations(visitor.page)).map((v) => `${screen.name} ${screen.path}: ${v}`));
          }
        } finally {
          await visitor.context.close();
        }
        const admin = await openContext(locale, size);
        try {
          await admin.page.goto(`${suite.server().url}/`);
          await settled(admin.page, '/');
          for (const screen of screens.filter((s) => !s.signedOut)) {
            await navigateInApp(admin.page, screen.path);
            found.push(...(await seriousViolations(admin.page)).map((v) => `${screen.name} ${screen.path}: ${v}`));
          }
          await navigateInApp(admin.page, '/');
          await mkdir(SCREENSHOT_DIR, { recursive: true });
          await admin.page.screenshot({ path: join(SCREENSHOT_DIR, `every-screen-home-${locale}-${size.width}x${size.height}.png`) });
          if (size.width < 600) {
            // Headless Chromium does not keep a new site's data for good: the app says so, once.
            await admin.page.getByTestId('persistence-refused').waitFor();
            expect(await admin.page.locator('.sync-status').getAttribute('data-persistence')).toBe('refused');
            await admin.page.getByTestId('persistence-noted').click();
            await admin.page.getByTestId('persistence-refused').waitFor({ state: 'detached' });
            const header = await admin.page.locator('header.app-header').boundingBox();
            expect(header?.height, 'the phone header').toBeLessThanOrEqual(PHONE_HEADER_MAX_PX);
          }
        } finally {
          await admin.context.close();
        }
        expect(found).toEqual([]);
        // The built app's console: nothing printed over and over, and no library's advertisement.
        const printed = [...visitor.printed, ...admin.printed];
        expect(printed.filter((line, i) => printed.indexOf(line) !== i), 'printed more than once').toEqual([]);
        expect(printed.filter((line) => /RxDB Open Core|premium/i.test(line))).toEqual([]);
        expect(unexpectedErrors([...visitor.errors, ...admin.errors])).toEqual([]);
      }, 300_000);
    }
  }
});

describe('the app offline and cut off', () => {
  it('is installable (Page.getInstallabilityErrors is empty)', async () => {
    // An ordinary context is incognito, which is itself an installability error: a profile on disk.
    const profile = await mkdtemp(join(tmpdir(), 'seal-install-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${suite.server().url}/`);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  it('after the first load, every screen opens offline', async () => {
    const { context, page, errors } = await openContext('zh-CN', { width: 1280, height: 800 }, { serviceWorkers: 'allow' });
    try {
      await page.goto(`${suite.server().url}/`);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      await settled(page, '/');
      await expect.poll(() => page.locator('.sync-status').getAttribute('data-connection'), { timeout: 30_000 }).toBe('online');
      const notFound = '找不到这个页面';
      await context.setOffline(true);
      const failures: string[] = [];
      for (const screen of screens.filter((s) => !s.signedOut)) {
        try {
          await navigateInApp(page, screen.path);
          const heading = (await page.locator('main h1').textContent()) ?? '';
          if (screen.name !== 'not found' && heading.includes(notFound)) failures.push(`${screen.name}: the not-found page`);
        } catch (error) {
          failures.push(`${screen.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
      }
      // A deep link opened offline (a page load, not a move inside the app) gets the app too.
      await page.goto(`${suite.server().url}/seals/${world.sealId}`);
      await settled(page, `/seals/${world.sealId}`);
      expect(failures).toEqual([]);
      expect(await page.locator('.connection-status').getAttribute('data-online')).toBe('false');
      expect(unexpectedErrors(errors, { networkCut: true })).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('with the server cut off sends only a backing-off probe, and syncs at once when the network returns', async () => {
    const { context, page, errors } = await openContext('en', { width: 1280, height: 800 });
    try {
      const url = suite.server().url;
      await page.goto(`${url}/`);
      await settled(page, '/');
      await expect.poll(() => page.locator('.sync-status').getAttribute('data-connection'), { timeout: 30_000 }).toBe('online');
      expect(await page.locator('.connection-status').getAttribute('data-online')).toBe('true');
      await page.clock.install();
      // The network interface stays up, the server does not answer: the case that used to retry
      // every few seconds. (Going offline first ends the open live stream, as a real cut does.)
      const sent: string[] = [];
      let serverCut = true;
      const toServer = (address: URL): boolean => address.pathname.startsWith('/api/') || address.pathname === '/healthz';
      await context.route(toServer, (route) => {
        sent.push(new URL(route.request().url()).pathname);
        return serverCut ? route.abort('connectionrefused') : route.continue();
      });
      await context.setOffline(true);
      await context.setOffline(false);
      // The network is back, the server is not: the `online` event's probe finds no answer.
      await expect.poll(() => sent.includes('/healthz')).toBe(true);
      await expect.poll(() => page.locator('.connection-status').getAttribute('data-server')).toBe('unreachable');
      // Requests sent before the cut may still be answered (a loaded machine): such an answer
      // rightly counts as the server answering, and what the app then sends is refused. Counted
      // from when nothing more is sent for 2 s (the page's timers stand still meanwhile).
      let seen = -1;
      let quietSince = Date.now();
      await expect.poll(() => {
        if (sent.length !== seen) [seen, quietSince] = [sent.length, Date.now()];
        return Date.now() - quietSince >= 2_000;
      }, { timeout: 30_000, interval: 200 }).toBe(true);
      await expect.poll(() => page.locator('.connection-status').getAttribute('data-server')).toBe('unreachable');
      expect(await page.locator('.connection-status').textContent()).toBe('Offline');

      sent.length = 0;
      // A simulated minute, a second at a time: a probe's failure arrives over the (real) network,
      // and the next probe is set only then.
      for (let second = 0; second < 60; second++) await page.clock.runFor(1_000);
      // Before: 85–109 failed requests a minute. Now: the probe after about 2, 4, 8, 16 and 32 s,
      // and the sync sends nothing until it answers.
      const probes = sent.filter((path) => path === '/healthz');
      expect(probes.length, sent.join(', ')).toBeGreaterThanOrEqual(2);
      expect(sent.length, sent.join(', ')).toBeLessThanOrEqual(8);
      expect(sent.filter((path) => path.startsWith('/api/sync/')), sent.join(', ')).toEqual([]);

      // The network returns: the `online` event probes at once and the sync goes on, without
      // waiting out the back-off (the page's clock does not move from here on).
      serverCut = false;
      sent.length = 0;
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await expect.poll(() => page.locator('.connection-status').getAttribute('data-online')).toBe('true');
      await expect.poll(() => sent.filter((path) => path === '/api/sync/pull').length).toBeGreaterThan(0);
      expect(sent).toContain('/healthz');
      expect(unexpectedErrors(errors, { networkCut: true }).filter((e) => !e.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
