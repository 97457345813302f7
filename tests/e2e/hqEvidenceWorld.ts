/**
 * A real stamp for headquarters' screens, made through the screens only (as journey.test.ts does):
 * a site keeper adds a simulated seal device, makes a contract seal locked in it and applies for
 * one use; an approver at HQ approves with a passkey; the keeper unlocks with a passkey and
 * stamps once; the device's log and photo reach the server. Plus an auditor at HQ, who reads.
 */
import { expect } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningServer } from './harness';
import { invite, newPerson, organisationWithSite, pageFetch, type Locale, type Person } from './people';
import { fillRequestForm, submitRequestForm } from './requestWorld';

const SITE = { lat: 30.5728, lon: 104.0668, radiusM: 500 };

export interface StampWorld {
  readonly people: readonly Person[];
  readonly auditor: Person;
  readonly requestId: string;
  readonly sealId: string;
  /** `deviceId:seq` of the stamp. */
  readonly deviceEventId: string;
}

export async function stampedWorld(browser: Browser, server: RunningServer, auditorLocale: Locale = 'en'): Promise<StampWorld> {
  const url = server.url;
  const { admin, adminUser, siteId } = await organisationWithSite(browser, server, { admin: 'Wang Admin', site: '成都一号项目部 Chengdu Site 1' }, SITE);
  const keeper = await newPerson(browser, 'en');
  await invite(admin, keeper, url, siteId, ['custodian', 'staff'], 'Zhao Keeper');
  const approver = await newPerson(browser, 'en');
  await invite(admin, approver, url, adminUser.unitId, ['approver'], 'Li Approver');
  const auditor = await newPerson(browser, auditorLocale);
  await invite(admin, auditor, url, adminUser.unitId, ['auditor'], 'Sun Auditor');
  const { page } = keeper;

  await page.goto(`${url}/devices`);
  await expect.poll(() => page.locator('#device-unit option:checked').textContent(), { timeout: 30_000 }).toContain('Chengdu Site 1');
  await page.getByRole('button', { name: 'Add simulated device' }).click();
  const deviceRow = page.locator('[data-testid="device-list"] li').first();
  await deviceRow.waitFor({ timeout: 20_000 });
  const deviceId = (await deviceRow.getAttribute('data-device-id'))!;

  await page.goto(`${url}/seals`);
  const form = page.locator('form', { has: page.locator('#seal-name') });
  await page.locator('#seal-name').fill('项目部合同专用章 Site contract seal');
  await page.locator('#seal-kind').selectOption('contract');
  await page.locator('#seal-code').fill('5101040012345');
  await page.locator('#seal-reason').fill('The site opens');
  await page.locator(`#seal-device option[value="${deviceId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator('#seal-device').selectOption(deviceId);
  await form.getByRole('button', { name: 'Make seal' }).click();
  const card = page.locator('[data-testid="seal-list"] a.seal-card', { hasText: 'Site contract seal' });
  await card.waitFor({ timeout: 20_000 });
  const sealId = (await card.getAttribute('href'))!.split('/').pop()!;

  await page.goto(`${url}/requests/new`);
  await fillRequestForm(page, { fileName: '分包合同.pdf', fileText: '%PDF-1.7 分包合同 subcontract', pages: 4, copies: 1, purpose: 'Sign the subcontract', uses: 1 }, sealId);
  const requestId = await submitRequestForm(page);

  await approver.page.goto(`${url}/approvals`);
  const waiting = approver.page.locator(`[data-testid="awaiting-decision"] li[data-request-id="${requestId}"]`);
  await waiting.waitFor({ timeout: 30_000 });
  await waiting.getByRole('link').click();
  await approver.page.getByRole('button', { name: 'Approve with passkey' }).click();
  await approver.page.getByTestId('grant-issued').waitFor({ timeout: 30_000 });

  await page.goto(`${url}/stamp`);
  const listed = page.locator(`[data-testid="my-grants"] li[data-request-id="${requestId}"]`);
  await listed.waitFor({ timeout: 30_000 });
  await listed.getByRole('button', { name: 'Use this grant' }).click();
  await page.getByRole('button', { name: 'Use simulated device (demo)' }).click();
  await page.getByTestId('simulated-device').waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByTestId('device-log').getAttribute('data-state'), { timeout: 10_000 }).toBe('recording');
  await page.getByRole('button', { name: 'Confirm identity and unlock' }).click();
  await expect.poll(() => page.getByTestId('lock-state').textContent(), { timeout: 30_000 }).toBe('Unlocked');
  await page.getByTestId('simulated-device').getByRole('button').first().click();
  await expect.poll(() => page.getByTestId('stamp-count').textContent(), { timeout: 20_000 }).toBe('1');

  // The keeper's tablet uploads the device log and the photo: the request's evidence then holds the stamp, photo included.
  let deviceEventId = '';
  await expect
    .poll(
      async () => {
        const answer = await pageFetch<{ bundle: { device: { id: string }; stamps: { seq: number; photo: unknown }[] } }>(auditor.page, `/api/hq/evidence/requests/${requestId}`);
        const stamp = answer.status === 200 ? answer.body.bundle.stamps[0] : undefined;
        if (stamp !== undefined && stamp.photo !== null) deviceEventId = `${answer.body.bundle.device.id}:${stamp.seq}`;
        return deviceEventId !== '' ? 'stamped' : `${answer.status}`;
      },
      { timeout: 90_000, interval: 1_000 },
    )
    .toBe('stamped');
  return { people: [admin, keeper, approver, auditor], auditor, requestId, sealId, deviceEventId };
}
