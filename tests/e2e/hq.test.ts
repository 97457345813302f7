/**
 * Headquarters' screens in real Chromium: an auditor opens the merged log from home, filters it
 * (the address carries the filters: a reload shows the same view), pages through it, sees the
 * counts, gets a CSV link with the same filters, opens the dashboard (charts with their data
 * tables), and reads the last views again offline and while the server cannot be reached.
 *
 * The HQ routes are answered by a stand-in (hqFront.ts) in front of the real sync-server until
 * the server side is merged; then this journey runs against the real routes by dropping the front.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealRecord } from '@seal/shared';
import { freePort, launchBrowser, REPO_ROOT, startServer, type RunningServer } from './harness';
import { startHqFront, type HqFront } from './hqFront';
import { generateHqHistory, type HqHistory } from './hqWorld';
import { invite, newPerson, organisationWithSite, pageFetch, unexpectedErrors, watchErrors, type Person } from './people';
import { replicaOf } from './replicas';

let server: RunningServer | undefined;
let browser: Browser | undefined;
let front: HqFront | undefined;
let auditor: Person;
let history: HqHistory;
const people: Person[] = [];
const NAMES = { admin: 'Wang Admin', auditor: 'Li Auditor', siteA: 'Site A', siteB: 'Site B' };

const chinaTime = (ms: number): string => new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(ms);
const rowIds = (page: Page): Promise<string[]> => page.locator('[data-testid="hq-event"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id') ?? ''));
const newestFirst = (events: HqHistory['events']): string[] => [...events].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((e) => e.id);

beforeAll(async () => {
  const frontPort = await freePort();
  server = await startServer({ AUTH_RATE_LIMIT: '500', ORIGINS: `http://localhost:${frontPort}` });
  browser = await launchBrowser();
  // Until the organisation exists the front only passes requests through: history comes after the ids.
  const lazyHistory: { current: HqHistory } = { current: { events: [], anomalies: new Set(), parents: new Map(), ids: { hqId: '', siteIds: ['', ''], userIds: [], seals: [] } } };
  const names = new Map<string, string>();
  front = await startHqFront(frontPort, server.url, new Proxy({} as HqHistory, { get: (_t, key) => lazyHistory.current[key as keyof HqHistory] }), names);
  const viaFront = { url: front.url, output: () => server!.output() };

  const { admin, adminUser, hqId, siteId } = await organisationWithSite(browser, viaFront, { admin: NAMES.admin, site: NAMES.siteA }, { lat: 31.23, lon: 121.47, radiusM: 300 });
  people.push(admin);
  const siteB = await pageFetch<{ unit: { id: string } }>(admin.page, '/api/units', { name: NAMES.siteB, kind: 'site', parentId: hqId });
  if (siteB.status !== 201) throw new Error(`site refused: ${JSON.stringify(siteB.body)}`);
  auditor = await newPerson(browser, 'en');
  people.push(auditor);
  const auditorUser = await invite(admin, auditor, front.url, hqId, ['auditor'], NAMES.auditor);

  // Two seals the auditor's device will know by name (the log names them by id).
  const seals = [
    { id: 'seal-a-contract', name: 'Site A contract seal', kind: 'contract', unitId: siteId, deviceId: 'dev-a-01' },
    { id: 'seal-b-finance', name: 'Site B finance seal', kind: 'finance', unitId: siteB.body.unit.id, deviceId: 'dev-b-01' },
  ];
  const tablet = await replicaOf(server, admin, adminUser.id, 'e2e-hq-admin');
  try {
    for (const seal of seals) {
      await tablet.store.records.create('seal', { id: seal.id, name: seal.name, kind: seal.kind, form: 'physical', unitId: seal.unitId, custodianId: adminUser.id, createdAt: Date.now(), antiCounterfeitCode: '3301020012345', deviceId: null } as unknown as SealRecord);
    }
    await tablet.start({ live: false }).awaitInSync();
  } finally {
    await tablet.close();
  }
  names.set(hqId, 'Huajian Group').set(siteId, NAMES.siteA).set(siteB.body.unit.id, NAMES.siteB);
  lazyHistory.current = generateHqHistory({ hqId, siteIds: [siteId, siteB.body.unit.id], userIds: [adminUser.id, auditorUser.id], seals }, Date.now(), 320);
  history = lazyHistory.current;
}, 180_000);

afterAll(async () => {
  const results = await Promise.allSettled([browser?.close(), front?.close()]);
  results.push(...(await Promise.allSettled([server?.stop()])));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
});

describe("headquarters' merged log and dashboard", () => {
  it('an auditor filters the log by the address, pages it, downloads its CSV, reads the dashboard, and reads both again offline', async () => {
    const { page } = auditor;
    const siteA = history.ids.siteIds[0];
    const stampsAtA = history.events.filter((e) => e.kind === 'stamp' && e.unitId === siteA);
    const stamps = history.events.filter((e) => e.kind === 'stamp');

    // Home leads an auditor to headquarters.
    await page.goto(front!.url);
    await page.getByRole('link', { name: /Headquarters/ }).first().click();
    await page.waitForURL(/\/hq$/);
    await expect.poll(() => page.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe(`${history.events.length} events`);
    expect(await page.locator('[data-testid="hq-counts"] li[data-kind="stamp"]').textContent()).toBe(`Stamp ${stamps.length}`);
    expect(await rowIds(page)).toEqual(newestFirst(history.events).slice(0, 50));

    // Filters narrow the list, and the address carries them.
    await page.selectOption('#hq-unit', siteA);
    await page.locator('.hq-kinds summary').click();
    await page.getByRole('checkbox', { name: 'Stamp', exact: true }).check();
    await page.waitForURL((url) => url.searchParams.get('unit') === siteA && url.searchParams.get('kind') === 'stamp');
    await expect.poll(() => page.getByTestId('hq-total').textContent()).toBe(`${stampsAtA.length} events`);
    await expect.poll(() => rowIds(page)).toEqual(newestFirst(stampsAtA).slice(0, 50));
    expect(new Set(await page.getByTestId('hq-event-kind').allTextContents())).toEqual(new Set(['Stamp']));
    expect(new Set(await page.getByTestId('hq-event-unit').allTextContents())).toEqual(new Set([NAMES.siteA]));
    // Names this device knows: the seal (once synced) and the people.
    await expect.poll(() => page.getByTestId('hq-event-seal').first().textContent(), { timeout: 30_000 }).toBe('Site A contract seal');
    expect((await page.getByTestId('hq-event-people').allTextContents()).every((n) => n === NAMES.admin || n === NAMES.auditor)).toBe(true);

    // The CSV link carries the same filters.
    const csvHref = (await page.getByTestId('hq-csv').getAttribute('href'))!;
    const csvQuery = new URL(csvHref, front!.url).searchParams;
    expect(new URL(csvHref, front!.url).pathname).toBe('/api/hq/events.csv');
    expect([csvQuery.get('unit'), csvQuery.get('kind'), csvQuery.get('cursor')]).toEqual([siteA, 'stamp', null]);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref);
    expect(csv.split('\r\n').filter((line) => line !== '')).toHaveLength(stampsAtA.length + 1);

    // Reloading the address shows the same view.
    const shared = page.url();
    await page.reload();
    await expect.poll(() => page.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe(`${stampsAtA.length} events`);
    // The units arrive with the directory, after the kept page of events: the drop-down catches up.
    await expect.poll(() => page.locator('#hq-unit').inputValue(), { timeout: 15_000 }).toBe(siteA);
    expect(await page.getByRole('checkbox', { name: 'Stamp', exact: true }).isChecked()).toBe(true);
    expect(await rowIds(page)).toEqual(newestFirst(stampsAtA).slice(0, 50));

    // Paging: every stamp, 50 at a time, newest first, each once.
    await page.selectOption('#hq-unit', '');
    await expect.poll(() => page.getByTestId('hq-total').textContent()).toBe(`${stamps.length} events`);
    expect(stamps.length).toBeGreaterThan(100);
    await expect.poll(() => rowIds(page)).toEqual(newestFirst(stamps).slice(0, 50));
    await page.getByTestId('hq-load-more').click();
    await expect.poll(() => rowIds(page)).toEqual(newestFirst(stamps).slice(0, 100));
    await page.getByTestId('hq-load-more').click();
    await expect.poll(() => rowIds(page)).toEqual(newestFirst(stamps));
    expect(await page.getByTestId('hq-load-more').count()).toBe(0);
    expect(await page.getByTestId('hq-shown').textContent()).toBe(`${stamps.length} of ${stamps.length} shown`);

    // The dashboard of the same scope: charts with their text alternative.
    await page.goto(shared);
    await expect.poll(() => page.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe(`${stampsAtA.length} events`);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL((url) => url.pathname === '/hq/dashboard' && url.searchParams.get('unit') === siteA);
    await page.getByTestId('hq-dashboard').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('chart-per-day-summary').textContent()).toMatch(new RegExp(`^${stampsAtA.length} in all`));
    expect(await page.locator('[data-testid="chart-per-day-canvas"] canvas').count()).toBe(1);
    await page.locator('[data-testid="chart-per-day"] summary').click();
    const dayRows = await page.locator('[data-testid="chart-per-day"] tbody tr td').allTextContents();
    expect(dayRows.length).toBeGreaterThanOrEqual(30);
    expect(dayRows.reduce((sum, n) => sum + Number(n), 0)).toBe(stampsAtA.length);
    expect(await page.locator('[data-testid="chart-by-unit"] tbody th').allTextContents()).toEqual([NAMES.siteA]);
    expect(await page.getByTestId('hq-latency-p50').textContent()).toBe('95 min');
    expect(await page.locator('[data-testid="hq-fleet"] tbody tr').count()).toBe(2);
    await mkdir(join(REPO_ROOT, 'screenshots'), { recursive: true });

    // Offline: the last results of each view, labelled with the time they were fetched. A fresh tab
    // of the same profile: the first page carries the virtual authenticator's CDP session, and with
    // it Chromium reports navigator.onLine = true while offline.
    const tab = watchErrors(await auditor.context.newPage(), auditor.errors);
    await tab.goto(shared);
    await tab.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await expect.poll(() => tab.getByTestId('hq-total').textContent(), { timeout: 30_000 }).toBe(`${stampsAtA.length} events`);
    const fetchedAt = Number(await tab.evaluate(() => Date.now()));
    await auditor.context.setOffline(true);
    try {
      await tab.reload();
      const kept = tab.getByTestId('hq-kept');
      await kept.waitFor({ timeout: 30_000 });
      const keptAt = Number(await kept.getAttribute('data-fetched-at'));
      expect(Math.abs(keptAt - fetchedAt)).toBeLessThan(60_000);
      expect(await kept.textContent()).toBe(`Shown as of ${chinaTime(keptAt)} (China time), you are offline.`);
      expect(await rowIds(tab)).toEqual(newestFirst(stampsAtA).slice(0, 50));
      expect(await tab.getByTestId('hq-total').textContent()).toBe(`${stampsAtA.length} events`);
      await tab.screenshot({ path: join(REPO_ROOT, 'screenshots', 'hq-log-offline-en.png'), fullPage: false });
    } finally {
      await auditor.context.setOffline(false);
    }

    // Online, but the server cannot be reached: the dashboard kept for this scope.
    front!.unreachable = true;
    try {
      await tab.getByRole('link', { name: 'Dashboard' }).click();
      await expect.poll(() => tab.getByTestId('hq-kept').textContent(), { timeout: 30_000 }).toMatch(/^Shown as of \d\d:\d\d \(China time\): the server cannot be reached\.$/);
      expect(await tab.getByTestId('chart-per-day-summary').textContent()).toMatch(new RegExp(`^${stampsAtA.length} in all`));
      await tab.screenshot({ path: join(REPO_ROOT, 'screenshots', 'hq-dashboard-unreachable-en.png'), fullPage: false });
    } finally {
      front!.unreachable = false;
    }
    await tab.close();

    expect(front!.refused).toEqual([]);
    const unreachable = /Failed to load resource: net::ERR_(EMPTY_RESPONSE|INTERNET_DISCONNECTED|CONNECTION_CLOSED)/;
    expect(unexpectedErrors(auditor.errors, { networkCut: true }).filter((e) => !unreachable.test(e))).toEqual([]);
  });

  it('looks right in both languages on a laptop, a tablet upright and a phone (screenshots/hq-*.png)', async () => {
    const storageState = await auditor.context.storageState();
    const devices = [
      { name: 'landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false },
      { name: 'portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
      { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true },
    ];
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const device of devices) {
        const context = await browser!.newContext({ ...device, locale, hasTouch: device.isMobile, storageState });
        try {
          const page = await context.newPage();
          const errors: string[] = [];
          watchErrors(page, errors);
          await page.goto(`${front!.url}/hq?kind=stamp,tamper,refusal,decision&seal=seal-a-contract`);
          await page.getByTestId('hq-event').first().waitFor({ timeout: 30_000 });
          await expect.poll(() => page.getByTestId('hq-event-seal').first().textContent(), { timeout: 30_000 }).toBe('Site A contract seal');
          // No horizontal scroll: the log fits the screen (a mobile layout viewport widens to its content, so compare with the device).
          const fits = (): Promise<boolean> => page.evaluate((width) => document.documentElement.scrollWidth <= width, device.viewport.width);
          expect(await fits()).toBe(true);
          await page.screenshot({ path: join(REPO_ROOT, 'screenshots', `hq-log-${locale}-${device.name}.png`), fullPage: false });
          await page.getByTestId('hq-total').evaluate((el) => el.scrollIntoView());
          await page.screenshot({ path: join(REPO_ROOT, 'screenshots', `hq-log-rows-${locale}-${device.name}.png`), fullPage: false });
          await page.goto(`${front!.url}/hq/dashboard?unit=${history.ids.hqId}`);
          await page.locator('[data-testid="chart-by-unit-canvas"] canvas').waitFor({ timeout: 30_000 });
          // The data table opens from the keyboard.
          await page.locator('[data-testid="chart-by-seal-kind"] summary').focus();
          await page.keyboard.press('Enter');
          await page.locator('[data-testid="chart-by-seal-kind"] table').waitFor();
          expect(await fits()).toBe(true);
          await page.screenshot({ path: join(REPO_ROOT, 'screenshots', `hq-dashboard-${locale}-${device.name}.png`), fullPage: true });
          expect(unexpectedErrors(errors)).toEqual([]);
        } finally {
          await context.close();
        }
      }
    }
  });
});
