/**
 * The anti-counterfeit print of a stamped (signed) real-world PDF, judged by poppler: `pdftotext`
 * finds the verification code and the organisation on every page, `pdftoppm` renders each page,
 * and the QR read back from the rendered pixels (jsQR) leads to the verification page. The signed
 * original is left byte for byte as it was, and still verifies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPdfSignatures, makePrintCopy, signPdf } from '@seal/shared';
import { makeTestPki } from '@seal/shared/testing';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(REPO_ROOT, 'tests/fixtures/documents/fontconfig-user.pdf');
const loadFont = (): Promise<Uint8Array> => Promise.resolve(readFileSync(join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf')));
const label = { code: 'K7Q2-9XWM', organisation: '东方建设集团有限公司', verifyUrl: 'https://seal.example/verify?code=K7Q2-9XWM', printedAt: '2026-12-03' };
const work = mkdtempSync(join(tmpdir(), 'print-copy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
let signed: Uint8Array;
let caCertificate: Uint8Array;
let print: Uint8Array;

beforeAll(async () => {
  const pki = await makeTestPki();
  caCertificate = pki.caCertificate;
  const signer = await pki.signer({ commonName: '合同专用章', serialNumber: 'seal1' });
  signed = await signPdf(readFileSync(FIXTURE), signer, { name: 'seal:seal1', signedAt: new Date(), reason: 'Electronic seal', rect: [420, 80, 530, 190] });
  const before = sha(signed);
  print = await makePrintCopy(signed, label, loadFont);
  expect(sha(signed)).toBe(before);
  writeFileSync(join(work, 'print.pdf'), print);
});

/** RGBA pixels of one page rendered by pdftoppm at `dpi`. */
function rendered(page: number, dpi: number): { data: Uint8ClampedArray; width: number; height: number } {
  const base = join(work, `page-${page}`);
  execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', join(work, 'print.pdf'), base]);
  const bytes = readFileSync(`${base}.ppm`);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const rgb = bytes.subarray(header[0].length);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return { data, width, height };
}

describe('the anti-counterfeit print of a stamped PDF', () => {
  it('has every page of the original, each naming the code and the organisation (pdftotext)', () => {
    const info = execFileSync('pdfinfo', [join(work, 'print.pdf')], { encoding: 'utf8' });
    const original = execFileSync('pdfinfo', [FIXTURE], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(original)![1]);
    expect(pages).toBeGreaterThan(1);
    expect(info).toMatch(new RegExp(`Pages:\\s+${pages}\\n`));
    for (let page = 1; page <= pages; page += 1) {
      const text = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), join(work, 'print.pdf'), '-'], { encoding: 'utf8' });
      expect(text, `page ${page}`).toContain('K7Q2-9XWM');
      expect(text, `page ${page}`).toContain('东方建设集团有限公司');
      expect(text, `page ${page}`).toContain(`${page}/${pages}`);
    }
    // The original's own words are still there (its page drawn, not replaced).
    expect(execFileSync('pdftotext', ['-f', '1', '-l', '1', join(work, 'print.pdf'), '-'], { encoding: 'utf8' })).toMatch(/fontconfig/i);
  });

  it('renders (pdftoppm), and the QR on the page leads to the verification page', () => {
    mkdirSync(join(REPO_ROOT, 'screenshots'), { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(work, 'print.pdf'), join(REPO_ROOT, 'screenshots', 'print-copy-page1')]);
    for (const page of [1, 2]) {
      const image = rendered(page, 150);
      const found = jsQR(image.data, image.width, image.height);
      expect(found?.data, `page ${page}`).toBe(label.verifyUrl);
    }
  });

  it('leaves the signed original intact: its signature still verifies, and the print carries none', async () => {
    const [signature, ...more] = await checkPdfSignatures(signed, [caCertificate]);
    expect(more).toEqual([]);
    expect(signature).toMatchObject({ intact: true, chained: true, coversWholeDocument: true });
    const report = spawnSync('pdfsig', [join(work, 'print.pdf')], { encoding: 'utf8' });
    expect(`${report.stdout}${report.stderr}`).toMatch(/does not contain any signatures/);
  });
});
