/**
 * Saves screenshots of the identity screens to screenshots/ (gitignored) for a human look:
 * setup, join, sign-in, passkeys, invitations, units and home, in zh-CN and en, on a phone
 * (390×844) and a landscape tablet (1280×800).
 *
 *   npx tsx tests/e2e/identityScreenshots.ts
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from './harness';
import { fillSetupForm, newPerson, submitSetupForm, waitForWelcome } from './people';
import { forEachLocaleAndDevice, runScreenshots, saveScreenshot, type ScreenshotDevice } from './screenshotRun';
import { setupCodeFrom } from './setupCode';
import { createOn } from './virtualAuthenticator';

const DEVICES: readonly ScreenshotDevice[] = [
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true },
  { name: 'tablet', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: true },
];
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const TEXT = {
  'zh-CN': { org: '组织名称', name: '您的姓名', code: '一次性设置码', submit: '创建通行密钥并完成设置', joinName: '您的姓名', revoke: '吊销', role: '审批人', note: '备注', create: '生成邀请', unitName: '名称', lat: '纬度' },
  en: { org: 'Organisation name', name: 'Your name', code: 'One-time setup code', submit: 'Create passkey and finish setup', joinName: 'Your name', revoke: 'Revoke', role: 'Approver', note: 'Note', create: 'Create invitation', unitName: 'Name', lat: 'Latitude' },
} as const;

const shot = (page: Page, name: string, fullPage = true): Promise<void> => saveScreenshot(page, `identity-${name}`, { fullPage });

/** Completes setup as the administrator and gives the org some shape: units, passkeys, invitations. */
async function prepareOrganisation(browser: Browser, server: RunningServer): Promise<{ admin: StorageState; inviteCode: string }> {
  const admin = await newPerson(browser, 'zh-CN');
  const { context, page, authenticator } = admin;
  await page.goto(`${server.url}/setup`);
  await fillSetupForm(admin, { organisation: '华建集团有限公司', name: '王建国', setupCode: setupCodeFrom(server.output()) });
  await submitSetupForm(admin);
  await waitForWelcome(admin, '王建国');

  await page.goto(`${server.url}/admin/units`);
  await page.getByLabel('分公司').check();
  await page.getByLabel('名称').fill('华东分公司');
  await page.getByRole('button', { name: '添加单位' }).click();
  await page.locator('[data-kind="branch"]').waitFor();
  for (const [name, lat, lon, radius] of [
    ['上海浦东三号项目部', '31.2304', '121.4737', '300'],
    ['苏州工业园项目部', '31.3166', '120.7198', '500'],
  ] as const) {
    await page.getByLabel('项目部').check();
    const branch = await page.locator('#unit-parent option', { hasText: '华东分公司' }).getAttribute('value');
    await page.getByLabel('上级单位').selectOption(branch ?? '');
    await page.getByLabel('名称').fill(name);
    await page.getByLabel('纬度').fill(lat);
    await page.getByLabel('经度').fill(lon);
    await page.getByLabel('半径（米）').fill(radius);
    await page.getByRole('button', { name: '添加单位' }).click();
    await page.locator('[data-testid="unit-tree"] li', { hasText: name }).waitFor();
  }

  // A second passkey on "another device", then revoked: the list shows both states.
  const first = authenticator;
  const held = await first.credentials();
  await first.remove();
  const second = await createOn(first.cdp);
  await page.goto(`${server.url}/passkeys`);
  await page.getByLabel('名称').fill('旧手机');
  await page.getByRole('button', { name: '添加通行密钥' }).click();
  await page.locator('main li.passkey', { hasText: '旧手机' }).waitFor();
  await page.locator('main li.passkey', { hasText: '旧手机' }).getByRole('button', { name: '吊销' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '吊销通行密钥' }).click();
  await page.locator('main li.passkey.is-revoked').waitFor();
  await second.remove();
  const restored = await createOn(first.cdp);
  await first.cdp.send('WebAuthn.addCredential', { authenticatorId: restored.id, credential: held[0]! });

  await page.goto(`${server.url}/admin/invitations`);
  let inviteCode = '';
  for (const [role, note] of [
    ['印章管理员', '刘敏，华东分公司印章管理员'],
    ['用印人', '张工，浦东三号项目部'],
  ] as const) {
    await page.getByLabel(role).check();
    await page.getByLabel('备注').fill(note);
    await page.getByRole('button', { name: '生成邀请' }).click();
    await page.getByTestId('created-invitation').waitFor();
    inviteCode = (await page.getByTestId('invitation-code').textContent())!;
    await page.getByRole('button', { name: '完成' }).click();
  }
  const signedIn = await context.storageState();
  await context.close();
  return { admin: signedIn, inviteCode };
}

runScreenshots({ AUTH_RATE_LIMIT: '500' }, async (browser, server) => {
  // Setup, while the organisation does not exist yet: the form, and a refused code.
  await forEachLocaleAndDevice(browser, DEVICES, async ({ locale, tag, open }) => {
    const page = await open();
    const text = TEXT[locale];
    await page.goto(`${server.url}/`);
    await page.locator('main .cta').waitFor();
    await shot(page, `home-empty-${tag}`);
    await page.goto(`${server.url}/setup`);
    await page.getByLabel(text.org).fill(locale === 'en' ? 'Huajian Group Co., Ltd.' : '华建集团有限公司');
    await page.getByLabel(text.name).fill(locale === 'en' ? 'Wang Jianguo' : '王建国');
    await page.getByLabel(text.code).fill('7kq2m9xd');
    await shot(page, `setup-${tag}`);
    await page.getByLabel(text.code).fill('7kq2 m9xd ab3c zz90 hjkm');
    await page.getByRole('button', { name: text.submit }).click();
    await page.locator('main [role="alert"]').waitFor();
    await shot(page, `setup-error-${tag}`);
  });

  const { admin, inviteCode } = await prepareOrganisation(browser, server);

  await forEachLocaleAndDevice(browser, DEVICES, async ({ locale, tag, open }) => {
    const text = TEXT[locale];
    // Signed out: home, sign-in, join.
    const page = await open();
    await page.goto(`${server.url}/`);
    await page.locator('main .hero').waitFor();
    await shot(page, `home-signed-out-${tag}`);
    await page.goto(`${server.url}/signin`);
    await page.locator('.signin-panel').waitFor();
    await shot(page, `signin-${tag}`);
    await page.goto(`${server.url}/join`);
    await page.locator('#join-code').waitFor();
    await shot(page, `join-code-${tag}`);
    await page.goto(`${server.url}/join?code=${inviteCode}`);
    await page.getByTestId('invitation-preview').waitFor();
    await page.getByLabel(text.joinName).fill(locale === 'en' ? 'Zhang Wei' : '张伟');
    await shot(page, `join-${tag}`);
    await page.context().close();

    // The administrator: home, passkeys (with the confirm dialog), invitations, units.
    const adminPage = await open({ storageState: admin });
    await adminPage.goto(`${server.url}/`);
    await adminPage.locator('main .welcome').waitFor();
    await adminPage.locator('main .badge', { hasText: '·' }).waitFor();
    await shot(adminPage, `home-welcome-${tag}`);
    await adminPage.goto(`${server.url}/passkeys`);
    await adminPage.locator('main li.passkey').first().waitFor();
    await shot(adminPage, `passkeys-${tag}`);
    await adminPage.locator('main li.passkey:not(.is-revoked)').getByRole('button', { name: text.revoke }).click();
    await adminPage.getByRole('dialog').waitFor();
    await adminPage.getByRole('dialog').getByRole('button').last().click();
    await adminPage.getByRole('dialog').locator('[role="alert"]').waitFor();
    await shot(adminPage, `passkeys-last-${tag}`, false);
    await adminPage.keyboard.press('Escape');

    await adminPage.goto(`${server.url}/admin/invitations`);
    await adminPage.getByTestId('open-invitations').waitFor();
    await adminPage.getByLabel(text.role).check();
    await adminPage.getByLabel(text.note).fill(locale === 'en' ? 'Li, approver at HQ' : '李审批，总部');
    await adminPage.getByRole('button', { name: text.create }).click();
    await adminPage.getByTestId('created-invitation').waitFor();
    await shot(adminPage, `invitations-${tag}`);

    await adminPage.goto(`${server.url}/admin/units`);
    await adminPage.getByTestId('unit-tree').waitFor();
    await shot(adminPage, `units-${tag}`);
  });
});
