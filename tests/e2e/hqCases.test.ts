/**
 * Headquarters' exception queue in real Chromium against the real server: a generated history
 * with planted anomalies (the generator's own list, independent of the detector) is written into
 * the running server's store as replication would leave it; the auditor opens /hq/cases, scans,
 * sees the planted cases, opens one, acknowledges it, is refused an empty note, resolves it with
 * one, and sees it resolved with the note. The dashboard's PDF link answers a PDF.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateHistory } from '@seal/shared/testing';
import { connectStore } from '../../sync-server/src/couch/store';
import { loadOrCreateStoreMac } from '../../sync-server/src/couch/storeMac';
import { urlWithCredential, type StoreCredential } from '../../sync-server/src/couch/storeCredential';
import { storeHistory } from '../../sync-server/src/testing/storeHistory';
import type { RunningServer } from './harness';
import { invite, newPerson, organisationWithSite } from './people';
import { serverAndBrowser } from './suite';

const suite = serverAndBrowser();
const SITE = { lat: 30.5728, lon: 104.0668, radiusM: 500 };

/** The running server's embedded store, reached as the server reaches it (its address, credential and MAC key). */
async function storeOf(server: RunningServer) {
  const address = /embedded at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())?.[1];
  if (address === undefined) throw new Error(`the server printed no embedded store address:\n${server.output()}`);
  const credential = JSON.parse(await readFile(join(server.dataDir, 'store-credential.json'), 'utf8')) as StoreCredential;
  const mac = await loadOrCreateStoreMac(join(server.dataDir, 'store-mac.key'));
  return connectStore(urlWithCredential(address, credential), 'embedded', 'sealctl_', mac);
}

describe('headquarters: anomalies become cases, reviewed by an auditor', () => {
  it('scans, lists the planted cases, acknowledges and resolves one with a required note; the PDF report downloads', async () => {
    const server = suite.server();
    const { admin, adminUser, siteId } = await organisationWithSite(suite.browser(), server, { admin: 'Wang Admin', site: '成都一号项目部 Chengdu Site 1' }, SITE);
    const auditor = await newPerson(suite.browser(), 'en');
    await invite(admin, auditor, server.url, adminUser.unitId, ['auditor'], 'Sun Auditor');
    const generated = await generateHistory({ seed: 7, branches: 1, sitesPerBranch: 1, devicesPerSite: 3, weeks: 2, siteUnits: [siteId], plants: ['tamper', 'over_use'] });
    await storeHistory({ store: await storeOf(server) }, generated.history, generated.photoBytes);
    const planted = [...new Set(generated.planted.map((p) => p.kind))].sort();
    expect(planted).toEqual(['over_use', 'tamper']);

    const { page } = auditor;
    await page.goto(`${server.url}/hq/cases`);
    await page.getByRole('link', { name: 'Cases' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('cases-total').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="cases-list"] li').count()).toBe(0);
    await page.getByRole('button', { name: 'Scan for anomalies' }).click();
    await expect.poll(() => page.getByTestId('scan-status').textContent(), { timeout: 60_000 }).toMatch(/^Scan finished: \d+ new case\(s\) opened\.$/);
    const opened = Number(/(\d+) new/.exec((await page.getByTestId('scan-status').textContent())!)![1]);
    expect(opened).toBeGreaterThanOrEqual(planted.length);
    const listedKinds = await page.locator('[data-testid="cases-list"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(listedKinds).toHaveLength(opened);
    for (const kind of planted) expect(listedKinds).toContain(kind);

    // The kind filter lives in the address.
    await page.locator('#cases-kind').selectOption('tamper');
    await expect.poll(() => new URL(page.url()).searchParams.get('kind')).toBe('tamper');
    await expect.poll(() => page.locator('[data-testid="cases-list"] li').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['tamper']);
    const row = page.locator('[data-testid="cases-list"] li').first();
    expect(await row.textContent()).toContain('Casing opened');
    expect(await row.getByTestId('case-status').textContent()).toBe('Open');
    await row.getByRole('link', { name: 'Casing opened' }).click();

    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Open');
    const stampLinks = await page.getByTestId('case-evidence-link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    for (const href of stampLinks) expect(href).toMatch(/^\/hq\/stamps\/[^/]+%3A\d+$|^\/hq\/stamps\/[^/]+:\d+$/);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Acknowledged');
    expect(await page.getByTestId('case-history').textContent()).toContain('acknowledged by Sun Auditor');

    // An empty note (or only spaces) is refused: the button is disabled and says why.
    const resolve = page.getByRole('button', { name: 'Resolve' });
    await page.locator('#case-note').fill('   ');
    expect(await resolve.isDisabled()).toBe(true);
    expect(await page.getByTestId('note-needed').textContent()).toBe('Write a note first: a case is never resolved without one.');
    const note = '现场核查：外壳为更换电池时打开，已补登记。Casing opened to change the battery.';
    await page.locator('#case-note').fill(note);
    expect(await resolve.isDisabled()).toBe(false);
    await resolve.click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Resolved');
    expect(await page.getByTestId('case-resolution').textContent()).toContain(note);
    expect(await page.getByTestId('case-resolution').textContent()).toContain('resolved by Sun Auditor');
    // After a reload too: it is the server's record, not the page's memory.
    await page.reload();
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 30_000 }).toBe('Resolved');
    expect(await page.getByTestId('case-resolution').textContent()).toContain(note);

    await page.goto(`${server.url}/hq/dashboard`);
    const link = page.getByTestId('report-pdf');
    await link.waitFor({ timeout: 60_000 });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/api\/hq\/report\.pdf\?unit=[^&]+&from=\d+&to=\d+$/);
    const answer = await page.evaluate(async (path) => {
      const response = await fetch(path, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, type: response.headers.get('content-type'), head: String.fromCharCode(...bytes.slice(0, 5)) };
    }, href);
    expect([answer.status, answer.type?.split(';')[0], answer.head]).toEqual([200, 'application/pdf', '%PDF-']);
  }, 240_000);
});
