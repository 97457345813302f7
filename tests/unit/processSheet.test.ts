/**
 * A process sheet's round trip on paper, as far as pixels go: the sheet is printed (an A4 PDF),
 * "scanned" — the page placed turned by a few degrees on a bigger sheet with a red seal stamped
 * across its stamp box, rendered by poppler as a scanner would give it — and its code read back
 * from the pixels names the request it was printed for. An image with no sheet on it reads as no
 * code, and a QR that is not a sheet's is told apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { degrees, PDFDocument } from '@cantoo/pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  asId, drawProcessSheet, drawSealOnPage, embedSealFont, parseProcessSheetCode, readProcessSheet, requestIdSchema, sealAppearance, sheetSearchImages, SHEET_READ_PIXELS, SHEET_READ_SIDE,
  type RgbaPixels,
} from '@seal/shared';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const loadFont = (): Promise<Uint8Array> => Promise.resolve(readFileSync(join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf')));
const work = mkdtempSync(join(tmpdir(), 'process-sheet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const seal = sealAppearance({ kind: 'contract', name: '华东分公司合同专用章', antiCounterfeitCode: '3301021234567' }, '华东分公司');

async function sheet(requestId: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  drawProcessSheet(doc, {
    requestId: asId(requestIdSchema, requestId), title: '杭州项目部分包合同（第二版）', sealName: '华东分公司合同专用章', unitName: '杭州项目部',
    requester: '李四', uses: 2, approvals: ['王经理 批准 2026-12-03 10:20', '赵总 批准 2026-12-03 11:05'], printedAt: '2026-12-03 11:30', seal,
  }, await embedSealFont(doc, loadFont));
  return doc.save();
}

/** The sheet as a scan: turned by `turn` degrees on a larger page, stamped, rendered at `dpi` (100 unless said). */
async function scanOf(sheetPdf: Uint8Array, turn: number, name: string, dpi = 100): Promise<RgbaPixels> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([680, 920]);
  const [embedded] = await doc.embedPdf(sheetPdf);
  page.drawPage(embedded!, { x: 50, y: 30, rotate: degrees(turn) });
  // The paper stamped by hand in the stamp box, a little askew.
  drawSealOnPage(page, { ...seal, glyphs: seal.glyphs.map((g) => ({ ...g, rotate: g.rotate + 8 })) }, await embedSealFont(doc, loadFont), { x: 300, y: 200 });
  writeFileSync(join(work, `${name}.pdf`), await doc.save());
  execFileSync('pdftoppm', ['-r', String(dpi), '-singlefile', join(work, `${name}.pdf`), join(work, name)]);
  if (dpi === 100) execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', join(work, `${name}.pdf`), join(REPO_ROOT, 'screenshots', `sheet-${name}`)]);
  const bytes = readFileSync(join(work, `${name}.ppm`));
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const rgb = bytes.subarray(header[0].length);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return { data, width, height };
}

describe('a process sheet, printed, stamped and scanned', () => {
  it('reads back the code of the request it was printed for, turned a few degrees either way', async () => {
    execFileSync('mkdir', ['-p', join(REPO_ROOT, 'screenshots')]);
    const pdf = await sheet('req-hz-0042');
    for (const [turn, name] of [[3, 'turned-left'], [-4, 'turned-right']] as const) {
      const read = readProcessSheet(await scanOf(pdf, turn, name));
      expect(read).toEqual({ ok: true, value: 'req-hz-0042' });
    }
  });

  it('finds no code on a page without a sheet, and refuses a QR that is not a sheet\'s', () => {
    const blank = { data: new Uint8ClampedArray(200 * 200 * 4).fill(255), width: 200, height: 200 };
    expect(readProcessSheet(blank)).toMatchObject({ ok: false, error: { code: 'no_code_found' } });
    expect(parseProcessSheetCode('https://example.com/invoice/77')).toMatchObject({ ok: false, error: { code: 'not_a_sheet_code' } });
    expect(parseProcessSheetCode('SEALCTL:REQ:')).toMatchObject({ ok: false, error: { code: 'not_a_sheet_code' } });
  });

  it('searches a bounded image however large the scan: first at most SHEET_READ_PIXELS, then at most SHEET_READ_SIDE long', () => {
    const sizes = (width: number, height: number) => sheetSearchImages({ data: new Uint8ClampedArray(width * height * 4).fill(255), width, height }).map((i) => [i.width, i.height]);
    // The largest scan allowed (12 megapixels, random noise took 145 s searched whole).
    expect(sizes(4000, 3000)).toEqual([[1000, 750], [2000, 1500]]);
    // An A4 page at 300 dpi: its first search is the page at 100 dpi.
    expect(sizes(2480, 3508)).toEqual([[826, 1169], [1240, 1754]]);
    expect(sizes(1200, 900)).toEqual([[600, 450], [1200, 900]]);
    expect(sizes(800, 600)).toEqual([[800, 600]]);
    expect(sizes(12_000, 1000)).toEqual([[2000, 166]]);
    for (const [w, h] of [[4000, 3000], [2480, 3508], [3464, 3464], [1001, 1001], [12_000, 1000]] as const) {
      const [first, ...rest] = sizes(w, h);
      expect(first![0]! * first![1]!).toBeLessThanOrEqual(SHEET_READ_PIXELS);
      for (const [sw, sh] of [first!, ...rest]) expect(Math.max(sw!, sh!)).toBeLessThanOrEqual(SHEET_READ_SIDE);
      expect(rest.length).toBeLessThanOrEqual(1);
    }
  });

  it('reads a sheet scanned at 300 dpi, searched shrunk to 100 dpi', async () => {
    const pdf = await sheet('req-hz-0300');
    const scan = await scanOf(pdf, 2, 'at-300-dpi', 300);
    expect(scan.width * scan.height).toBeGreaterThan(8_000_000);
    expect(readProcessSheet(scan)).toEqual({ ok: true, value: 'req-hz-0300' });
  });
});
