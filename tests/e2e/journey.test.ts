/**
 * The whole flow `npm start` offers, through the screens only, with the SIMULATED seal device:
 * a site's seal keeper (custodian and staff at the site, on the site tablet) adds a simulated
 * device and makes a contract seal locked in it; applies to use it; an approver at HQ approves
 * with a passkey; back on the tablet the grant is there, the device unlocks after the holder's
 * passkey and counts the approved stamps, refusing one more. Nothing is made behind the screens.
 */
import { describe, expect, it } from 'vitest';
import { invite, newPerson, organisationWithSite, unexpectedErrors } from './people';
import { fillRequestForm, submitRequestForm } from './requestWorld';
import { serverAndBrowser } from './suite';

const SITE = { lat: 30.5728, lon: 104.0668, radiusM: 500 };

const suite = serverAndBrowser();

describe('the whole flow with the simulated seal device', () => {
  it('device, seal, request, passkey approval, unlock and exactly the approved stamps', async () => {
    const url = suite.server().url;
    const { admin, adminUser, siteId } = await organisationWithSite(suite.browser(), suite.server(), { admin: 'Wang Admin', site: 'Chengdu Site 1' }, SITE);
    const keeper = await newPerson(suite.browser(), 'en');
    await invite(admin, keeper, url, siteId, ['custodian', 'staff'], 'Zhao Keeper');
    const approver = await newPerson(suite.browser(), 'en');
    await invite(admin, approver, url, adminUser.unitId, ['approver'], 'Li Approver');
    const { page } = keeper;

    // On the site tablet: a simulated seal device, registered at the site.
    await page.goto(`${url}/devices`);
    await expect.poll(() => page.locator('#device-unit option:checked').textContent(), { timeout: 30_000 }).toBe('Chengdu Site 1 · Site');
    await page.getByRole('button', { name: 'Add simulated device' }).click();
    const deviceRow = page.locator('[data-testid="device-list"] li').first();
    await deviceRow.waitFor({ timeout: 20_000 });
    const deviceId = (await deviceRow.getAttribute('data-device-id'))!;

    // A contract seal locked in it, kept by the keeper.
    await page.goto(`${url}/seals`);
    const form = page.locator('form', { has: page.locator('#seal-name') });
    await page.locator('#seal-name').fill('Chengdu Site 1 contract seal');
    await page.locator('#seal-kind').selectOption('contract');
    await page.locator('#seal-code').fill('5101040012345');
    await page.locator('#seal-reason').fill('The site opens');
    await page.locator(`#seal-device option[value="${deviceId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await page.locator('#seal-device').selectOption(deviceId);
    await form.getByRole('button', { name: 'Make seal' }).click();
    const card = page.locator('[data-testid="seal-list"] a.seal-card', { hasText: 'Chengdu Site 1 contract seal' });
    await card.waitFor({ timeout: 20_000 });
    const sealId = (await card.getAttribute('href'))!.split('/').pop()!;

    // The keeper applies for two uses.
    await page.goto(`${url}/requests/new`);
    await fillRequestForm(page, { fileName: 'subcontract.pdf', fileText: '%PDF-1.7 subcontract', pages: 4, copies: 2, purpose: 'Sign the subcontract', uses: 2 }, sealId);
    const requestId = await submitRequestForm(page);

    // The approver at HQ approves with a passkey.
    await approver.page.goto(`${url}/approvals`);
    const waiting = approver.page.locator(`[data-testid="awaiting-decision"] li[data-request-id="${requestId}"]`);
    await waiting.waitFor({ timeout: 30_000 });
    await waiting.getByRole('link').click();
    await approver.page.getByRole('button', { name: 'Approve with passkey' }).click();
    await approver.page.getByTestId('grant-issued').waitFor({ timeout: 30_000 });

    // Back on the tablet: the grant arrived; the simulated device took the seal's binding when the seal was made.
    await page.goto(`${url}/stamp`);
    const listed = page.locator(`[data-testid="my-grants"] li[data-request-id="${requestId}"]`);
    await listed.waitFor({ timeout: 30_000 });
    expect(await listed.textContent()).toContain('Chengdu Site 1 contract seal');
    await listed.getByRole('button', { name: 'Use this grant' }).click();
    await page.getByRole('button', { name: 'Use simulated device (demo)' }).click();
    await expect
      .poll(async () => ((await page.getByTestId('simulated-device').count()) > 0 ? 'simulated' : await page.locator('main [role="alert"]').allTextContents()), { timeout: 30_000 })
      .toBe('simulated');
    await expect.poll(() => page.getByTestId('device-log').getAttribute('data-state'), { timeout: 10_000 }).toBe('recording');
    await page.getByRole('button', { name: 'Confirm identity and unlock' }).click();
    await expect
      .poll(async () => [await page.getByTestId('lock-state').textContent(), ...(await page.locator('main [role="alert"]').allTextContents())].join(' | '), { timeout: 30_000 })
      .toBe('Unlocked');
    const press = page.getByTestId('simulated-device').getByRole('button').first();
    for (let n = 1; n <= 2; n++) {
      await press.click();
      await expect.poll(() => page.getByTestId('stamp-count').textContent(), { timeout: 20_000 }).toBe(String(n));
    }
    await expect.poll(() => page.getByTestId('lock-state').textContent(), { timeout: 10_000 }).toBe('Locked');
    await press.click();
    await expect.poll(() => page.locator('[data-testid="device-event"][data-type="refusal"][data-code="locked"]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('stamp-count').textContent()).toBe('2');
    // The same grant again: the device refuses to unlock, its uses are spent.
    await page.getByRole('button', { name: 'Confirm identity and unlock' }).click();
    await expect.poll(() => page.locator('main [role="alert"]').first().getAttribute('data-error-code'), { timeout: 30_000 }).toBe('uses_exhausted');

    // The request now shows both uses made.
    await page.goto(`${url}/requests/${requestId}`);
    await expect.poll(() => page.getByTestId('request-status').textContent(), { timeout: 30_000 }).toBe('Completed');

    for (const person of [admin, keeper, approver]) expect(unexpectedErrors(person.errors)).toEqual([]);
  });
});
