/**
 * Stamping a PDF under an electronic grant, in real Chromium on the built app: a site staff member
 * imports their electronic grant on /stamp; a PDF other than the approved one is refused at once;
 * the approved one (Debian's fontconfig manual) is previewed by PDF.js, the seal dragged onto
 * page 1, the seam seal turned on; with the network cut the tablet draws the impression (the
 * seal font from its own cache), judges it and signs it with its own key: pdfsig finds the
 * signature valid, pdftoppm shows the seal where dropped and jsQR reads the page's QR. Back
 * online, the impression and its grant sync, the organisation countersigns, the tablet offers
 * the countersigned PDF (pdfsig: both signatures valid; one changed byte: not), and /verify finds
 * it by code and by the file, and refuses the changed file. Screenshots at 1280×800, 800×1280 and
 * a phone, in English and Chinese, go to screenshots/ (not committed).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertionChallenge, contentId, decisionPayload, sealStatusChangeId, sha256, toHex, useRequestSchema, type Decision, type ElectronicGrant, type ElectronicSeal, type SealStatusChange } from '@seal/shared';
import { pdfsigReports, qrOf, redIn, renderPage } from '../pdfChecks';
import { launchBrowser, REPO_ROOT, startServer, type RunningServer } from './harness';
import { invite, newPerson, pageFetch, setUpOrganisation, signInPage, unexpectedErrors, type Person } from './people';
import { replicaOf } from './replicas';
import { setupCodeFrom } from './setupCode';

const FIXTURE = join(REPO_ROOT, 'tests/fixtures/documents/fontconfig-user.pdf');
/** The fixture's pages: 593.051 × 838.744 pt (pdfinfo), in mm. */
const PAGE_MM = { width: (593.051 * 25.4) / 72, height: (838.744 * 25.4) / 72 };

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startServer({ AUTH_RATE_LIMIT: '500' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** An approved request for the fixture under an electronic contract seal, and its electronic grant for `holderId`. */
async function electronicGrant(siteId: string, holderId: string, custodianId: string, approver: Person, approverId: string, credentialId: string) {
  const now = Date.now();
  const documentSha256 = toHex(await sha256(new Uint8Array(await readFile(FIXTURE))));
  const seal = { id: 'seal-e-contract', name: '华东分公司合同专用章', kind: 'contract', form: 'electronic', unitId: siteId, custodianId, createdAt: now - 600_000, antiCounterfeitCode: '3301021234567' } as unknown as Omit<ElectronicSeal, 'status'>;
  const request = useRequestSchema.parse({
    id: 'req-e2e-estamp-1', requesterId: holderId, unitId: siteId, sealId: seal.id,
    document: { title: 'Fontconfig user manual', sha256: documentSha256, pages: 15 },
    copies: 1, purpose: 'Stamp the manual', usesRequested: 1,
    window: { notBefore: now - 60_000, notAfter: now + 86_400_000 },
    place: { unitId: siteId }, createdAt: now - 120_000,
  });
  const payload = decisionPayload(request, 'approve');
  const assertion = await signInPage(approver.page, await assertionChallenge(payload), credentialId);
  const decisionBody = { approverId, payload, assertion, at: now } as Omit<Decision, 'id'>;
  const decision = { ...decisionBody, id: await contentId(decisionBody) } as Decision;
  const body = { form: 'electronic', requestId: request.id, sealId: seal.id, holderId, documentSha256, uses: 1, window: request.window, decisions: [decision] } as Omit<ElectronicGrant, 'id'>;
  return { seal, request, decision, grant: { ...body, id: await contentId(body) } as ElectronicGrant };
}

/** The file behind a download link of the page. */
async function downloaded(page: Page, testId: string): Promise<Uint8Array> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  return new Uint8Array(await readFile((await (await download).path())));
}

async function screenshots(page: Page, name: string, wide = 'page-preview', narrow = 'electronic-stamp'): Promise<void> {
  const out = join(REPO_ROOT, 'screenshots');
  await mkdir(out, { recursive: true });
  for (const [label, size] of [['1280x800', { width: 1280, height: 800 }], ['800x1280', { width: 800, height: 1280 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await page.getByTestId(size.width >= 1000 ? wide : narrow).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(out, `estamp-${name}-${label}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('stamping a PDF under an electronic grant', () => {
  it('refuses another PDF, previews the approved one, places the seal by drag and stamps it offline', async () => {
    const url = server!.url;
    const admin = await newPerson(browser!, 'en');
    const adminUser = await setUpOrganisation(admin, url, setupCodeFrom(server!.output()), 'Wang Admin');
    const site = await pageFetch<{ unit: { id: string } }>(admin.page, '/api/units', { name: 'East Site', kind: 'site', parentId: adminUser.unitId });
    expect(site.status, JSON.stringify(site.body)).toBe(201);
    const approver = await newPerson(browser!, 'en');
    const approverUser = await invite(admin, approver, url, adminUser.unitId, ['approver'], 'Li Approver');
    const staff = await newPerson(browser!, 'en');
    const staffUser = await invite(admin, staff, url, site.body.unit.id, ['staff'], 'Zhao Staff');
    const { seal, request, grant } = await electronicGrant(site.body.unit.id, staffUser.id, adminUser.id, approver, approverUser.id, approverUser.credentialId);
    const sealTablet = await replicaOf(server!, admin, adminUser.id, 'e2e-estamp-seal');
    const requester = await replicaOf(server!, staff, staffUser.id, 'e2e-estamp-request');
    try {
      await sealTablet.store.records.create('seal', seal);
      // The seal's creation (new → active): only an active seal gets a signing certificate.
      const createdAt = Date.now() - 300_000;
      await sealTablet.store.facts.append('seal_status_change', {
        id: sealStatusChangeId(seal.id, null, 'active', adminUser.id as SealStatusChange['actorId'], createdAt), sealId: seal.id, from: null, to: 'active', actorId: adminUser.id, actorRole: 'admin', reason: 'New electronic contract seal', at: createdAt,
      } as SealStatusChange, site.body.unit.id);
      await sealTablet.start({ live: false }).awaitInSync();
      await requester.store.records.create('request', request);
      await requester.start({ live: false }).awaitInSync();
      expect([sealTablet.store.status.get().refusals, requester.store.status.get().refusals]).toEqual([[], []]);
    } finally {
      await Promise.all([sealTablet.close(), requester.close()]);
    }

    const { page } = staff;
    await page.goto(`${url}/stamp`);
    await page.locator('main h1', { hasText: 'Stamp' }).waitFor();
    // The staff tablet keeps the seal font while online, for stamping offline later.
    await expect.poll(() => page.evaluate(async () => (await (await caches.open('seal-font')).keys()).length), { timeout: 60_000 }).toBe(1);
    await page.locator('#grant-file').setInputFiles({ name: 'grant.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(grant)) });
    const panel = page.getByTestId('electronic-stamp');
    await panel.waitFor({ timeout: 30_000 });

    // Not the approved document: one byte changed.
    const other = new Uint8Array(await readFile(FIXTURE));
    other[other.length - 10] = other[other.length - 10]! ^ 1;
    await page.getByTestId('document-file').setInputFiles({ name: 'manual-edited.pdf', mimeType: 'application/pdf', buffer: Buffer.from(other) });
    const refused = page.getByTestId('document-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('“manual-edited.pdf” is not the approved document');
    expect(await page.getByTestId('page-preview').count()).toBe(0);

    await page.getByTestId('document-file').setInputFiles(FIXTURE);
    await page.getByTestId('document-accepted').waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\npanel: ${await panel.textContent()}\nerrors: ${staff.errors.join('\n')}`);
    });
    expect(await page.getByTestId('document-refused').count()).toBe(0);
    expect(await page.getByTestId('page-shown').textContent()).toBe('Page 15 of 15');
    // Put the seal on page 1 by number, then drag it on the preview.
    await page.getByTestId('seal-page').fill('1');
    await page.getByTestId('seal-page').press('Enter');
    await expect.poll(() => page.getByTestId('page-shown').textContent()).toBe('Page 1 of 15');
    const preview = page.getByTestId('page-preview');
    await expect.poll(() => preview.locator('.page-rendering').count(), { timeout: 30_000 }).toBe(0);
    const canvasDrawn = await preview.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 100) dark++;
      return dark;
    });
    expect(canvasDrawn).toBeGreaterThan(1000);
    // Drag the seal by its middle to a point of the page in view, up and to the left.
    await page.getByTestId('placed-seal').scrollIntoViewIfNeeded();
    const box = (await preview.boundingBox())!;
    const sealBox = (await page.getByTestId('placed-seal').boundingBox())!;
    const from = { x: sealBox.x + sealBox.width / 2, y: sealBox.y + sealBox.height / 2 };
    const to = { x: box.x + box.width * 0.3, y: from.y - 150 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, from.y - 40, { steps: 5 });
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    const placed = { x: Number(await page.getByTestId('seal-x').inputValue()), y: Number(await page.getByTestId('seal-y').inputValue()) };
    expect(placed.x).toBeCloseTo(((to.x - box.x) / box.width) * PAGE_MM.width, 0);
    expect(placed.y).toBeCloseTo(((to.y - box.y) / box.height) * PAGE_MM.height, 0);
    const dropped = (await page.getByTestId('placed-seal').boundingBox())!;
    expect(dropped.x + dropped.width / 2).toBeCloseTo(to.x, -1);
    await page.getByTestId('seam-toggle').check();
    await page.getByTestId('seam-slice').waitFor();
    await screenshots(page, 'en');
    await page.locator('.language-switch button[aria-pressed="false"]').first().click();
    await page.locator('main h1', { hasText: '用印' }).waitFor();
    await screenshots(page, 'zh-CN');

    // Online, the tablet got a signing certificate for its non-extractable key.
    await page.getByTestId('certificate-valid').waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nno certificate: ${String(await page.getByTestId('no-certificate').getAttribute('data-detail').catch(() => null))}`);
    });
    await staff.context.setOffline(true);
    await page.locator('.offline-banner').waitFor();
    // Drawn offline (the seal font comes from the tablet's cache), judged and signed with the tablet's key.
    await page.getByTestId('stamp-pdf').click();
    await page.getByTestId('stamped-result').waitFor({ timeout: 120_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\npanel: ${await panel.textContent()}\nerrors: ${staff.errors.join('\n')}`);
    });
    // Shown grouped, as printed beside each page's QR.
    const code = (await page.getByTestId('verification-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}$/);
    expect(await page.getByTestId('countersign-waiting').count()).toBe(1);
    const signed = await downloaded(page, 'download-stamped');
    const ca = ((await (await fetch(`${url}/api/documents/ca`)).json()) as { certificate: string }).certificate;
    // pdfsig (NSS) trusting only this organisation's CA: the tablet's signature is valid offline.
    const offlineReports = await pdfsigReports(signed, ca);
    expect(offlineReports).toHaveLength(1);
    expect(offlineReports[0]).toContain(`Signature Field Name: seal:${seal.id}:`);
    expect(offlineReports[0]).toContain('Signature Validation: Signature is Valid.');
    expect(offlineReports[0]).toContain('Certificate Validation: Certificate is Trusted.');
    // The seal is where it was dropped on page 1 (pdftoppm), and the page's QR leads to /verify with the code.
    const page1 = await renderPage(signed, 1);
    expect(redIn(page1, { x: placed.x - 15, y: placed.y - 15, width: 30, height: 30 })).toBeGreaterThan(1000);
    expect(redIn(await renderPage(new Uint8Array(await readFile(FIXTURE)), 1), { x: placed.x - 15, y: placed.y - 15, width: 30, height: 30 })).toBe(0);
    expect(qrOf(page1)).toBe(`${url}/verify?code=${code.replace(/-/g, '')}`);
    expect(unexpectedErrors(staff.errors, { networkCut: true })).toEqual([]);

    // Back online: the impression syncs with its grant, the tablet sends the signed PDF, the server countersigns.
    await staff.context.setOffline(false);
    await page.getByTestId('countersigned').waitFor({ timeout: 120_000 });
    await screenshots(page, 'countersigned-zh-CN', 'stamped-result', 'stamped-result');
    const countersigned = await downloaded(page, 'download-countersigned');
    const reports = await pdfsigReports(countersigned, ca);
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report).toContain('Signature Validation: Signature is Valid.');
      expect(report).toContain('Certificate Validation: Certificate is Trusted.');
    }
    expect(reports[0]).toContain('Signature Validation: Signature is Valid.');
    expect(reports[1]).toContain('Total document signed');
    // One changed byte (the binary comment of line 2, covered by both signatures): pdfsig says so.
    const changed = countersigned.slice();
    const at = Buffer.from(changed).indexOf('\n%') + 2;
    changed[at] = changed[at]! ^ 0x01;
    const changedReports = await pdfsigReports(changed, ca);
    expect(changedReports.every((report) => !report.includes('Signature Validation: Signature is Valid.'))).toBe(true);

    // Anyone can verify it on /verify, by code and by the file itself, against the server's record.
    await page.goto(`${url}/verify?code=${encodeURIComponent(code)}`);
    await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-source'), { timeout: 30_000 }).toBe('server');
    expect(await page.getByTestId('verify-title').textContent()).toBe('Fontconfig user manual');
    expect(await page.getByTestId('verify-countersign').getAttribute('data-status')).toBe('present');
    await page.goto(`${url}/verify`);
    await page.getByTestId('pdf-file').setInputFiles({ name: 'manual-stamped.pdf', mimeType: 'application/pdf', buffer: Buffer.from(countersigned) });
    await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-source'), { timeout: 30_000 }).toBe('server');
    expect(await page.getByTestId('pdf-matches').textContent()).toContain('没有任何改动');
    await page.goto(`${url}/verify`);
    await page.getByTestId('pdf-file').setInputFiles({ name: 'manual-stamped.pdf', mimeType: 'application/pdf', buffer: Buffer.from(changed) });
    await expect.poll(() => page.getByTestId('verify-refused').textContent(), { timeout: 30_000 }).toContain('此文件与任何');
    expect(await page.getByTestId('verify-result').count()).toBe(0);

    // The administrator finds it in the archive by its code (typed without dashes), countersigned.
    await admin.page.goto(`${url}/archive`);
    await admin.page.locator('#archive-filter-code').fill(code.replace(/-/g, '').toLowerCase());
    await admin.page.locator('form.archive-filters button[type="submit"]').click();
    const archived = admin.page.locator('[data-testid="archive-entry"][data-kind="electronic_impression"]');
    await archived.waitFor({ timeout: 30_000 });
    expect(await archived.count()).toBe(1);
    expect(await archived.getByTestId('archive-code').textContent()).toBe(code);
    expect(await archived.getByTestId('archive-countersigned').getAttribute('data-countersigned')).toBe('true');
    expect(await archived.locator('.archive-entry-title').textContent()).toBe('Fontconfig user manual');
    await admin.page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'estamp-archive-en.png') });
  }, 420_000);

});
