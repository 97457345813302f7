/**
 * Everyone finds what concerns them, and people and units in the screens, in real Chromium
 * against the real server: staff apply for a seal; an auditor at HQ finds the request through the
 * requests list (search and status filter, from the replica) and is not told to make seals; the
 * navigation is a rail at 1280×800 and a bottom bar on a phone (390×844); the administrator sees
 * the people and deactivates the staff member who left (their open request is withdrawn, and the
 * auditor sees it so); the administrator reads what moving a site would do before applying it.
 * Screenshots of each screen, in both languages, go to screenshots/ as test output.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite, newPerson, pageFetch, unexpectedErrors, type Person } from './people';
import { fillRequestForm, setUpRequestWorld, submitRequestForm, type RequestWorld } from './requestWorld';
import { saveScreenshot } from './screenshotRun';
import { serverAndBrowser } from './suite';

const suite = serverAndBrowser();
const people: Person[] = [];
const extraContexts: BrowserContext[] = [];
let world: RequestWorld;
let auditor: Person;
let requestId: string;
const TITLE_FILE = '钢材采购合同.pdf';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** A screenshot without the service worker's toast (it would cover the screen). */
async function shot(page: Page, name: string): Promise<void> {
  await page.addStyleTag({ content: '.toast { display: none !important; }' });
  await saveScreenshot(page, `people-nav-${name}`, { fullPage: false });
}

/** The auditor (or anyone) in a fresh context with another viewport and language, signed in by their cookies. */
async function openAs(state: StorageState, viewport: { width: number; height: number }, locale: 'en' | 'zh-CN', isMobile = false): Promise<Page> {
  const context = await suite.browser().newContext({ storageState: state, viewport, locale, isMobile, hasTouch: isMobile, deviceScaleFactor: isMobile ? 2 : 1 });
  extraContexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  const server = suite.server();
  world = await setUpRequestWorld(suite.browser(), server, { admin: 'Wang Admin', approver: 'Li Approver', staff: 'Zhang Staff', site: 'West Site 西区项目部', seal: 'West Site Contract Seal' });
  people.push(world.admin, world.approver, world.staff);
  auditor = await newPerson(suite.browser(), 'en');
  people.push(auditor);
  await invite(world.admin, auditor, server.url, world.hqId, ['auditor'], 'Zhao Auditor');
  await world.staff.page.goto(`${server.url}/requests/new`);
  await fillRequestForm(world.staff.page, { fileName: TITLE_FILE, fileText: '%PDF-1.7 steel', pages: 3, copies: 2, purpose: 'Steel purchase contract', uses: 2 });
  requestId = await submitRequestForm(world.staff.page);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(extraContexts.map((c) => c.close()));
  for (const p of people) expect(unexpectedErrors(p.errors, { networkCut: true }), 'errors in the page').toEqual([]);
});

describe('everyone finds what concerns them', () => {
  it('an auditor finds a request through the requests list, and is not told to make seals; the nav is a rail at 1280×800', async () => {
    const { url } = suite.server();
    const page = await openAs(await auditor.context.storageState(), { width: 1280, height: 800 }, 'en');
    await page.goto(url);
    await page.locator('.link-card').first().waitFor();
    // Home: the auditor's places, none of them to make or keep seals, nor to stamp.
    await expect.poll(() => page.locator('.link-card[data-card="seals"]').textContent()).toContain('See each seal');
    expect(await page.locator('main').textContent()).not.toMatch(/Make seals/);
    expect(await page.locator('.link-card[data-card="stamp"]').count()).toBe(0);
    // People: read, not managed.
    expect(await page.locator('.link-card[data-card="people"]').textContent()).toContain('read only');
    expect(await page.locator('.link-card[data-card="people"]').textContent()).not.toMatch(/grant or take back|deactivate/);
    // The rail: visible at the left, with the auditor's places only.
    const rail = page.locator('.app-nav-rail');
    await rail.waitFor();
    expect(await page.locator('.app-nav-bar').isVisible()).toBe(false);
    const box = (await rail.boundingBox())!;
    expect(box.x).toBeLessThan(10);
    expect(box.height).toBeGreaterThan(300);
    expect(await rail.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav')))).toEqual(['home', 'requests', 'seals', 'hq', 'devices', 'archive', 'people']);
    await shot(page, 'auditor-home-en-1280x800');

    await rail.locator('a[data-nav="requests"]').click();
    await page.waitForURL(/\/requests$/);
    const list = page.getByTestId('scope-request-list');
    await list.locator(`li[data-request-id="${requestId}"]`).waitFor({ timeout: 30_000 });
    await page.locator('#rq-search').fill('钢材');
    await page.locator('#rq-status').selectOption('pending');
    await expect.poll(() => list.locator('li').count()).toBe(1);
    await page.locator('#rq-search').fill('no such request');
    await expect.poll(() => list.count()).toBe(0);
    await page.locator('#rq-search').fill('Zhang');
    await list.locator(`li[data-request-id="${requestId}"]`).waitFor();
    await shot(page, 'auditor-requests-en-1280x800');
    await list.locator(`li[data-request-id="${requestId}"] a`).click();
    await page.waitForURL(new RegExp(`/requests/${requestId}$`));
    await page.getByTestId('request-terms').waitFor();
    expect(await rail.locator('a[aria-current="page"]').getAttribute('data-nav')).toBe('requests');
  });

  it('on a phone (390×844) the nav is a bottom bar, the rest behind "More"', async () => {
    const { url } = suite.server();
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await openAs(await world.admin.context.storageState(), { width: 390, height: 844 }, locale, true);
      await page.goto(url);
      const bar = page.locator('.app-nav-bar');
      await bar.waitFor();
      expect(await page.locator('.app-nav-rail').isVisible()).toBe(false);
      const box = (await bar.boundingBox())!;
      expect(Math.round(box.y + box.height)).toBe(844);
      expect(box.width).toBe(390);
      expect(await bar.locator(':scope > li > a').evaluateAll((links) => links.map((a) => a.getAttribute('data-nav')))).toEqual(['home', 'requests', 'seals', 'hq']);
      await shot(page, `admin-home-${locale}-390x844`);
      await bar.locator('button[data-nav="more"]').click();
      const more = page.locator('#app-nav-more-list');
      await more.waitFor();
      await shot(page, `admin-more-${locale}-390x844`);
      await more.locator('a[data-nav="people"]').click();
      await page.waitForURL(/\/admin\/people$/);
      expect(await more.isVisible()).toBe(false);
      await page.getByTestId('people-list').waitFor();
      await shot(page, `admin-people-${locale}-390x844`);
    }
  });
});

describe('people and units in the screens', () => {
  it('the admin sees people and deactivates the one who left: their open request is withdrawn, the list says so', async () => {
    const { url } = suite.server();
    const page = world.admin.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${url}/admin/people`);
    const card = page.locator(`[data-person-id="${world.staffUser.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('Zhang Staff');
    expect(await card.textContent()).toMatch(/Last sign-in: /);
    expect(await card.textContent()).toContain('Passkeys: 1');
    expect(await page.locator('[data-person-id]').count()).toBe(4);
    await shot(page, 'admin-people-en-1280x800');
    await card.getByTestId('deactivate').click();
    await page.locator('dialog[open]').waitFor();
    await shot(page, 'admin-deactivate-dialog-en-1280x800');
    await page.locator('dialog[open] .button-danger').click();
    await page.getByText('Zhang Staff is deactivated. 1 open request withdrawn.').waitFor({ timeout: 20_000 });
    await page.locator(`[data-person-id="${world.staffUser.id}"][data-active="false"]`).waitFor();
    expect(await card.getByTestId('person-state').textContent()).toMatch(/Deactivated/);
    await shot(page, 'admin-people-after-en-1280x800');
    // Offline, the list last fetched is still there, said to be a copy, with nothing offered that needs the server.
    await page.context().setOffline(true);
    await page.reload();
    await page.getByTestId('hq-kept').waitFor();
    expect(await page.getByTestId('hq-kept').textContent()).toMatch(/^Shown as of /);
    await page.locator(`[data-person-id="${world.staffUser.id}"][data-active="false"]`).waitFor();
    expect(await page.locator('[data-person-id]').count()).toBe(4);
    expect(await page.getByTestId('deactivate').count()).toBe(0);
    await shot(page, 'admin-people-offline-en-1280x800');
    await page.context().setOffline(false);
    await page.getByTestId('hq-fetched').waitFor({ timeout: 30_000 });
    // Their session is over: the staff member's page is signed out (refused, or its cookie already cleared by a refusal).
    const after = await pageFetch<{ session: unknown }>(world.staff.page, '/api/auth/session');
    expect(after.status === 401 || after.body.session === null).toBe(true);

    // The auditor's list shows the request withdrawn (cancelled).
    const auditorPage = await openAs(await auditor.context.storageState(), { width: 1280, height: 800 }, 'zh-CN');
    await auditorPage.goto(`${url}/requests`);
    await auditorPage.locator(`[data-testid="scope-request-list"] li[data-request-id="${requestId}"][data-status="cancelled"]`).waitFor({ timeout: 30_000 });
    await shot(auditorPage, 'auditor-requests-zh-CN-1280x800');
  });

  it('the admin reads what moving the site does before applying it', async () => {
    const { url } = suite.server();
    const page = world.admin.page;
    const branch = await pageFetch<{ unit: { id: string } }>(page, '/api/units', { name: '华东分公司 East Branch', kind: 'branch', parentId: world.hqId });
    expect(branch.status).toBe(201);
    await page.goto(`${url}/admin/units`);
    await page.locator(`[data-unit-id="${world.siteId}"] a.unit-name`).click();
    await page.waitForURL(new RegExp(`/admin/units/${world.siteId}$`));
    await page.locator(`#unit-move-parent option[value="${branch.body.unit.id}"]`).waitFor({ state: 'attached' });
    await page.locator('#unit-move-parent').selectOption(branch.body.unit.id);
    const summary = page.getByTestId('move-effect-summary');
    await summary.waitFor();
    // The approver and the deactivated staff member are elsewhere or inactive: the seal and no open request move.
    expect(await summary.textContent()).toBe('Moving West Site 西区项目部 under 华东分公司 East Branch gives 0 people’s roles a new place in the tree; 1 seal and 0 open requests move with it.');
    await shot(page, 'admin-unit-move-en-1280x800');
    await page.locator('[data-testid="move-form"] button[type="submit"]').click();
    await page.getByText('Moved under 华东分公司 East Branch.').waitFor();
    const units = await pageFetch<{ units: { id: string; parentId: string | null }[] }>(page, '/api/units');
    expect(units.body.units.find((u) => u.id === world.siteId)?.parentId).toBe(branch.body.unit.id);
  });
});
