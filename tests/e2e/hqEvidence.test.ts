/**
 * Headquarters' evidence in real Chromium against the real server: a stamp made through the
 * screens (hqEvidenceWorld.ts); the auditor opens it and sees each piece verified, exports its
 * bundle (the download arrives and parses), then, offline, has /hq/verify accept the bundle and
 * reject a copy with one photo byte changed, naming the photo check. Screenshots in both
 * languages at 1280×800 and 390×844 go to screenshots/ for a human look.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness';
import { unexpectedErrors } from './people';
import { stampedWorld, type StampWorld } from './hqEvidenceWorld';
import { serverAndBrowser } from './suite';

const suite = serverAndBrowser();
const SHOTS = join(REPO_ROOT, 'screenshots');
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Each language at each size: `step` opens the screen, then the page is saved. */
async function shoot(page: Page, name: string, step: () => Promise<void>): Promise<void> {
  for (const locale of ['zh-CN', 'en'] as const) {
    await page.evaluate((l) => localStorage.setItem('seal-control.locale', l), locale);
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await step();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SHOTS, `hq-${name}-${locale}-${size.name}.png`), fullPage: true, animations: 'disabled' });
    }
  }
  await page.evaluate(() => localStorage.setItem('seal-control.locale', 'en'));
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** One photo byte changed (the first byte after the PGM header's start), the rest as exported. */
function withOnePhotoByteChanged(bundle: { stamps: { photo: { bytes: string } | null }[] }): string {
  const copy = structuredClone(bundle);
  const photo = copy.stamps[0]!.photo!;
  const bytes = Buffer.from(photo.bytes, 'base64url');
  const at = bytes.length - 1;
  bytes[at] = bytes[at]! ^ 0x01;
  photo.bytes = bytes.toString('base64url');
  return JSON.stringify(copy);
}

describe('headquarters: one stamp, all its evidence, verified anywhere', () => {
  let world: StampWorld;
  let exported: string;

  it('the auditor opens a stamp and sees each piece of evidence verified', async () => {
    world = await stampedWorld(suite.browser(), suite.server());
    const { page } = world.auditor;
    await page.goto(`${suite.server().url}/hq/stamps/${world.deviceEventId}`);
    await expect
      .poll(async () => (await page.getByTestId('evidence-verdict').count()) > 0 ? await page.getByTestId('evidence-verdict').getAttribute('data-valid') : await page.locator('main').textContent(), { timeout: 30_000 })
      .toBe('true');
    for (const piece of ['photo', 'device', 'grant', 'request', 'approvals', 'place', 'clock', 'organisation']) {
      const verdict = await page.getByTestId(`evidence-${piece}`).getAttribute('data-verdict');
      expect([piece, verdict]).toEqual([piece, expect.stringMatching(/^(ok|warning)$/)]);
    }
    // Each named check is there and holds, said in words.
    for (const check of ['stamp.photo', 'log.chain', 'stamp.grant', 'records.request', 'decision.assertion', 'decision.revoked_since', 'stamp.place', 'stamp.clock', 'bundle.attestation']) {
      const row = page.locator(`[data-testid="evidence-check"][data-check="${check}"]`).first();
      expect([check, await row.getAttribute('data-verdict')]).toEqual([check, expect.stringMatching(/^(ok|warning)$/)]);
    }
    expect(await page.locator('[data-check="decision.assertion"] .check-sentence').first().textContent()).toBe("The approver's passkey signed these terms and this decision.");
    expect(await page.getByTestId('evidence-approval').first().textContent()).toContain('Li Approver');
    const photoWidth = await page.getByTestId('stamp-photo').evaluate((img: HTMLImageElement) => img.naturalWidth);
    expect(photoWidth).toBeGreaterThan(0);
    await shoot(page, 'stamp', async () => {
      await page.reload();
      await page.getByTestId('evidence-verdict').waitFor({ timeout: 30_000 });
    });
  });

  it('exports the bundle: the download arrives and parses', async () => {
    const { page } = world.auditor;
    await page.goto(`${suite.server().url}/hq/stamps/${world.deviceEventId}`);
    await page.getByTestId('export-bundle').waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-bundle').click()]);
    expect(download.suggestedFilename()).toBe(`evidence-stamp-${world.deviceEventId.replace(/[^A-Za-z0-9._-]/g, '-')}.json`);
    exported = await readFile((await download.path()), 'utf8');
    const bundle = JSON.parse(exported) as { format: string; kind: string; stamps: { seq: number }[] };
    expect([bundle.format, bundle.kind, bundle.stamps.length]).toEqual(['seal-control-evidence', 'stamp', 1]);
  });

  it('/hq/verify, offline, accepts the bundle and rejects one with a changed photo byte, naming the check', async () => {
    const { page, context } = world.auditor;
    await page.goto(`${suite.server().url}/hq/verify`);
    await page.getByTestId('org-key-thumbprint').waitFor({ timeout: 30_000 });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByTestId('org-key-thumbprint').waitFor({ timeout: 30_000 });

      await page.locator('#verify-file').setInputFiles({ name: 'evidence.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
      await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-valid'), { timeout: 30_000 }).toBe('true');
      expect(await page.locator('[data-testid="verify-result"] [data-check="stamp.photo"]').first().getAttribute('data-verdict')).toBe('ok');
      await shoot(page, 'verify-valid', async () => {
        await page.reload();
        await page.locator('#verify-file').setInputFiles({ name: 'evidence.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
        await page.getByTestId('verify-result').waitFor({ timeout: 30_000 });
      });

      const changed = withOnePhotoByteChanged(JSON.parse(exported) as never);
      await page.locator('#verify-file').setInputFiles({ name: 'evidence-changed.json', mimeType: 'application/json', buffer: Buffer.from(changed) });
      await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-valid'), { timeout: 30_000 }).toBe('false');
      expect(await page.locator('[data-testid="verify-result"] [data-check="stamp.photo"]').first().getAttribute('data-verdict')).toBe('failed');
      const failed = await page.locator('[data-testid="verify-result"] [data-testid="failed-checks"]').textContent();
      expect(failed).toContain('Photo');
      expect(failed).toContain("The organisation's signature over the whole bundle");
      await shoot(page, 'verify-changed', async () => {
        await page.reload();
        await page.locator('#verify-file').setInputFiles({ name: 'evidence-changed.json', mimeType: 'application/json', buffer: Buffer.from(changed) });
        await page.getByTestId('verify-result').waitFor({ timeout: 30_000 });
      });
    } finally {
      await context.setOffline(false);
    }
    for (const person of world.people) expect(unexpectedErrors(person.errors, { networkCut: true })).toEqual([]);
  });
});
