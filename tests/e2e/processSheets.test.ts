/**
 * A process sheet's round trip in real Chromium against the real server: a custodian prints the
 * sheet of an approved request (the PDF the browser makes renders with pdftoppm, its Chinese text
 * and code read back by pdftotext); the printed page is "scanned": turned 5°, a red circle
 * stamped in its box, rendered to a JPEG; the custodian uploads it on the request's page, where
 * it is read, checked by the server and filed, and shows with who filed it; it is found in
 * /archive. A sheet of another unit's request and a QR that is no sheet's are refused with their
 * messages (English, then 中文). An auditor searches the archive and finds it, but may not file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { degrees, PDFDocument, rgb } from '@cantoo/pdf-lib';
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asId, drawProcessSheet, embedSealFont, requestIdSchema, toBase64Url } from '@seal/shared';
import { seedEvidence } from '../integration/evidenceSeed';
import { sealRecord, useRequest } from '../integration/fixtures';
import { openReplica, syncAll } from '../integration/harness';
import { httpOrganisation } from '../integration/httpWorld';
import { REPO_ROOT } from './harness';
import { joinAs, newPerson, openInvitation, pageFetch, unexpectedErrors, type Person } from './people';
import { setupCodeFrom } from './setupCode';
import { serverAndBrowser } from './suite';

const suite = serverAndBrowser();
const SHOTS = join(REPO_ROOT, 'screenshots');
const work = mkdtempSync(join(tmpdir(), 'sheets-e2e-'));
const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const TITLE = '分包合同 Subcontract';
const OTHER_REQUEST = 'req-other-unit-1';

let requestId: string;
let keeperInvitation: string;
let auditorInvitation: string;
let keeper: Person;

const font = (): Promise<Uint8Array> => Promise.resolve(readFileSync(join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Regular.otf')));
const run = (command: string, args: string[]): string => execFileSync(command, args, { encoding: 'utf8' });

beforeAll(async () => {
  const server = suite.server();
  const org = await httpOrganisation(server.url, setupCodeFrom(server.output()), { organisation: '华建集团', admin: 'Wang Admin' });
  const hq = org.admin.rootUnitId;
  const siteA = await org.unit(hq, '上海一号项目部', 'site', FENCE);
  const siteB = await org.unit(hq, '苏州二号项目部', 'site');
  const custodian = await org.person(siteA, ['custodian'], 'Zhao Keeper');
  const staff = await org.person(siteA, ['staff'], 'Qian Staff');
  const approver = await org.person(hq, ['approver'], 'Li Approver');
  const seeded = await seedEvidence(org.api, { custodian, staff, approver }, {
    siteId: siteA, fence: FENCE, deviceId: 'dev-sh-01', seal: { id: 'seal-sh-contract', name: '项目部合同专用章' }, document: { title: TITLE, sha256: 'cd'.repeat(32) },
  });
  requestId = seeded.requestId;
  // Another unit's request, recorded at site B by its own people.
  const custodianB = await org.person(siteB, ['custodian'], 'Sun Keeper');
  const staffB = await org.person(siteB, ['staff'], 'Zhou Staff');
  const custodyB = await openReplica(server.url, custodianB, 'custody-b');
  const requesterB = await openReplica(server.url, staffB, 'requester-b');
  try {
    await custodyB.store.records.create('seal', sealRecord('seal-b', siteB, custodianB.userId));
    await syncAll([custodyB, requesterB]);
    await requesterB.store.records.create('request', useRequest(OTHER_REQUEST, staffB.userId, siteB, 'seal-b'));
    await syncAll([requesterB]);
  } finally {
    await Promise.allSettled([custodyB.close(), requesterB.close()]);
  }
  keeperInvitation = await org.invitation(siteA, ['custodian'], 'Ma Keeper');
  auditorInvitation = await org.invitation(hq, ['auditor'], 'Sun Auditor');
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The printed sheet, scanned: its first page turned 5° on a larger sheet, a red circle stamped in its box, as a JPEG. */
async function scanOf(printed: Uint8Array, name: string): Promise<string> {
  const scan = await PDFDocument.create();
  const page = scan.addPage([680, 920]);
  const [sheet] = await scan.embedPdf(printed);
  page.drawPage(sheet!, { x: 70, y: 20, rotate: degrees(5) });
  page.drawEllipse({ x: 330, y: 190, xScale: 60, yScale: 60, borderColor: rgb(0.85, 0.1, 0.1), borderWidth: 5, color: rgb(0.95, 0.6, 0.6), opacity: 0.5 });
  writeFileSync(join(work, `${name}.pdf`), await scan.save());
  run('pdftoppm', ['-jpeg', '-r', '110', '-singlefile', join(work, `${name}.pdf`), join(work, name)]);
  return join(work, `${name}.jpg`);
}

/** A sheet printed elsewhere (as its own unit would print it), rendered to PNG. */
async function sheetOf(id: string, name: string): Promise<string> {
  const doc = await PDFDocument.create();
  drawProcessSheet(doc, { requestId: asId(requestIdSchema, id), title: 'Other 其他', sealName: '合同专用章', unitName: '苏州二号项目部', requester: 'Zhou Staff', uses: 1, approvals: [], printedAt: '2026-12-03' }, await embedSealFont(doc, font));
  writeFileSync(join(work, `${name}.pdf`), await doc.save());
  run('pdftoppm', ['-png', '-r', '100', '-singlefile', join(work, `${name}.pdf`), join(work, name)]);
  return join(work, `${name}.png`);
}

/** Saves what the page shows for a human look (screenshots/ is gitignored): desktop 1280×800 and a phone. */
async function shots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const viewport = page.viewportSize();
  for (const [device, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SHOTS, `sheets-${name}-${device}.png`), fullPage: true });
  }
  if (viewport) await page.setViewportSize(viewport);
}

const refusal = (person: Person) => person.page.getByTestId('sheet-refusal');

describe('a process sheet, printed, stamped on paper, scanned and filed', () => {
  it('is printed by the custodian as a PDF that renders with its Chinese text and code', async () => {
    keeper = await newPerson(suite.browser(), 'en');
    await openInvitation(keeper, `${suite.server().url}/join?code=${keeperInvitation}`);
    await joinAs(keeper, 'Ma Keeper');
    const { page } = keeper;
    await page.goto(`${suite.server().url}/requests/${requestId}`);
    await page.getByTestId('print-sheet').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('print-sheet').click()]);
    expect(download.suggestedFilename()).toBe(`process-sheet-${requestId}.pdf`);
    const printed = readFileSync(await download.path());
    writeFileSync(join(work, 'printed.pdf'), printed);
    const text = run('pdftotext', [join(work, 'printed.pdf'), '-']);
    expect(text).toContain('用印流程单');
    expect(text).toContain(TITLE);
    expect(text).toContain(`SEALCTL:REQ:${requestId}`);
    run('pdftoppm', ['-png', '-r', '50', '-singlefile', join(work, 'printed.pdf'), join(work, 'printed')]);
    expect(readFileSync(join(work, 'printed.png')).length).toBeGreaterThan(5_000);

    const scan = await scanOf(printed, 'scan');
    await page.locator('#sheet-upload').setInputFiles(scan);
    await page.locator('[data-testid="sheet-progress"][data-step="filed"]').waitFor({ timeout: 60_000 });
    const filed = page.getByTestId('filed-scan');
    await filed.waitFor();
    expect(await filed.textContent()).toContain('Filed by Ma Keeper');
    await expect.poll(() => filed.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 20_000 }).toBeGreaterThan(100);
    await shots(page, 'request-en');
  });

  it("refuses another unit's sheet and a QR that is no sheet's, in English and in Chinese", async () => {
    const { page } = keeper;
    await page.locator('#sheet-upload').setInputFiles(await sheetOf(OTHER_REQUEST, 'other'));
    await refusal(keeper).waitFor({ timeout: 60_000 });
    expect(await refusal(keeper).getAttribute('data-code')).toBe('out_of_scope');
    expect(await refusal(keeper).textContent()).toContain('belongs to a request of another unit');

    writeFileSync(join(work, 'parcel.png'), await QRCode.toBuffer('https://example.com/parcel/7', { type: 'png', width: 400 }));
    await page.locator('#sheet-upload').setInputFiles(join(work, 'parcel.png'));
    await page.locator('[data-testid="sheet-refusal"][data-code="not_a_sheet_code"]').waitFor({ timeout: 30_000 });
    expect(await refusal(keeper).textContent()).toContain('is not a process sheet’s');

    await page.locator('.language-switch button[lang="zh-CN"]').click();
    await page.locator('#sheet-upload').setInputFiles(await sheetOf(OTHER_REQUEST, 'other-again'));
    await page.locator('[data-testid="sheet-refusal"][data-code="out_of_scope"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => refusal(keeper).textContent()).toContain('此流程单属于其他单位的申请');
    await page.locator('#sheet-upload').setInputFiles(join(work, 'parcel.png'));
    await page.locator('[data-testid="sheet-refusal"][data-code="not_a_sheet_code"]').waitFor({ timeout: 30_000 });
    expect(await refusal(keeper).textContent()).toContain('不是用印流程单的二维码');
    await shots(page, 'request-zh');
    await page.goto(`${suite.server().url}/archive`);
    await page.locator(`[data-testid="archive-entry"][data-request-id="${requestId}"]`).waitFor({ timeout: 30_000 });
    await shots(page, 'archive-zh');
    await page.goto(`${suite.server().url}/requests/${requestId}`);
    await page.getByTestId('filed-scan').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('filed-scan').count()).toBe(1);
    await page.locator('.language-switch button[lang="en"]').click();
  });

  it('is found in the archive by the custodian, and by an auditor, who may not file', async () => {
    const { page } = keeper;
    await page.goto(`${suite.server().url}/`);
    await page.locator('main').getByRole('link', { name: /Archive/ }).click();
    await page.waitForURL(/\/archive$/);
    await page.locator(`[data-testid="archive-entry"][data-request-id="${requestId}"]`).waitFor({ timeout: 30_000 });

    const auditor = await newPerson(suite.browser(), 'en');
    await openInvitation(auditor, `${suite.server().url}/join?code=${auditorInvitation}`);
    await joinAs(auditor, 'Sun Auditor');
    await auditor.page.locator('main').getByRole('link', { name: /Archive/ }).click();
    await auditor.page.waitForURL(/\/archive$/);
    await auditor.page.getByTestId('archive-count').filter({ hasText: '1 found' }).waitFor({ timeout: 30_000 });
    await shots(auditor.page, 'archive-en');
    await auditor.page.getByLabel('Code').fill(requestId);
    await auditor.page.getByLabel('Document title').fill('subcontract');
    await auditor.page.getByRole('button', { name: 'Search' }).click();
    const entry = auditor.page.locator(`[data-testid="archive-entry"][data-request-id="${requestId}"]`);
    await entry.waitFor({ timeout: 30_000 });
    expect(await entry.textContent()).toContain('项目部合同专用章');
    await auditor.page.getByLabel('Document title').fill('no such document');
    await auditor.page.getByRole('button', { name: 'Search' }).click();
    await auditor.page.getByTestId('archive-count').filter({ hasText: '0 found' }).waitFor();

    const png = readFileSync(join(work, 'printed.png'));
    const filed = await pageFetch<{ error: string }>(auditor.page, '/api/process-sheets/scans', { code: `SEALCTL:REQ:${requestId}`, mime: 'image/png', data: toBase64Url(png) });
    expect(filed).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(unexpectedErrors(auditor.errors)).toEqual([]);
    expect(unexpectedErrors(keeper.errors)).toEqual([]);
  });
});
