/**
 * Issue 14: an electronic seal is applied on a tablet with the network cut. Chromium runs the
 * shared signing code (bundled as the app would ship it): the key is made in the page,
 * non-extractable; the certificate is issued while online; then, offline, the page signs a real
 * PDF, and pdfsig, trusting the organisation CA, finds the signature valid.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { fromPem, issueSigningCertificate, newSerialNumber, readSigningRequest, toPem } from '@seal/shared';
import { makeTestPki } from '@seal/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, REPO_ROOT } from './harness';

const run = promisify(execFile);
const ORIGIN = 'http://localhost:5999';
let browser: Browser;
let script: string;
let dir: string;

beforeAll(async () => {
  const output = await build({
    configFile: false, root: REPO_ROOT, logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: join(REPO_ROOT, 'tests/e2e/offlineSigningPage.ts'), formats: ['iife'], name: 'Tablet', fileName: 'tablet' } },
  });
  const chunks = (Array.isArray(output) ? output[0]! : output) as { output: { type: string; code?: string }[] };
  script = chunks.output.find((o) => o.type === 'chunk')!.code!;
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'offline-signing-'));
});
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('offline signing on a tablet (Chromium)', () => {
  it('signs a real PDF with the network cut; pdfsig reports it valid and trusted', async () => {
    const pki = await makeTestPki();
    const context = await browser.newContext();
    const page = await context.newPage();
    // The "app": one page on a secure (localhost) origin, served without a server.
    await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><title>tablet</title><script>${script.replace(/<\/script/gi, '<\\/script')}</script>` }));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${ORIGIN}/tablet`);
    expect(errors).toEqual([]);

    const request = await page.evaluate(() => (window as unknown as { Tablet: { makeRequest(): Promise<{ csr: string; extractable: boolean }> } }).Tablet.makeRequest());
    expect(request.extractable).toBe(false);
    // Online step: the organisation CA certifies the tablet's key (here in the test, as the server route does).
    const certificate = await issueSigningCertificate({ certificate: pki.caCertificate, privateKey: pki.caKeys.privateKey }, await readSigningRequest(fromPem('CERTIFICATE REQUEST', request.csr)[0]!), {
      serialNumber: newSerialNumber(), subject: { commonName: '合同专用章', organization: 'Test Org', serialNumber: 'eseal-1' },
      notBefore: new Date(Date.now() - 300_000), notAfter: new Date(Date.now() + 3 * 86_400_000),
    });
    const pdf = (await readFile(new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url))).toString('base64');

    await context.setOffline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const signedBase64 = await page.evaluate(
      ([p, c, ch]) => (window as unknown as { Tablet: { signOffline(a: string, b: string, c: string): Promise<string> } }).Tablet.signOffline(p, c, ch),
      [pdf, toPem('CERTIFICATE', certificate), toPem('CERTIFICATE', pki.caCertificate)] as const,
    );
    await context.close();

    const nss = join(dir, 'nss');
    await run('mkdir', ['-p', nss]);
    await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await writeFile(join(dir, 'ca.pem'), toPem('CERTIFICATE', pki.caCertificate));
    await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'org CA', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')]);
    await writeFile(join(dir, 'signed.pdf'), Buffer.from(signedBase64, 'base64'));
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, join(dir, 'signed.pdf')]);
    expect(stdout).toContain('Signature Field Name: seal:eseal-1');
    expect(stdout).toContain('Signature Validation: Signature is Valid.');
    expect(stdout).toContain('Certificate Validation: Certificate is Trusted.');
  });
});
