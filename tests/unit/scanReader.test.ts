/**
 * The scan reader reads a process sheet's QR on a thread of its own, each scan within its time:
 * a scan of random noise (full of finder-pattern look-alikes, seconds of jsQR's search) is cut
 * off — its thread ended, the answer `too_complex` — and the next honest scan, a sheet scanned at
 * 300 dpi (8.7 megapixels), still reads, on a new thread. Scans beyond those allowed to wait are
 * refused (`busy`). Work is asserted (the cut-offs counted), not time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { asId, drawProcessSheet, embedSealFont, requestIdSchema } from '@seal/shared';
import { scanReader } from '../../sync-server/src/sync/scanReader';
import { noisePng } from '../noisePng';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const loadFont = (): Promise<Uint8Array> => Promise.resolve(readFileSync(join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf')));
const work = mkdtempSync(join(tmpdir(), 'scan-reader-'));
/** Readers with short times (noise of the largest size takes over 5 s): the cut-off does not depend on the machine's speed. */
const reader = scanReader({ readMs: 1500 });
const patient = scanReader();
const hurried = scanReader({ readMs: 200, maxWaiting: 2 });
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await reader.close();
  await hurried.close();
  await patient.close();
});

/** A process sheet printed and scanned at `dpi` (grey PNG, as a flatbed scanner gives it). */
async function sheetScanPng(requestId: string, dpi: number, dir: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  drawProcessSheet(doc, {
    requestId: asId(requestIdSchema, requestId), title: '分包合同', sealName: '合同专用章', unitName: '项目部', requester: '李四', uses: 1, approvals: ['王经理 批准'], printedAt: '2026-12-07',
  }, await embedSealFont(doc, loadFont));
  writeFileSync(join(dir, 'sheet.pdf'), await doc.save());
  execFileSync('pdftoppm', ['-png', '-gray', '-r', String(dpi), '-singlefile', join(dir, 'sheet.pdf'), join(dir, 'sheet')]);
  return readFileSync(join(dir, 'sheet.png'));
}

describe('the scan reader', { timeout: 120_000 }, () => {
  it('reads an honest scan at 300 dpi (8.7 megapixels) in its time', async () => {
    expect(await patient.read(await sheetScanPng('req-scan-300', 300, work))).toMatchObject({ ok: true, requestId: 'req-scan-300' });
  });

  it('cuts off a noise scan of the largest size, and reads an honest scan after it on a new thread', async () => {
    const honest = await sheetScanPng('req-scan-100', 100, work);
    expect(await reader.read(honest)).toMatchObject({ ok: true, requestId: 'req-scan-100' });
    expect(await reader.read(noisePng(4000, 3000))).toMatchObject({ ok: false, code: 'too_complex' });
    expect(reader.cutOff()).toBe(1);
    expect(await reader.read(honest)).toMatchObject({ ok: true, requestId: 'req-scan-100' });
    expect(await reader.read(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, code: 'not_an_image' });
    expect(reader.cutOff()).toBe(1);
  });

  it('refuses scans beyond those it holds', async () => {
    const noise = noisePng(3000, 2000);
    const answers = await Promise.all([hurried.read(noise), hurried.read(noise), hurried.read(noise)]);
    expect(answers.map((a) => (a.ok ? 'read' : a.code))).toEqual(['too_complex', 'too_complex', 'busy']);
    expect(hurried.cutOff()).toBe(2);
  });
});
