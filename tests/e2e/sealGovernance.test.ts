/**
 * Making a 公章 through its approval route, in real Chromium, each person in their own browser
 * context with their own virtual authenticator (ADR 009): the administrator sets a route on the
 * routes screen (two approvers to make an official seal at the site); the site's custodian makes
 * the seal, which the form says awaits approval and by whom, and which shows "Awaiting approval";
 * two approvers — one at the site in English, one at HQ in Chinese — find it in their approvals
 * list, open the seal and approve with their passkeys; the seal becomes active for the custodian,
 * its first move written by the server in the custodian's name, the timeline naming the approvers.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactRow, SealStatusChange, SyncRow } from '@seal/shared';
import { launchBrowser, startServer, type RunningServer } from './harness';
import { invite, newPerson, organisationWithSite, pageFetch, unexpectedErrors, type Person } from './people';

const SEAL_NAME = '一号项目部公章';
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical accessibility violations axe finds on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

let server: RunningServer | undefined;
let browser: Browser | undefined;
let admin: Person;
let custodian: Person;
let siteApprover: Person;
let hqApprover: Person;
let siteId: string;
let custodianId: string;
const names = { siteApprover: 'Zhao Site Head', hqApprover: '钱法务' };

beforeAll(async () => {
  server = await startServer({ AUTH_RATE_LIMIT: '500' });
  browser = await launchBrowser();
  const org = await organisationWithSite(browser, server, { admin: 'Wang Admin', site: 'Site 1' }, { lat: 31.2304, lon: 121.4737, radiusM: 300 }, 'en');
  admin = org.admin;
  siteId = org.siteId;
  custodian = await newPerson(browser, 'en');
  custodianId = (await invite(admin, custodian, server.url, siteId, ['custodian'], 'Li Custodian')).id;
  siteApprover = await newPerson(browser, 'en');
  await invite(admin, siteApprover, server.url, siteId, ['approver'], names.siteApprover);
  hqApprover = await newPerson(browser, 'zh-CN');
  await invite(admin, hqApprover, server.url, org.hqId, ['approver'], names.hqApprover);
}, 180_000);

afterAll(async () => {
  const closed = await Promise.allSettled([browser?.close()]);
  const stopped = await Promise.allSettled([server?.stop()]);
  for (const r of [...closed, ...stopped]) if (r.status === 'rejected') throw r.reason;
});

const statusOf = (page: Page) => page.locator('h1.seal-title').getAttribute('data-status');

/** The approver finds the seal in their approvals list, opens it and approves with their passkey. */
async function approveFromList(approver: Person, listTitle: string, approveLabel: string): Promise<void> {
  const { page } = approver;
  await page.goto(`${server!.url}/approvals`);
  const inbox = page.getByTestId('governance-inbox');
  await inbox.getByRole('heading', { name: listTitle }).waitFor();
  const item = inbox.locator('[data-testid="governance-inbox-item"][data-action="create"]', { hasText: SEAL_NAME });
  await item.waitFor({ timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await item.click();
  await page.locator('h1.seal-title', { hasText: SEAL_NAME }).waitFor({ timeout: 30_000 });
  const request = page.locator('[data-testid="governance-request"][data-state="pending"]');
  await request.waitFor();
  expect(await request.getByTestId('governance-proposal').textContent()).toBe(approver.locale === 'en' ? 'Proposed change: make the seal (it becomes active)' : '拟变更：刻制印章（启用）');
  expect(await seriousViolations(page)).toEqual([]);
  await request.getByRole('button', { name: approveLabel }).click();
  await page.locator('main [role="status"]').filter({ hasText: approver.locale === 'en' ? 'Your decision has been recorded.' : '您的审批意见已记录。' }).waitFor();
}

describe('a 公章 made through its approval route', () => {
  it('the admin sets the route on the routes screen, found in the navigation', async () => {
    const { page } = admin;
    await page.goto(`${server!.url}/`);
    await page.getByRole('navigation').getByRole('link', { name: 'Approval routes' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Approval routes' }).waitFor();
    await page.locator('main').getByText('No route is set: the defaults apply everywhere.').waitFor();
    await page.locator('#route-unit').selectOption(siteId);
    await page.locator('#route-kind').selectOption('official');
    await page.locator('#route-purpose').selectOption('create');
    await page.locator('#route-step-0-count').selectOption('2');
    await page.getByTestId('route-form').getByRole('button', { name: 'Save route' }).click();
    await page.locator('main [role="status"]', { hasText: 'Route saved.' }).waitFor();
    const route = page.locator('[data-testid="approval-route"][data-purpose="create"][data-seal-kind="official"]');
    await route.waitFor();
    expect(await route.getAttribute('data-unit-id')).toBe(siteId);
    expect(await route.getByTestId('route-steps').textContent()).toBe('2 approvers');
    // Editing fills the form with the route's steps; a second step can be added and taken away again.
    await route.getByRole('button', { name: /^Edit/ }).click();
    await page.getByRole('heading', { name: 'Edit the route' }).waitFor();
    expect(await page.locator('#route-step-0-count').inputValue()).toBe('2');
    await page.getByRole('button', { name: 'Add a step' }).click();
    expect(await page.getByTestId('route-step').count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Remove step 2' }).click();
    await page.getByRole('button', { name: 'Cancel editing' }).click();
    const held = await pageFetch<{ routes: { unitId: string; purpose: string; sealKind: string; steps: unknown[] }[] }>(page, '/api/approval-routes');
    expect(held.body.routes.map(({ unitId, purpose, sealKind, steps }) => ({ unitId, purpose, sealKind, steps }))).toEqual([{ unitId: siteId, purpose: 'create', sealKind: 'official', steps: [{ count: 2 }] }]);
  });

  it('the custodian makes the seal: the form says it awaits approval and by whom, and the seal shows so', async () => {
    const { page } = custodian;
    await page.goto(`${server!.url}/seals`);
    const form = page.getByTestId('new-seal-form');
    await form.waitFor();
    await page.locator('#seal-name').fill(SEAL_NAME);
    await page.locator('#seal-kind').selectOption('official');
    await form.getByText('Electronic', { exact: true }).click();
    const note = page.getByTestId('make-route');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Making a seal of this kind \(.+\) here goes through its approval route: 2 approvers\. The seal is saved at once and shows “Awaiting approval” until they approve with their passkeys\.$/);
    await page.locator('#seal-reason').fill('New site office 新项目部开工');
    await form.getByRole('button', { name: 'Make seal' }).click();
    await page.locator('main [role="status"]', { hasText: `Seal “${SEAL_NAME}” saved. It awaits approval by 2 approvers and becomes active once they approve.` }).waitFor({ timeout: 30_000 });
    const card = page.locator('[data-testid="seal-list"] a.seal-card', { hasText: SEAL_NAME });
    await expect.poll(() => card.getAttribute('data-status')).toBe('awaiting_approval');
    expect(await card.locator('.seal-status').textContent()).toBe('Awaiting approval');
    await card.click();
    await expect.poll(() => statusOf(page)).toBe('awaiting_approval');
    const panel = page.getByTestId('seal-make-approval');
    expect(await panel.textContent()).toContain('This seal awaits approval before it can be used: 2 approvers.');
    await panel.getByText('The request to make it is with the approvers.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Asked already: no second request is offered; the custodian cannot decide it.
    expect(await panel.locator('[data-apply="create"]').count()).toBe(0);
    expect(await page.locator('[data-governance-verdict]').count()).toBe(0);
  });

  it('two approvers find it in their approvals list and approve with their passkeys; the seal becomes active', async () => {
    await approveFromList(siteApprover, 'Seal changes awaiting your decision', 'Approve with passkey');
    await expect.poll(() => siteApprover.page.locator('[data-testid="governance-request"]').textContent()).toContain('1 approval still needed');
    // Decided: no second decision is offered to the same approver.
    expect(await siteApprover.page.locator('[data-governance-verdict]').count()).toBe(0);
    await approveFromList(hqApprover, '待您审批的印章变更', '用通行密钥同意');
    await hqApprover.page.locator('[data-testid="governance-request"][data-state="applied"]').waitFor();
    // Decided: the list no longer offers it.
    await hqApprover.page.goto(`${server!.url}/approvals`);
    await hqApprover.page.getByTestId('governance-inbox').getByText('没有待您审批的印章变更。').waitFor();

    const { page } = custodian;
    await page.reload();
    await expect.poll(() => statusOf(page), { timeout: 30_000 }).toBe('active');
    const made = page.locator('[data-testid="timeline-entry"][data-from="new"][data-to="active"]');
    await made.waitFor();
    const approvers = made.getByTestId('timeline-approvers');
    await approvers.waitFor({ timeout: 30_000 });
    const shown = (await approvers.textContent())!;
    expect(shown.startsWith('Approved by: ')).toBe(true);
    expect(shown.slice('Approved by: '.length).split(', ').sort()).toEqual([names.siteApprover, names.hqApprover].sort());
    expect(await page.getByTestId('seal-make-approval').count()).toBe(0);

    const pulled = await pageFetch<{ rows: SyncRow[] }>(page, '/api/sync/pull?since=0&limit=500');
    const moves = pulled.body.rows.filter((r): r is FactRow => r.type === 'fact' && r.kind === 'seal_status_change').map((r) => ({ author: r.author, change: r.body as unknown as SealStatusChange }));
    expect(moves.map((m) => [m.author, m.change.from, m.change.to])).toEqual([[custodianId, null, 'active']]);
    for (const person of [admin, custodian, siteApprover, hqApprover]) expect(unexpectedErrors(person.errors)).toEqual([]);
  });
});
