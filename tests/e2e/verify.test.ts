/**
 * `/verify` in real Chromium against the real sync-server: public (no sign-in, no organisation on
 * the device), by a typed code, by a QR (a fake camera showing it; a photo when the camera is
 * refused), and by a PDF hashed in the browser. A tablet that holds a record answers offline from
 * its own copy and says so. The records are seeded over HTTP (verifyWorld.ts): a physical stamp
 * under a request whose process sheet code is `SEALCTL:REQ:<id>`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCertificate, serialHexOf, signPdf, toPem, verificationCodeOf, verifiedImpressionSchema, verifyPdfResponseSchema } from '@seal/shared';
import { makeTestPki } from '@seal/shared/testing';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO_ROOT } from './harness';
import { joinAs, newPerson, newVisitor, openInvitation, unexpectedErrors, watchErrors, type Person } from './people';
import { serverAndBrowser } from './suite';
import { shootPublicVerify, shootVerifyResult } from './verifyScreenshots';
import { qrPng, seedVerifyWorld, VERIFY_NAMES, writeQrVideo, type VerifyWorld } from './verifyWorld';

const suite = serverAndBrowser();
let world: VerifyWorld;
let dir: string;
let cameraBrowser: Browser | undefined;
const SCREENSHOTS = process.env.SEAL_SCREENSHOTS === '1';
const sheetCode = () => `SEALCTL:REQ:${world.seeded.requestId}`;

beforeAll(async () => {
  world = await seedVerifyWorld(suite.server());
  dir = await mkdtemp(join(tmpdir(), 'verify-e2e-'));
}, 180_000);

afterAll(async () => {
  await cameraBrowser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const answer = (page: Page) => page.getByTestId('verify-answer');
const refusal = (page: Page) => page.getByTestId('verify-refused');

describe('/verify, for whoever holds a stamped document', () => {
  it('opens without sign-in on a device with no organisation, and refuses a mistyped code and a code naming nothing, plainly', async () => {
    const visitor = await newVisitor(suite.browser(), 'en');
    const { page } = visitor;
    await page.goto(`${suite.server().url}/verify?code=ABXJ-KP5N-SHD`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check a stamped document');
    await expect.poll(() => refusal(page).textContent()).toContain('a character is mistyped or two are swapped');
    expect(await page.getByTestId('verify-live').textContent()).toContain('mistyped');
    // A well-formed code the organisation never issued: the server says so, and the page says not to rely on it.
    await page.getByLabel('Verification code', { exact: true }).fill('abxj kp5n shc');
    await page.getByTestId('verify-code-submit').click();
    await expect.poll(() => refusal(page).getAttribute('data-outcome')).toBe('not_found');
    expect(await refusal(page).textContent()).toContain('No stamped document has the code ABXJKP5NSHC');
    expect(await refusal(page).textContent()).toContain('do not rely on it');
    expect(unexpectedErrors(visitor.errors).filter((e) => !/status of 404/.test(e))).toEqual([]);
    await visitor.context.close();
  });

  it('a tablet that holds the record verifies a process sheet offline: the record shows, labelled as from this device', async () => {
    const tablet: Person = await newPerson(suite.browser(), 'en');
    const { page, context } = tablet;
    await openInvitation(tablet, `${suite.server().url}/join?code=${world.tabletInvitation}`);
    await joinAs(tablet, VERIFY_NAMES.tablet);
    // The tablet's replica has the request and the device's stamp under it.
    await page.goto(`${suite.server().url}/requests/${world.seeded.requestId}`);
    await page.locator('[data-testid="stamps"] li').first().waitFor({ timeout: 60_000 });
    // Online, the organisation's server answers the same code.
    await page.goto(`${suite.server().url}/verify?code=${encodeURIComponent(sheetCode())}`);
    await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-source'), { timeout: 30_000 }).toBe('server');
    expect(await page.getByTestId('verify-title').textContent()).toBe(VERIFY_NAMES.title);
    // Its one approved use made: the request is told as completed.
    expect(await page.getByTestId('verify-request-status').getAttribute('data-status')).toBe('completed');
    expect(await page.getByTestId('verify-request-status').textContent()).toBe('Approved for 1 use, all used.');
    // The photo the device took of the stamped page shows, served for this code only, byte for byte what the device logged.
    const photo = page.getByTestId('verify-stamp-photo').first();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
    const logged = (await photo.getAttribute('data-sha256'))!;
    const photoUrl = `/api/verify/${encodeURIComponent(sheetCode())}/photos/${logged}`;
    const served = await page.request.get(`${suite.server().url}${photoUrl}`);
    expect(served.status()).toBe(200);
    expect(createHash('sha256').update(await served.body()).digest('hex')).toBe(logged);
    const elsewhere = await page.request.get(`${suite.server().url}/api/verify/${encodeURIComponent('SEALCTL:REQ:no-such-request')}/photos/${logged}`);
    expect(elsewhere.status()).toBe(404);
    const notAStamp = await page.request.get(`${suite.server().url}/api/verify/${encodeURIComponent(sheetCode())}/photos/${'ab'.repeat(32)}`);
    expect(notAStamp.status()).toBe(404);
    expect((await page.request.get(`${suite.server().url}/api/verify/${encodeURIComponent(sheetCode())}/photos/not-a-hash`)).status()).toBe(400);

    await context.setOffline(true);
    await page.getByLabel('Verification code', { exact: true }).fill(` ${sheetCode()} `);
    await page.getByTestId('verify-code-submit').click();
    const result = page.getByTestId('verify-result');
    await expect.poll(() => result.getAttribute('data-source'), { timeout: 30_000 }).toBe('device');
    expect(await result.getAttribute('data-kind')).toBe('physical');
    expect(await page.getByTestId('verify-title').textContent()).toBe(VERIFY_NAMES.title);
    expect(await page.getByTestId('verify-organisation').textContent()).toBe(VERIFY_NAMES.organisation);
    expect(await page.getByTestId('verify-source').textContent()).toContain('From this device’s own copy (offline)');
    expect(await page.locator('[data-testid="verify-approvals"] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-verified')))).toEqual(['true']);
    // The tablet's own reading of the request (the shared rule) names it as the server does.
    expect(await page.getByTestId('verify-request-status').getAttribute('data-status')).toBe('completed');
    expect(await page.locator('[data-testid="verify-stamps"] li').count()).toBe(1);
    expect(await page.locator('[data-testid="verify-stamps"] li').first().textContent()).toContain('dev-hz-01');
    await expect.poll(() => page.getByTestId('verify-answer').evaluate((el) => el === document.activeElement)).toBe(true);
    if (SCREENSHOTS) await shootVerifyResult(page, 'physical-offline');
    await context.setOffline(false);
    await context.close();
  });

  it('reads the QR when the camera is refused: says so plainly, and reads a photo of the QR instead', async () => {
    const visitor = await newVisitor(suite.browser(), 'en');
    const { page } = visitor;
    await page.goto(`${suite.server().url}/verify`);
    await page.getByTestId('start-camera').click();
    await expect.poll(() => page.getByTestId('camera-problem').textContent()).toMatch(/camera.*photo of the QR code instead/);
    await page.getByTestId('qr-photo').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: await qrPng(`${suite.server().url}/verify?code=ABXJ-KP5N-SHC`) });
    await expect.poll(() => page.getByLabel('Verification code', { exact: true }).inputValue()).toBe('ABXJ-KP5N-SHC');
    await expect.poll(() => refusal(page).getAttribute('data-outcome')).toBe('not_found');
    await page.getByTestId('qr-photo').setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: readFileSync(join(REPO_ROOT, 'public/icons/icon-192.png')) });
    await expect.poll(() => page.getByTestId('no-qr').textContent()).toContain('No QR code could be read');
    await visitor.context.close();
  });

  it('scans the QR with the camera (Chromium fed a video of the printed QR)', async () => {
    const video = join(dir, 'qr.y4m');
    await writeQrVideo(video, `${suite.server().url}/verify?code=${encodeURIComponent(sheetCode())}`);
    cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH, headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    const context = await cameraBrowser.newContext({ locale: 'en', viewport: { width: 800, height: 1280 } });
    await context.grantPermissions(['camera'], { origin: suite.server().url });
    const errors: string[] = [];
    const page = watchErrors(await context.newPage(), errors);
    await page.goto(`${suite.server().url}/verify`);
    await page.getByTestId('start-camera').click();
    await expect.poll(() => page.getByLabel('Verification code', { exact: true }).inputValue(), { timeout: 30_000 }).toBe(sheetCode());
    await expect.poll(() => page.getByTestId('verify-live').textContent()).not.toBe('');
    await context.close();
  });

  it('a PDF with one changed byte matches no stamped document, and its signature shows the change', async () => {
    const pki = await makeTestPki();
    const signer = await pki.signer({ commonName: '合同专用章', serialNumber: 'seal1' });
    const signed = await signPdf(readFileSync(join(REPO_ROOT, 'tests/fixtures/documents/fontconfig-user.pdf')), signer, { name: 'seal:seal1:x', signedAt: new Date(), reason: 'Electronic seal', rect: [420, 80, 530, 190] });
    const changed = Buffer.from(signed);
    // One byte of the file's binary comment (line 2): covered by the signature, harmless to a parser.
    const at = changed.indexOf('\n%') + 2;
    expect(at).toBeGreaterThan(2);
    changed[at] = changed[at]! ^ 0x01;
    const visitor = await newVisitor(suite.browser(), 'en');
    const { page } = visitor;
    const sha = createHash('sha256').update(changed).digest('hex');
    await page.goto(`${suite.server().url}/verify`);
    await page.getByTestId('pdf-file').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: changed });
    await expect.poll(() => refusal(page).textContent(), { timeout: 30_000 }).toContain('This file does not match any stamped document');
    expect(await refusal(page).textContent()).toContain('changed after stamping');
    const signature = page.getByTestId('pdf-signature').first();
    expect(await signature.getAttribute('data-intact')).toBe('false');
    expect(await signature.getAttribute('data-chained')).toBe('false');
    expect(await answer(page).textContent()).toContain('CHANGED after signing');
    expect(await page.getByTestId('pdf-sha256').textContent()).toBe(sha);
    await visitor.context.close();
  });

  // The server's record of an electronic impression is stood in for here (an answer parsed by the
  // public API's schema, shared/src/api/verify.ts), to reach the 'awaiting countersignature' state;
  // a PDF stamped through the app and verified against the real server's record is
  // tests/e2e/electronicStamping.test.ts. The page, the browser's hashing and signature check, and
  // the print are real.
  it('a stamped PDF found by its hash shows its record and signatures, and prints an anti-counterfeit copy with the code on every page', async () => {
    const pki = await makeTestPki();
    const signer = await pki.signer({ commonName: '合同专用章', serialNumber: 'seal1' });
    const impressionId = 'impression-e2e-verify-0001';
    const source = readFileSync(join(REPO_ROOT, 'tests/fixtures/documents/fontconfig-user.pdf'));
    const signed = Buffer.from(await signPdf(source, signer, { name: `seal:seal-e:${impressionId}`, signedAt: new Date(), reason: 'Electronic seal', rect: [420, 80, 530, 190] }));
    const sha = createHash('sha256').update(signed).digest('hex');
    const code = await verificationCodeOf(impressionId);
    const record = verifiedImpressionSchema.parse({
      kind: 'electronic', organisation: { name: VERIFY_NAMES.organisation },
      seal: { name: '东方建设集团合同专用章', kind: 'contract', form: 'electronic', code: null, organisationName: VERIFY_NAMES.organisation, status: 'active' },
      request: { title: VERIFY_NAMES.title, documentSha256: 'ab'.repeat(32), pages: 15, unitName: VERIFY_NAMES.site, usesApproved: 1, status: 'approved' },
      approvals: [{ approverName: VERIFY_NAMES.approver, role: 'approver', at: new Date().toISOString(), verified: true }],
      impression: { verificationCode: code, holderName: VERIFY_NAMES.staff, claimedAt: new Date().toISOString(), pages: [1], sourceSha256: 'ab'.repeat(32), signedSha256: sha, authorised: false, problems: [] },
      countersignature: { status: 'awaiting', at: null, countersignedSha256: null },
      certificate: { serial: serialHexOf(readCertificate(signer.certificate)), status: 'valid', notBefore: null, notAfter: null, revokedAt: null },
    });
    const answer = verifyPdfResponseSchema.parse({ sha256: sha, match: 'signed', message: 'This PDF is the stamped document as signed by the seal holder.', record, claimed: null });
    const visitor = await newVisitor(suite.browser(), 'en');
    const { page } = visitor;
    const asked: unknown[] = [];
    await page.route('**/api/verify/pdf', async (route) => {
      asked.push(route.request().postDataJSON());
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
    });
    // The organisation CA the page checks signatures against: the test CA that issued the seal's certificate.
    await page.route('**/api/documents/ca', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ certificate: toPem('CERTIFICATE', pki.caCertificate) }) }));
    await page.goto(`${suite.server().url}/verify`);
    await page.getByTestId('pdf-file').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: signed });
    await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-verdict'), { timeout: 30_000 }).toBe('awaiting');
    // Only the fingerprint left the browser, and it is the file's.
    expect(asked).toEqual([{ sha256: sha }]);
    expect(await page.getByTestId('pdf-matches').textContent()).toContain('not one byte was changed');
    expect(await page.getByTestId('verify-countersign').textContent()).toBe('Signed offline, awaiting the organisation’s confirmation.');
    expect(await page.getByTestId('pdf-signature').first().getAttribute('data-intact')).toBe('true');
    expect(await page.getByTestId('verify-source').textContent()).toContain('organisation’s server');
    if (SCREENSHOTS) await shootVerifyResult(page, 'electronic');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('print-copy').click()]);
    const printPath = join(dir, 'print.pdf');
    await download.saveAs(printPath);
    expect(download.suggestedFilename()).toBe(`${code}-print.pdf`);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [printPath], { encoding: 'utf8' }))![1]);
    expect(pages).toBe(15);
    for (const n of [1, 8, 15]) {
      const text = execFileSync('pdftotext', ['-f', String(n), '-l', String(n), printPath, '-'], { encoding: 'utf8' });
      expect(text).toContain(code);
      expect(text).toContain(VERIFY_NAMES.organisation);
    }

    // A file whose fingerprint a holder recorded, but which no seal signed: the record is not shown as its proof.
    const unsigned = Buffer.concat([source, Buffer.from('\n% never signed\n')]);
    const unsignedSha = createHash('sha256').update(unsigned).digest('hex');
    const claimedOnly = verifyPdfResponseSchema.parse({ ...answer, sha256: unsignedSha, record: { ...record, impression: { ...record.impression, signedSha256: unsignedSha } } });
    const second = await visitor.context.newPage();
    await second.route('**/api/verify/pdf', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(claimedOnly) }));
    await second.route('**/api/documents/ca', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ certificate: toPem('CERTIFICATE', pki.caCertificate) }) }));
    await second.goto(`${suite.server().url}/verify`);
    await second.getByTestId('pdf-file').setInputFiles({ name: 'not-signed.pdf', mimeType: 'application/pdf', buffer: unsigned });
    await expect.poll(() => second.getByTestId('verify-refused').textContent(), { timeout: 30_000 }).toContain('no intact seal signature');
    expect(await second.getByTestId('pdf-matches').count()).toBe(0);
    await visitor.context.close();
  });

  it.runIf(SCREENSHOTS)('looks right in both languages on a laptop, a tablet upright and a phone (screenshots/verify-*.png)', async () => {
    await shootPublicVerify(suite.browser(), suite.server().url);
  });
});
