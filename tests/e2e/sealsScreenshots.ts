/**
 * Saves screenshots of the seal screens to screenshots/ (gitignored) for a human look: the list,
 * the new-seal form with its field problems, a seal's details and history, the reason dialog, and
 * the auditor's read-only view, in zh-CN and en, on a landscape and a portrait tablet and a phone.
 * The seals are made by the custodian's tablet (a Node replica) with the app's own seal actions;
 * the moves of the 公章 and 财务章, which go through their approval route (ADR 009), are asked for
 * by the custodian and approved by two approvers with their passkeys on the seal page, as people do.
 *
 *   npx tsx tests/e2e/sealsScreenshots.ts
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Device, OrgUnit, SealStatus, User } from '@seal/shared';
import type { UnitView as Unit } from '@seal/shared';
import { makeSeal, moveSeal } from '../../app/src/routes/seals/sealActions';
import { invite, newPerson, pageFetch, sessionOf, type Person } from './people';
import { forEachLocaleAndDevice, runScreenshots, saveScreenshot, type ScreenshotDevice } from './screenshotRun';
import { replicaOf } from './replicas';
import { setUpSealsWorld } from './sealsWorld';

const DEVICES: readonly ScreenshotDevice[] = [
  { name: 'tablet', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'tablet-portrait', viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true },
  { name: 'phone', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true },
];
const CONTRACT_SEAL = '上海浦东三号项目部合同专用章';
const TEXT = {
  'zh-CN': { make: '刻制印章', suspend: '暂停使用', reason: '季度印章清查，暂停使用一周' },
  en: { make: 'Make seal', suspend: 'Suspend', reason: 'Quarterly seal audit: suspended for a week' },
} as const;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "Ready to work offline" is news once (a fresh context installs the service worker), and would sit over the screen. */
async function dismissToast(page: Page): Promise<void> {
  const close = page.getByTestId('sw-toast').getByRole('button').last();
  await close.click({ timeout: 10_000 }).catch((error: unknown) => console.warn('no service worker toast to dismiss', error));
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
/** The person's session cookie only: each screenshot context opens its own local store and syncs it. */
const cookiesOf = async (person: Person): Promise<StorageState> => ({ cookies: await person.context.cookies(), origins: [] });

runScreenshots({ AUTH_RATE_LIMIT: '500' }, async (browser, server) => {
  const people: Person[] = [];
  const world = await setUpSealsWorld(browser, server, {
    names: { admin: '王建国', custodian: '李秀英', auditor: '周明', site: '上海浦东三号项目部' },
    locales: { admin: 'zh-CN', custodian: 'zh-CN', auditor: 'zh-CN' },
    deviceId: 'SC-2025-0001',
    people,
  });

  // The custodian's seals, made and moved on their tablet with the app's own actions.
  const session = await pageFetch<{ session: { user: User } }>(world.custodian.page, '/api/auth/session');
  const actor = session.body.session.user;
  const units = (await pageFetch<{ units: Unit[] }>(world.custodian.page, '/api/units')).body.units as unknown as OrgUnit[];
  const devices = () => tablet.store.db.records.find({ selector: { kind: 'device' } }).exec().then((docs) => docs.map((d) => d.toJSON().record as Device));
  const tablet = await replicaOf(server, world.custodian, (await sessionOf(world.custodian.page)).id, 'screenshots-tablet');
  try {
    const sync = tablet.start({ live: false });
    await sync.awaitInSync();
    const base = { unitId: world.siteId, custodianId: actor.id };
    // Moves of the 公章 and 财务章 are reviewed (ADR 009): asked for and approved below, not made here.
    const seals: { seal: Record<string, unknown>; moves: [SealStatus, SealStatus, string][] }[] = [
      { seal: { name: '华建集团有限公司上海浦东三号项目部公章', kind: 'official', form: 'physical', antiCounterfeitCode: '3101150098765', deviceId: null }, moves: [] },
      { seal: { name: '上海浦东三号项目部财务专用章', kind: 'finance', form: 'physical', antiCounterfeitCode: '3101150098766', deviceId: null }, moves: [] },
      { seal: { name: '上海浦东三号项目部电子合同章', kind: 'contract', form: 'electronic' }, moves: [] },
      { seal: { name: CONTRACT_SEAL, kind: 'contract', form: 'physical', antiCounterfeitCode: '3101150098767', deviceId: world.deviceId }, moves: [['active', 'suspended', '合同专用章年度审计'], ['suspended', 'active', '审计完成，恢复使用']] },
    ];
    for (const [index, { seal, moves }] of seals.entries()) {
      const made = await makeSeal(tablet.store, { ...base, ...seal, id: `seal-shot-${index}`, createdAt: Date.now() } as never, actor, '新刻印章备案', units, await devices());
      for (const [from, to, reason] of moves) {
        await pause(5);
        await moveSeal(tablet.store, made, from, to, actor, reason, units);
      }
      await pause(5);
    }
    sync.syncNow();
    await sync.awaitInSync();
    const refusals = tablet.store.status.get().refusals;
    if (refusals.length > 0) throw new Error(`refused: ${JSON.stringify(refusals)}`);
  } finally {
    await tablet.close();
  }
  await reviewedMoves(browser, server.url, world, people);
  const custodian = await cookiesOf(world.custodian);
  const auditor = await cookiesOf(world.auditor);

  await forEachLocaleAndDevice(browser, DEVICES, async ({ locale, tag, open }) => {
    const text = TEXT[locale];
    const page = await open({ storageState: custodian });
    await page.goto(`${server.url}/seals`);
    await dismissToast(page);
    await page.locator('[data-testid="seal-list"] a.seal-card').nth(3).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="seal-device"]', { hasText: 'SC-2025-0001' }).waitFor({ timeout: 30_000 });
    await saveScreenshot(page, `seals-list-${tag}`, { fullPage: true });

    // The form with problems beside its fields.
    await page.getByTestId('new-seal-form').getByRole('button', { name: text.make }).click();
    await page.locator('#seal-code').fill('3101-15');
    await page.getByTestId('new-seal-form').getByRole('button', { name: text.make }).click();
    await page.locator('#seal-code-problem').waitFor();
    await saveScreenshot(page, `seals-form-problems-${tag}`, { fullPage: true });

    await page.locator('a.seal-card', { hasText: CONTRACT_SEAL }).click();
    await page.getByTestId('timeline-entry').nth(2).waitFor({ timeout: 30_000 });
    await saveScreenshot(page, `seals-detail-${tag}`, { fullPage: true });
    await page.locator('[data-move="suspended"]').click();
    await page.locator('#reason-dialog-reason').fill(text.reason);
    await saveScreenshot(page, `seals-dialog-${tag}`, { fullPage: false });
    await page.context().close();

    const reader = await open({ storageState: auditor });
    await reader.goto(`${server.url}/seals`);
    await dismissToast(reader);
    await reader.locator('a.seal-card', { hasText: CONTRACT_SEAL }).click();
    await reader.getByTestId('timeline-entry').nth(2).waitFor({ timeout: 30_000 });
    await saveScreenshot(reader, `seals-detail-auditor-${tag}`, { fullPage: true });
  });
});

/**
 * The reviewed moves of the 公章 (suspended) and the 财务章 (reported lost — in effect at once,
 * its review left open — then revoked): the custodian asks, two approvers at the site approve
 * each with their passkey on the seal page.
 */
async function reviewedMoves(browser: Parameters<typeof newPerson>[0], url: string, world: Awaited<ReturnType<typeof setUpSealsWorld>>, people: Person[]): Promise<void> {
  const approvers: Person[] = [];
  for (const name of ['赵项目经理', '钱法务']) {
    const approver = await newPerson(browser, 'zh-CN');
    people.push(approver);
    await invite(world.admin, approver, url, world.siteId, ['approver'], name);
    approvers.push(approver);
  }
  const ask = async (sealId: string, action: string, reason: string): Promise<void> => {
    const asked = await pageFetch(world.custodian.page, `/api/seals/${sealId}/governance-requests`, { action, reason });
    if (asked.status !== 201) throw new Error(`${action} of ${sealId} refused: ${JSON.stringify(asked.body)}`);
  };
  const approve = async (sealId: string, action: string): Promise<void> => {
    for (const approver of approvers) {
      await approver.page.goto(`${url}/seals/${sealId}`);
      const request = approver.page.locator(`[data-testid="governance-request"][data-action="${action}"][data-state="pending"]`, { has: approver.page.locator('[data-governance-verdict="approve"]') });
      await request.first().waitFor({ timeout: 30_000 });
      await request.first().locator('[data-governance-verdict="approve"]').click();
      await approver.page.locator('main [role="status"]').waitFor({ timeout: 30_000 });
    }
    const settled = await pageFetch<{ requests: { request: { action: string; state: string } }[] }>(world.custodian.page, `/api/governance-requests?sealId=${sealId}`);
    if (!settled.body.requests.some((r) => r.request.action === action && r.request.state === 'applied')) throw new Error(`${action} of ${sealId} was not carried out: ${JSON.stringify(settled.body)}`);
  };
  await ask('seal-shot-0', 'suspend', '项目部负责人变更，暂停使用');
  await approve('seal-shot-0', 'suspend');
  await ask('seal-shot-1', 'report_lost', '转运途中遗失，已报警');
  await ask('seal-shot-1', 'revoke', '已登报声明作废');
  await approve('seal-shot-1', 'revoke');
}
