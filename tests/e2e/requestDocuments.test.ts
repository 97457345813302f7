/**
 * The document travels with the request, in real Chromium: staff at a site choose a real PDF on
 * the new-request form (a file over 20 MB, one that is not a PDF, JPEG or PNG, and a PDF that could
 * read one way in a viewer and another once stamped are refused in
 * words first), submit while the site has no network, and the bytes go up when it returns; the
 * approver opens the request, sees the PDF's page drawn by PDF.js and the app's word that these
 * bytes are the ones whose fingerprint they sign, and approves with their passkey.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_DOCUMENT_BYTES } from '@seal/shared';
import { SEAL_ID, setUpRequestWorld } from './requestWorld';
import { serverAndBrowser } from './suite';
import { shadowedPdf } from '../stampedPdfs';

const suite = serverAndBrowser();
const FIXTURE = join(import.meta.dirname, '../fixtures/documents/fontconfig-user.pdf');
const SHOTS = join(import.meta.dirname, '../../test-results/request-documents');

describe('the document travels with the request', () => {
  it('staff attach a PDF (offline), the approver sees its page, verified, and approves with a passkey', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await setUpRequestWorld(suite.browser(), suite.server(), { admin: 'Wang Admin', approver: 'Li Approver', staff: 'Zhao Staff', site: 'Site 5', seal: 'Site 5 contract seal' });
    const { staff, approver } = world;
    const url = suite.server().url;
    const pdf = readFileSync(FIXTURE);
    const sha = createHash('sha256').update(pdf).digest('hex');

    await staff.page.goto(`${url}/requests/new`);
    await staff.page.locator(`#request-seal option[value="${SEAL_ID}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await staff.page.locator('#request-seal').selectOption(SEAL_ID);
    // The form states what it takes.
    expect(await staff.page.locator('#request-file-hint, .field-hint').first().textContent()).toContain('PDF, JPEG or PNG file of up to 20 MB');

    // Too large, and not a document type: refused in words, nothing fingerprinted.
    // (From disk: the browser reads the path itself, no 20 MB crosses the wire to it.)
    const huge = Buffer.alloc(MAX_REQUEST_DOCUMENT_BYTES + 1, 0x20);
    huge.write('%PDF-1.7\n');
    const hugePath = join(mkdtempSync(join(tmpdir(), 'request-doc-')), 'scan-archive.pdf');
    writeFileSync(hugePath, huge);
    await staff.page.locator('#request-file').setInputFiles(hugePath);
    await staff.page.locator('.field-problem[data-field="file"]', { hasText: 'larger than 20 MB' }).waitFor();
    await staff.page.locator('#request-file').setInputFiles({ name: 'contract.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from('PK\u0003\u0004 word/document.xml') });
    await staff.page.locator('.field-problem[data-field="file"]', { hasText: 'not a PDF, JPEG or PNG' }).waitFor();
    // A PDF with a shadow page (a second definition of an object, which its cross-reference does not
    // name) could show the approvers one thing and be stamped as another: refused before anyone approves it.
    await staff.page.locator('#request-file').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: Buffer.from(shadowedPdf(pdf)) });
    await staff.page.locator('.field-problem[data-field="file"]', { hasText: 'show one thing in a viewer and another once stamped' }).waitFor();
    expect(await staff.page.getByTestId('document-sha256').count()).toBe(0);
    await staff.page.screenshot({ path: join(SHOTS, 'en-new-request-refused-file.png'), fullPage: true });

    // The real PDF, chosen and sent while the site has no network.
    await staff.context.setOffline(true);
    await staff.page.locator('#request-file').setInputFiles(FIXTURE);
    await staff.page.locator('[data-testid="document-sha256"]', { hasText: sha }).waitFor();
    expect(await staff.page.locator('.field-problem[data-field="file"]').count()).toBe(0);
    // The page count comes from the file itself (poppler's count is the oracle), and a wrong one typed over it is refused.
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [FIXTURE], { encoding: 'utf8' }))![1]);
    await expect.poll(() => staff.page.locator('#request-pages').inputValue(), { timeout: 30_000 }).toBe(String(pages));
    await staff.page.locator('#request-pages').fill(String(pages + 1));
    await staff.page.locator('#request-copies').fill('1');
    await staff.page.locator('#request-purpose').fill('Sign the fontconfig user guide');
    await staff.page.locator('#request-uses').fill('1');
    await staff.page.locator('.request-form button[type="submit"]').click();
    await staff.page.locator('.field-problem[data-field="pages"]', { hasText: `The PDF has ${pages} pages` }).waitFor();
    await staff.page.locator('#request-pages').fill(String(pages));
    await staff.page.locator('.request-form button[type="submit"]').click();
    await staff.page.waitForURL(/\/requests\/req-[0-9a-f-]+/);
    const requestId = /\/requests\/(req-[0-9a-f-]+)/.exec(staff.page.url())![1]!;
    // Held here, the requester sees the document too, checked, without any network.
    await staff.page.getByTestId('document-verified').waitFor({ timeout: 30_000 });
    await staff.context.setOffline(false);
    await expect.poll(() => staff.page.locator('.sync-status').getAttribute('data-pending'), { timeout: 30_000 }).toBe('0');

    // The approver opens it: the page is drawn, and the app says these are the bytes they sign.
    await approver.page.goto(`${url}/requests/${requestId}`);
    await approver.page.getByTestId('request-terms').waitFor({ timeout: 30_000 });
    await approver.page.getByTestId('document-verified').waitFor({ timeout: 60_000 });
    // Seen and matching: approving is offered, with no word holding it back, and the page counts agree.
    expect(await approver.page.getByTestId('approve-hold').count()).toBe(0);
    expect(await approver.page.getByTestId('document-pages-mismatch').count()).toBe(0);
    expect(await approver.page.getByTestId('terms-sha256').textContent()).toBe(sha);
    await approver.page.locator('[data-testid="document-pages"][data-drawn="drawn"]').waitFor({ timeout: 60_000 });
    // Drawn, not blank: the canvas holds dark pixels (the page's text).
    const inked = await approver.page.locator('[data-testid="document-pages"] canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark += 1;
      return dark;
    });
    expect(inked).toBeGreaterThan(100);
    expect(await approver.page.locator('[data-testid="document-pages"] canvas').getAttribute('aria-label')).toBe(`Page 1 of ${pages}`);
    await approver.page.screenshot({ path: join(SHOTS, 'en-approver-document.png'), fullPage: true });

    await approver.page.getByRole('button', { name: 'Approve with passkey' }).click();
    await approver.page.locator('[data-testid="my-verdict"][data-verdict="approve"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => approver.page.getByTestId('request-status').textContent(), { timeout: 30_000 }).toBe('Approved');
  }, 240_000);
});
