/**
 * Saves screenshots of the request screens to screenshots/ (gitignored) for a human look: the
 * new-request form (filled, and with problems shown by field), my requests, a request's page
 * (approved, with its decision and grant), the approval inbox and the approver's decision panel,
 * in zh-CN and en, on a phone (360×740) and tablets (1280×800, 800×1280).
 *
 *   npx tsx tests/e2e/requestsScreenshots.ts
 */
import type { BrowserContext, Page } from 'playwright-core';
import { forEachLocaleAndDevice, runScreenshots, saveScreenshot, type ScreenshotDevice } from './screenshotRun';
import { fillRequestForm, setUpRequestWorld, submitRequestForm } from './requestWorld';

const DEVICES: readonly ScreenshotDevice[] = [
  { name: 'phone', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true },
  { name: 'tablet-landscape', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'tablet-portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
];
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** Saves a screenshot without the service worker's "ready to work offline" toast, which would cover the screen. */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.addStyleTag({ content: '.toast { display: none !important; }' });
  await saveScreenshot(page, `requests-${name}`, { fullPage });
}

runScreenshots({ AUTH_RATE_LIMIT: '500' }, async (browser, server) => {
  const world = await setUpRequestWorld(browser, server, { admin: '王建国', approver: '李审批', staff: '张工', site: '上海浦东三号项目部', seal: '上海浦东三号项目部合同专用章' });
  const { staff, approver } = world;
  const apply = async (fileName: string, purpose: string, uses: number): Promise<string> => {
    await staff.page.goto(`${server.url}/requests/new`);
    await fillRequestForm(staff.page, { fileName, fileText: `%PDF-1.7 ${fileName}`, pages: 4, copies: uses, purpose, uses });
    return submitRequestForm(staff.page);
  };
  const approved = await apply('钢材采购合同.pdf', '与华东钢铁有限公司签订钢材采购合同', 2);
  const rejected = await apply('办公室租赁协议.pdf', '项目部办公室租赁', 1);
  await apply('分包结算单.pdf', '分包工程进度款结算', 3);
  const decide = async (id: string, button: string, comment?: string): Promise<void> => {
    await approver.page.goto(`${server.url}/requests/${id}`);
    await approver.page.getByRole('button', { name: button }).waitFor({ timeout: 30_000 });
    if (comment !== undefined) await approver.page.locator('#decision-comment').fill(comment);
    await approver.page.getByRole('button', { name: button }).click();
    await approver.page.getByTestId('my-verdict').waitFor({ timeout: 20_000 });
  };
  await decide(approved, 'Approve with passkey', 'OK, within budget');
  await decide(rejected, 'Reject with passkey', 'Attach the signed version, please');
  await staff.page.goto(`${server.url}/requests/${approved}`);
  await staff.page.getByTestId('grant-issued').waitFor({ timeout: 30_000 });
  const staffState: StorageState = await staff.context.storageState();
  const approverState: StorageState = await approver.context.storageState();

  await forEachLocaleAndDevice(browser, DEVICES, async ({ tag, open }) => {
    const page = await open({ storageState: staffState });
    await page.goto(`${server.url}/requests`);
    await page.locator(`[data-testid="my-requests"] li[data-request-id="${rejected}"][data-status="rejected"]`).waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="my-requests"] li[data-request-id="${approved}"][data-status="approved"]`).waitFor({ timeout: 30_000 });
    await shot(page, `list-${tag}`);
    await page.goto(`${server.url}/requests/${approved}`);
    await page.getByTestId('grant-issued').waitFor({ timeout: 30_000 });
    await shot(page, `detail-${tag}`);
    await page.goto(`${server.url}/requests/new`);
    await fillRequestForm(page, { fileName: '设备采购合同.pdf', fileText: '%PDF-1.7 equipment', pages: 6, copies: 2, purpose: '', uses: 2 });
    await shot(page, `form-${tag}`);
    await page.locator('#request-pages').fill('0');
    await page.locator('.request-form button[type="submit"]').click();
    await page.locator('.field-problem').first().waitFor();
    await shot(page, `form-problems-${tag}`);
    await page.context().close();

    const inbox = await open({ storageState: approverState });
    await inbox.goto(`${server.url}/approvals`);
    await inbox.locator('[data-testid="awaiting-decision"] li').first().waitFor({ timeout: 30_000 });
    await inbox.locator('[data-testid="decided-by-me"] li').nth(1).waitFor({ timeout: 30_000 });
    await shot(inbox, `approvals-${tag}`);
    await inbox.locator('[data-testid="awaiting-decision"] li a').first().click();
    await inbox.getByTestId('decide-panel').locator('textarea').waitFor();
    await shot(inbox, `decide-${tag}`);
    await inbox.goto(`${server.url}/`);
    await inbox.locator('main .welcome').waitFor();
    await shot(inbox, `home-approver-${tag}`, false);
  });
});
