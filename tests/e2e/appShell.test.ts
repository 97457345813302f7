/**
 * The app shell in real Chromium against the real sync-server: title and manifest, icons that
 * load, the empty state in both languages, the service worker and offline reload, /healthz,
 * and layouts without horizontal scroll from phone to landscape tablet.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_APP, ensureAppBuilt, launchBrowser, startServer, type RunningServer } from './harness';

const TEXT = {
  'zh-CN': { title: '本机上还没有设置组织', online: '在线', offline: '离线', offlineReady: '已可离线使用' },
  en: { title: 'No organisation is set up on this device yet', online: 'Online', offline: 'Offline' },
} as const;

let server: RunningServer | undefined;
/** The build this file's server serves: a copy, so the last test can deploy a new version into it. */
let served: string | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** Uncaught exceptions and console errors of every page; each test ends with none. */
let pageErrors: string[] = [];

beforeAll(async () => {
  ensureAppBuilt();
  served = await mkdtemp(join(tmpdir(), 'seal-shell-build-'));
  await cp(DIST_APP, served, { recursive: true });
  server = await startServer({ STATIC_DIR: served });
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.allSettled(contexts.splice(0).map((c) => c.close()));
  const errors = pageErrors;
  pageErrors = [];
  expect(errors, 'errors in the page').toEqual([]);
});

afterAll(async () => {
  // Each step runs even when an earlier one failed, so no browser or server outlives the run.
  const results = await Promise.allSettled([browser?.close()]);
  const stopped = await Promise.allSettled([server?.stop(), served === undefined ? undefined : rm(served, { recursive: true, force: true })]);
  for (const r of [...results, ...stopped]) if (r.status === 'rejected') throw r.reason;
});

async function openPage(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ locale: 'zh-CN', viewport: { width: 800, height: 1280 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console.error: ${msg.text()}`);
  });
  await page.goto(server!.url);
  return { context, page };
}

function heading(page: Page): ReturnType<Page['locator']> {
  return page.locator('main h1');
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

describe('app shell', () => {
  it('serves the titled shell with a manifest whose icons load at their stated sizes', async () => {
    const { context, page } = await openPage();
    expect(await page.title()).toBe('印章管控 · Seal Control');
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(manifestHref).toBeTruthy();

    const manifestUrl = new URL(manifestHref!, server!.url).href;
    const manifestResponse = await context.request.get(manifestUrl);
    expect(manifestResponse.status()).toBe(200);
    const manifest = JSON.parse(await manifestResponse.text()) as { name: string; start_url: string; icons: ManifestIcon[] };
    expect(manifest.name).toContain('印章管控');
    expect(manifest.start_url).toBe('/');

    const icons = manifest.icons.map((i) => ({ sizes: i.sizes, purpose: i.purpose ?? 'any' }));
    expect(icons).toEqual(
      expect.arrayContaining([
        { sizes: '192x192', purpose: 'any' },
        { sizes: '512x512', purpose: 'any' },
        { sizes: '512x512', purpose: 'maskable' },
      ]),
    );
    for (const icon of manifest.icons) {
      const response = await context.request.get(new URL(icon.src, manifestUrl).href);
      expect(response.status(), icon.src).toBe(200);
      expect(response.headers()['content-type'], icon.src).toBe('image/png');
      const [width, height] = icon.sizes.split('x').map(Number);
      expect(pngSize(await response.body()), icon.src).toEqual({ width, height });
    }

    for (const selector of ['link[rel="icon"]', 'link[rel="apple-touch-icon"]']) {
      const href = await page.locator(selector).getAttribute('href');
      const response = await context.request.get(new URL(href!, server!.url).href);
      expect(response.status(), selector).toBe(200);
    }
  });

  it('shows the empty state in zh-CN, and the switch to English survives a reload', async () => {
    const { page, context } = await openPage({ locale: 'zh-CN' });
    await expect.poll(() => heading(page).textContent()).toBe(TEXT['zh-CN'].title);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect.poll(() => page.getByRole('listitem').count()).toBe(3);
    expect(await page.locator('main').textContent()).toContain('一次性设置码');

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => heading(page).textContent()).toBe(TEXT.en.title);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('main').textContent()).toContain('one-time setup code');

    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe(TEXT.en.title);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    // The choice is per device, not per tab.
    const second = await context.newPage();
    await second.goto(server!.url);
    await expect.poll(() => heading(second).textContent()).toBe(TEXT.en.title);
  });

  it.each([
    ['en-US', TEXT.en.title, 'en'],
    ['fr-FR', TEXT['zh-CN'].title, 'zh-CN'],
  ])('takes its default from the browser language (%s)', async (locale, title, lang) => {
    const { page } = await openPage({ locale });
    await expect.poll(() => heading(page).textContent()).toBe(title);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  });

  it('answers an unknown address with the not-found page and a way home', async () => {
    const { page } = await openPage();
    await page.goto(`${server!.url}/no/such/screen`);
    await expect.poll(() => heading(page).textContent()).toBe('找不到这个页面');
    await page.getByRole('link', { name: '返回首页' }).click();
    await expect.poll(() => heading(page).textContent()).toBe(TEXT['zh-CN'].title);
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('is controlled by its service worker and reloads offline', async () => {
    const { context, page } = await openPage();
    // First visit: the worker installs, precaches the shell, and the page says so.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect.poll(() => page.getByTestId('sw-toast').textContent()).toContain(TEXT['zh-CN'].offlineReady);
    // The generated worker does not clients.claim(), so it controls pages from the next load on.
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    // "Online" once the server answered its health probe.
    await expect.poll(() => page.locator('.connection-status').textContent()).toBe(TEXT['zh-CN'].online);
    expect(await page.locator('.offline-banner').count()).toBe(0);

    await context.setOffline(true);
    await expect.poll(() => page.locator('.connection-status').textContent()).toBe(TEXT['zh-CN'].offline);
    expect(await page.locator('.offline-banner').textContent()).toContain('恢复联网后自动同步');

    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe(TEXT['zh-CN'].title);
    expect(await page.locator('.connection-status').getAttribute('data-online')).toBe('false');
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // A deep link opened offline still gets the shell (workbox navigateFallback), then the router.
    await page.goto(`${server!.url}/no/such/screen/42`);
    await expect.poll(() => heading(page).textContent()).toBe('找不到这个页面');

    await context.setOffline(false);
    await expect.poll(() => page.locator('.connection-status').textContent()).toBe(TEXT['zh-CN'].online);
    expect(await page.locator('.offline-banner').count()).toBe(0);
  });

  it('GET /healthz reports a reachable store', async () => {
    const response = await fetch(`${server!.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { status: string; store: { reachable: boolean } };
    expect(body.status).toBe('ok');
    expect(body.store.reachable).toBe(true);
  });

  it.each([
    ['phone portrait', 360, 740, 'zh-CN'],
    ['phone portrait', 360, 740, 'en'],
    ['tablet portrait', 800, 1280, 'zh-CN'],
    ['tablet portrait', 800, 1280, 'en'],
    ['tablet landscape', 1280, 800, 'zh-CN'],
    ['tablet landscape', 1280, 800, 'en'],
  ])('%s %ix%i in %s: no horizontal scroll, header on one line, touch targets ≥ 44px', async (_name, width, height, locale) => {
    const { page } = await openPage({ locale, viewport: { width, height }, hasTouch: true });
    await expect.poll(() => heading(page).textContent()).toBe(TEXT[locale as keyof typeof TEXT].title);
    const layout = await page.evaluate(() => {
      const root = document.documentElement;
      const header = document.querySelector('header')!.getBoundingClientRect();
      const targets = [...document.querySelectorAll<HTMLElement>('button, a')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ text: el.textContent, ...el.getBoundingClientRect().toJSON() }) as { text: string; width: number; height: number });
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, headerHeight: header.height, targets };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.headerHeight).toBeLessThan(80);
    for (const target of layout.targets) {
      expect(Math.min(target.width, target.height), `touch target "${target.text}"`).toBeGreaterThanOrEqual(44);
    }
  });
});

describe('a new version (runs last: it deploys into the served build)', () => {
  it('is announced, not applied until the user agrees, then applied, and works offline', async () => {
    const { context, page } = await openPage({ locale: 'en' });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    const version = () => page.evaluate(() => document.querySelector('meta[name="seal-test-version"]')?.getAttribute('content') ?? 'first');

    // A new version is deployed: another page shell, and a worker whose precache names it.
    const index = join(served!, 'index.html');
    await writeFile(index, (await readFile(index, 'utf8')).replace('<head>', '<head><meta name="seal-test-version" content="second">'));
    const sw = join(served!, 'sw.js');
    const worker = await readFile(sw, 'utf8');
    // The precache manifest names index.html with its revision (minified or not).
    const revised = worker.replace(/("?url"?\s*:\s*"index\.html"\s*,\s*"?revision"?\s*:\s*")[0-9a-f]+"/, '$1a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"');
    expect(revised).not.toBe(worker);
    await writeFile(sw, revised);

    // The tablet finds it (on the next load) and says so, but keeps the version in use until asked.
    await page.reload();
    await expect.poll(() => page.getByTestId('sw-toast').textContent(), { timeout: 30_000 }).toContain('An update is available');
    expect(await version()).toBe('first');
    await page.reload();
    await expect.poll(() => page.getByTestId('sw-toast').textContent(), { timeout: 30_000 }).toContain('An update is available');
    expect(await version()).toBe('first');

    // Agreed: the new version takes over and the page reloads into it.
    await page.getByTestId('sw-toast').getByRole('button', { name: 'Reload' }).click();
    await expect.poll(version, { timeout: 30_000 }).toBe('second');
    await expect.poll(() => heading(page).textContent()).toBe(TEXT.en.title);
    // And it is the version the tablet has offline.
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe(TEXT.en.title);
    expect(await version()).toBe('second');
    await context.setOffline(false);
  });
});
