/**
 * The seal custodian's journey in real Chromium: the custodian makes a physical seal bound to a
 * registered device through /seals (field problems first, then a complete form), suspends it and
 * puts it back in service on /seals/:id, each with a reason, and unbinds and binds it again;
 * every row reaches the server (the
 * seal's record, its three lifecycle facts, the device's record naming the seal) and the timeline
 * names who did what. An auditor at HQ, reading in Chinese, sees the seal and its history but no
 * lifecycle or binding controls. Then the custodian's network is cut: a seal made offline is shown
 * as waiting, and reaches the server once the network returns.
 */
import * as Automerge from '@automerge/automerge';
import type { Browser, Page } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, type FactRow, type SealStatusChange, type SyncRow } from '@seal/shared';
import { REPO_ROOT, launchBrowser, startServer, type RunningServer } from './harness';
import { pageFetch, unexpectedErrors, type Person } from './people';
import { setUpSealsWorld, type SealsWorld } from './sealsWorld';
import { shootWebhookScreens } from './webhookScreenshots';

const DEVICE_ID = 'dev-e2e-seal-01';
const SEAL_NAME = 'Site 3 Contract Seal';

let server: RunningServer | undefined;
let browser: Browser | undefined;
const people: Person[] = [];
let world: SealsWorld | undefined;

beforeAll(async () => {
  server = await startServer({ AUTH_RATE_LIMIT: '500', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_MAX_ATTEMPTS: '4' });
  browser = await launchBrowser();
  world = await setUpSealsWorld(browser, server, {
    names: { admin: 'Wang Admin', custodian: 'Li Custodian', auditor: 'Zhou Auditor', site: 'Site 3' },
    locales: { admin: 'en', custodian: 'en', auditor: 'zh-CN' },
    deviceId: DEVICE_ID,
    people,
  });
}, 120_000);

afterAll(async () => {
  const closed = await Promise.allSettled([browser?.close()]);
  const stopped = await Promise.allSettled([server?.stop()]);
  for (const r of [...closed, ...stopped]) if (r.status === 'rejected') throw r.reason;
});

/** Every row the server holds that `page`'s user may pull. */
async function serverRows(page: Page): Promise<SyncRow[]> {
  const pulled = await pageFetch<{ rows: SyncRow[] }>(page, '/api/sync/pull?since=0&limit=500');
  expect(pulled.status).toBe(200);
  return pulled.body.rows;
}

/** The lifecycle changes among `rows`. */
const statusChanges = (rows: readonly SyncRow[]): SealStatusChange[] =>
  rows.filter((r): r is FactRow => r.type === 'fact' && r.kind === 'seal_status_change').map((r) => r.body as unknown as SealStatusChange);

/** A record as the server holds it: its change rows merged (what every replica converges to). */
function recordOnServer(rows: readonly SyncRow[], subject: string): Record<string, unknown> {
  const changes = rows.filter((r) => r.subject === subject && r.type === 'change').map((r) => fromBase64Url((r as { bytes: string }).bytes));
  const [doc] = Automerge.applyChanges(Automerge.init<Record<string, unknown>>(), changes);
  return Automerge.toJS(doc);
}

const sealCard = (page: Page, name: string) => page.locator('[data-testid="seal-list"] a.seal-card', { hasText: name });
const statusOf = (page: Page) => page.locator('h1.seal-title').getAttribute('data-status');

/** Opens the lifecycle move's dialog, tries it without a reason (refused beside the field), then gives one. */
async function move(page: Page, to: string, reason: string): Promise<void> {
  await page.locator(`[data-testid="seal-moves"] [data-move="${to}"]`).click();
  const dialog = page.getByTestId('reason-dialog');
  await dialog.waitFor();
  await dialog.locator('button[type="submit"]').click();
  await expect.poll(() => dialog.locator('#reason-dialog-problem').textContent()).toBe('Give a reason: it is recorded with the change.');
  await dialog.locator('#reason-dialog-reason').fill(reason);
  await dialog.locator('button[type="submit"]').click();
  await dialog.waitFor({ state: 'hidden' });
}

describe('the seal custodian journey', () => {
  it('makes a bound physical seal, suspends it and brings it back; the server holds it all; an auditor only reads', async () => {
    const { custodian, auditor, siteId } = world!;
    const { page } = custodian;

    // From home to /seals (the link is there for custodians).
    await page.goto(server!.url);
    await page.locator('a.link-card[href="/seals"]').click();
    await page.locator('main h1', { hasText: 'Seals' }).waitFor();
    await expect.poll(() => page.locator('[data-testid="seal-list"], main .empty').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    // An empty form: each problem beside its field; typing clears that field's problem only.
    const form = page.getByTestId('new-seal-form');
    await form.getByRole('button', { name: 'Make seal' }).click();
    expect(await form.locator('.field-problem').allTextContents()).toEqual([
      "Enter the seal's name.",
      'A physical seal needs its 13-digit anti-counterfeit code.',
      'Give a reason: it is recorded with the change.',
    ]);
    await page.locator('#seal-name').fill(SEAL_NAME);
    await expect.poll(() => form.locator('.field-problem').count()).toBe(2);
    await page.locator('#seal-code').fill('3301-020-01234');
    await page.locator('#seal-reason').fill('New contract seal for Site 3');
    await form.getByRole('button', { name: 'Make seal' }).click();
    await expect.poll(() => page.locator('#seal-code-problem').textContent()).toBe('The code has exactly 13 digits.');
    expect(await page.locator('#seal-name').inputValue()).toBe(SEAL_NAME);

    // The complete form: the site, the custodian themself, the device registered there.
    await page.locator('#seal-kind').selectOption('contract');
    await page.locator('#seal-code').fill('3301 020 012345');
    expect(await page.locator('#seal-unit option:checked').textContent()).toContain('Site 3');
    expect(await page.locator('#seal-custodian option:checked').textContent()).toBe('Li Custodian');
    await page.locator(`#seal-device option[value="${DEVICE_ID}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await page.locator('#seal-device').selectOption(DEVICE_ID);
    await form.getByRole('button', { name: 'Make seal' }).click();
    await page.locator('main [role="status"]', { hasText: `Seal "${SEAL_NAME}" made.` }).waitFor();
    expect(await page.locator('#seal-name').inputValue()).toBe('');
    const card = sealCard(page, SEAL_NAME);
    // The record shows first; its creation fact (the status) lands just after.
    await expect.poll(() => card.getAttribute('data-status')).toBe('active');
    expect(await card.textContent()).toMatch(/Contract seal.*Physical.*Site 3.*Li Custodian.*dev-e2e-seal-01/);

    // The seal's own screen: the device it is locked in, and the custodian's moves only.
    await card.click();
    await page.locator('h1.seal-title', { hasText: SEAL_NAME }).waitFor();
    const sealId = (await page.locator('h1.seal-title').getAttribute('data-seal-id'))!;
    expect(await page.getByTestId('bound-device').getAttribute('data-device-id')).toBe(DEVICE_ID);
    expect(await page.locator('[data-testid="seal-moves"] [data-move]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-move')))).toEqual(['suspended', 'lost', 'revoked']);
    expect(await page.locator('[data-testid="seal-moves"] [data-move]').allTextContents()).toEqual(['Suspend', 'Report lost', 'Revoke']);

    await move(page, 'suspended', 'Audit of the contract seals');
    await expect.poll(() => statusOf(page)).toBe('suspended');
    expect(await page.locator('[data-testid="seal-moves"] [data-move]').allTextContents()).toEqual(['Put back in service', 'Report lost', 'Revoke']);
    await move(page, 'active', 'Audit finished');
    await expect.poll(() => statusOf(page)).toBe('active');

    // Taken out of its device and locked in again: the seal's and the device's records follow.
    const binding = page.getByTestId('seal-binding');
    await binding.getByRole('button', { name: 'Unbind' }).click();
    await expect.poll(() => page.getByTestId('bound-device').getAttribute('data-device-id')).toBe('');
    expect(await page.getByTestId('bound-device').textContent()).toBe('Not bound');
    await binding.locator('#seal-bind-device').selectOption(DEVICE_ID);
    await binding.getByRole('button', { name: 'Bind to this device' }).click();
    await expect.poll(() => page.getByTestId('bound-device').getAttribute('data-device-id')).toBe(DEVICE_ID);
    expect(await page.getByTestId('bound-device').textContent()).toBe(`Locked in ${DEVICE_ID} · Site 3`);

    // Everything went up and nothing was refused.
    await expect.poll(() => page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    expect(await page.locator('.sync-status').getAttribute('data-refused')).toBe('0');
    await expect.poll(() => page.locator('[data-testid="timeline-entry"][data-waiting="true"]').count()).toBe(0);

    // The timeline: every change, with who, under which role, and why.
    const entries = page.getByTestId('timeline-entry');
    expect(await entries.evaluateAll((items) => items.map((i) => `${i.getAttribute('data-from')}>${i.getAttribute('data-to')}:${i.getAttribute('data-outcome')}`))).toEqual([
      'new>active:applied',
      'active>suspended:applied',
      'suspended>active:applied',
    ]);
    const texts = await entries.allTextContents();
    expect(texts.every((text) => text.includes('Li Custodian') && text.includes('Seal custodian'))).toBe(true);
    expect(texts.map((text) => ['New contract seal for Site 3', 'Audit of the contract seals', 'Audit finished'].find((r) => text.includes(r)))).toEqual([
      'New contract seal for Site 3',
      'Audit of the contract seals',
      'Audit finished',
    ]);

    // On the server: the seal's record (bound), its three lifecycle facts, the device naming the seal.
    const rows = await serverRows(page);
    const facts = rows.filter((r) => r.type === 'fact' && r.kind === 'seal_status_change' && r.subject === `seal:${sealId}`);
    expect(statusChanges(facts).sort((a, b) => a.at - b.at).map((b) => `${b.from ?? 'new'}>${b.to}:${b.actorRole}`)).toEqual([
      'new>active:custodian',
      'active>suspended:custodian',
      'suspended>active:custodian',
    ]);
    expect(facts.every((r) => r.scopeUnitId === siteId)).toBe(true);
    expect(recordOnServer(rows, `seal:${sealId}`)).toMatchObject({ id: sealId, name: SEAL_NAME, kind: 'contract', form: 'physical', unitId: siteId, antiCounterfeitCode: '3301020012345', deviceId: DEVICE_ID });
    expect(recordOnServer(rows, `device:${DEVICE_ID}`)).toMatchObject({ id: DEVICE_ID, unitId: siteId, state: 'bound', sealId });
    // Registered, bound with the new seal, unbound, bound again: four changes of the device's record.
    expect(rows.filter((r) => r.type === 'change' && r.subject === `device:${DEVICE_ID}`)).toHaveLength(4);

    // The auditor at HQ (reading in Chinese) sees the seal and its history, and may change nothing.
    const reader = auditor.page;
    await reader.goto(server!.url);
    await reader.locator('a.link-card[href="/seals"]').click();
    const seen = sealCard(reader, SEAL_NAME);
    await seen.waitFor({ timeout: 30_000 });
    await expect.poll(() => seen.getAttribute('data-status'), { timeout: 30_000 }).toBe('active');
    expect(await seen.textContent()).toContain('合同专用章');
    expect(await reader.getByTestId('new-seal-form').count()).toBe(0);
    await seen.click();
    await reader.locator('h1.seal-title', { hasText: SEAL_NAME }).waitFor();
    await expect.poll(() => reader.getByTestId('timeline-entry').count(), { timeout: 30_000 }).toBe(3);
    expect((await reader.getByTestId('timeline-entry').allTextContents()).every((text) => text.includes('Li Custodian') && text.includes('印章管理员'))).toBe(true);
    expect(await reader.locator('[data-testid="seal-moves"] [data-move]').count()).toBe(0);
    expect(await reader.getByTestId('seal-moves').textContent()).toContain('只有该单位的印章管理员和管理员可以变更印章状态。');
    expect(await reader.getByTestId('seal-binding').locator('button, select').count()).toBe(0);
    expect(await reader.getByTestId('bound-device').textContent()).toBe('锁在 dev-e2e-seal-01 · Site 3');

    expect(unexpectedErrors(custodian.errors)).toEqual([]);
    expect(unexpectedErrors(auditor.errors)).toEqual([]);
  });

  it('a seal made offline waits on the tablet, then reaches the server when the network returns', async () => {
    const { custodian } = world!;
    const { page, context } = custodian;
    await page.goto(`${server!.url}/seals`);
    await page.getByTestId('new-seal-form').waitFor();
    await context.setOffline(true);
    await page.locator('.offline-banner').waitFor();

    await page.locator('#seal-name').fill('Site 3 Electronic Seal');
    await page.getByTestId('new-seal-form').getByText('Electronic', { exact: true }).click();
    expect(await page.locator('#seal-device').count()).toBe(0);
    await page.locator('#seal-reason').fill('Electronic seal for e-contracts');
    await page.getByTestId('new-seal-form').getByRole('button', { name: 'Make seal' }).click();
    const card = sealCard(page, 'Site 3 Electronic Seal');
    await card.waitFor();
    await expect.poll(() => card.getAttribute('data-status')).toBe('active');
    await expect.poll(() => card.getAttribute('data-waiting')).toBe('true');
    expect(await card.getByTestId('waiting').textContent()).toBe('Waiting to sync');
    expect(Number(await page.locator('.sync-status').getAttribute('data-pending'))).toBeGreaterThanOrEqual(2);

    await context.setOffline(false);
    await expect.poll(() => card.getAttribute('data-waiting'), { timeout: 30_000 }).toBe('false');
    await expect.poll(() => page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');
    const rows = await serverRows(page);
    const made = statusChanges(rows);
    const sealIds = new Set(rows.filter((r) => r.type === 'change' && r.kind === 'seal').map((r) => r.subject.slice('seal:'.length)));
    const electronic = [...sealIds].map((id) => recordOnServer(rows, `seal:${id}`)).find((s) => s.name === 'Site 3 Electronic Seal');
    expect(electronic).toMatchObject({ form: 'electronic', kind: 'official' });
    expect(electronic).not.toHaveProperty('antiCounterfeitCode');
    expect(made.filter((b) => b.sealId === electronic!.id).map((b) => b.to)).toEqual(['active']);
    expect(await page.locator('.sync-status').getAttribute('data-refused')).toBe('0');
    // The test cut the tablet's network: requests in flight then failed, as they should.
    expect(unexpectedErrors(custodian.errors, { networkCut: true })).toEqual([]);
  });

  it('an administrator connects a webhook on the screen; the next seal move reaches it signed, again after a 500, and the log shows both tries', async () => {
    const { admin, custodian } = world!;
    // A receiving system on loopback: the first delivery of each event answers 500, the next 200.
    const received: { headers: IncomingHttpHeaders; body: string; answered: number }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const answered = received.some((r) => r.headers['x-seal-event-id'] === req.headers['x-seal-event-id']) ? 200 : 500;
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
    try {
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/oa/seal-events`;
      const { page } = admin;
      await page.goto(server!.url);
      await page.locator('a.link-card[href="/admin/webhooks"]').click();
      await page.locator('main h1', { hasText: 'Webhooks' }).waitFor();
      await page.locator('main .empty', { hasText: 'No webhooks yet.' }).waitFor();

      // A URL with a password is refused on the form, with nothing sent.
      await page.locator('#webhook-url').fill('https://user:secret@oa.example.com/hook');
      await page.getByRole('button', { name: 'Create webhook' }).click();
      await page.locator('[data-error-code="url_invalid"]').waitFor();
      await page.locator('#webhook-url').fill(hookUrl);
      await page.locator('input[name="eventKinds"][value="stamp"]').uncheck();
      await page.locator('input[name="eventKinds"][value="alarm"]').uncheck();
      await page.locator('input[name="eventKinds"][value="seal_moved"]').check();
      await page.locator('#webhook-description').fill('OA: seal status');
      await page.getByRole('button', { name: 'Create webhook' }).click();
      const secret = (await page.getByTestId('webhook-secret-value').textContent())!;
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'I have stored it' }).click();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);
      const hook = page.getByTestId('webhook');
      await expect.poll(() => hook.count()).toBe(1);
      expect(await hook.textContent()).toMatch(/Active.*Seal status changed.*OA: seal status/);
      // The secret is never shown again, even after a reload.
      await page.reload();
      await hook.waitFor();
      expect(await page.locator('main').textContent()).not.toContain(secret);

      // The custodian makes a seal (its first status, a move too), then suspends it.
      const tablet = custodian.page;
      await tablet.goto(`${server!.url}/seals`);
      await tablet.locator('#seal-name').fill('Site 3 Finance Seal (e-contracts)');
      // A contract seal: its moves need no review by default (a 公章's suspension goes through its route, ADR 009).
      await tablet.locator('#seal-kind').selectOption('contract');
      await tablet.getByTestId('new-seal-form').getByText('Electronic', { exact: true }).click();
      await tablet.locator('#seal-reason').fill('For e-invoices');
      await tablet.getByTestId('new-seal-form').getByRole('button', { name: 'Make seal' }).click();
      const card = sealCard(tablet, 'Site 3 Finance Seal (e-contracts)');
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 20_000 }).toBe('active');
      await card.click();
      await tablet.locator('h1.seal-title', { hasText: 'Site 3 Finance Seal (e-contracts)' }).waitFor();
      const sealId = (await tablet.locator('h1.seal-title').getAttribute('data-seal-id'))!;
      await move(tablet, 'suspended', 'Quarterly check');
      await expect.poll(() => statusOf(tablet)).toBe('suspended');

      // The suspension reached the receiver twice (500, then 200), signed with the secret, the same event id each time.
      const suspension = () => received.filter((r) => (JSON.parse(r.body) as { id: string }).id.includes(':active:suspended:'));
      await expect.poll(() => suspension().map((r) => r.answered), { timeout: 30_000 }).toEqual([500, 200]);
      expect(new Set(received.map((r) => r.headers['x-seal-event-id'])).size).toBe(2);
      for (const delivery of received) {
        const timestamp = String(delivery.headers['x-seal-timestamp']);
        expect(delivery.headers['x-seal-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex')}`);
        expect(JSON.parse(delivery.body)).toMatchObject({ kind: 'seal_moved', sealId });
      }
      expect(suspension()[0]!.headers['x-seal-event-id']).toBe(suspension()[1]!.headers['x-seal-event-id']);

      // The delivery log on the screen shows the event delivered, with both attempts.
      await page.getByRole('button', { name: 'Delivery log' }).click();
      expect(new URL(page.url()).searchParams.get('hook')).toBeTruthy();
      const delivery = page.getByTestId('webhook-delivery');
      await expect.poll(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return delivery.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
      }, { timeout: 20_000 }).toEqual(['delivered', 'delivered']);
      expect(await delivery.first().getByTestId('webhook-attempt').allTextContents()).toEqual([expect.stringContaining('answered 500'), expect.stringContaining('answered 200')]);
      await page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'webhooks-en.png'), fullPage: true });
      // Both languages, laptop and phone, online and offline: SEAL_SCREENSHOTS=1 (screenshots/webhooks-*.png).
      if (process.env.SEAL_SCREENSHOTS === '1') await shootWebhookScreens(browser!, server!.url, await page.context().storageState(), new URL(page.url()).searchParams.get('hook')!);

      // Disabled after a confirmation: it stays listed, marked disabled.
      await page.getByRole('button', { name: 'Disable' }).first().click();
      await page.locator('dialog[open]').getByRole('button', { name: 'Disable' }).click();
      await expect.poll(() => hook.getAttribute('data-enabled')).toBe('false');
      expect(unexpectedErrors(admin.errors)).toEqual([]);
    } finally {
      await new Promise<void>((closed) => receiver.close(() => closed()));
    }
  });
});
