/**
 * An electronic impression on a real-world PDF (Debian's fontconfig manual), judged by poppler:
 * `pdftoppm` renders the pages and the test reads the pixels — red seal ink where the seal was
 * placed and nowhere else, the seam seal's slices at the right edges, and on every stamped page
 * a QR that jsQR decodes to the verification address. The original bytes stay the file's first
 * revision, and the stamped file still signs (pdfsig).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from '@cantoo/pdf-lib';
import { drawImpression, sealAppearance, signPdf, toPem, verificationUrl } from '@seal/shared';
import { makeTestPki } from '@seal/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfsigReports, qrOf, redIn, renderPage, type Pixels } from '../pdfChecks';

const run = promisify(execFile);
const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
const FONT = new URL('../../node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf', import.meta.url);
const DPI = 150;
const PX_PER_MM = DPI / 25.4;
const CODE = 'K7Q2-9XWM';
const URL_TEXT = 'https://seal.example.com/verify?code=K7Q2-9XWM';
/** The seal on page 1, centre in mm from the top left; the seam across pages 1–3 at 140 mm from the top. */
const PLACED = { page: 0, x: 150, y: 200 };
const SEAM = { pages: [0, 1, 2], y: 140 };
/** A contract seal is 40 mm wide: each of the 3 slices is 13.3 mm. */
const SLICE_MM = 40 / 3;

let dir: string;
let source: Uint8Array;
let stamped: Uint8Array;
const pages = new Map<number, Pixels>();
let blankStamped: Pixels;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'impression-'));
  source = new Uint8Array(await readFile(FIXTURE));
  const appearance = sealAppearance({ kind: 'contract', name: '华东分公司合同专用章', antiCounterfeitCode: '3301021234567' }, '华东分公司');
  const layout = {
    appearance,
    font: async () => new Uint8Array(await readFile(FONT)),
    placements: [PLACED],
    seam: SEAM,
    verification: { url: verificationUrl('https://seal.example.com/', CODE), code: CODE },
  };
  stamped = await drawImpression(source, layout);
  for (const n of [1, 2, 3, 4]) pages.set(n, await renderPage(stamped, n, DPI));
  const blank = await PDFDocument.create();
  blank.addPage([595.28, 841.89]);
  blankStamped = await renderPage(await drawImpression(await blank.save(), { ...layout, placements: [{ page: 0, x: 100, y: 100 }], seam: undefined }), 1, DPI);
});
afterAll(async () => {
  if (dir && process.env['SEAL_KEEP'] === undefined) await rm(dir, { recursive: true, force: true });
  else if (dir) console.log(`renderings kept in ${dir}`);
});

describe('drawImpression on a real PDF, rendered by poppler', () => {
  it('keeps the original bytes as the first revision, and only appends', () => {
    expect(stamped.length).toBeGreaterThan(source.length);
    expect(Buffer.from(stamped.subarray(0, source.length)).equals(Buffer.from(source))).toBe(true);
    expect(new TextDecoder('latin1').decode(stamped.subarray(source.length))).toMatch(/\/Prev \d+[\s\S]*%%EOF\s*$/);
  });

  it('inks the seal where it was placed, and no red elsewhere on the page than the seal and the seam slice', async () => {
    const page = pages.get(1)!;
    const seal = { x: PLACED.x - 20, y: PLACED.y - 20, width: 40, height: 40 };
    expect(redIn(page, seal)).toBeGreaterThan(2000);
    // The rim: red at the seal's top, bottom, left and right edge (within 2 mm of 20 mm from the centre).
    for (const [dx, dy] of [[0, -19], [0, 19], [-19, 0], [19, 0]] as const) expect(redIn(page, { x: PLACED.x + dx - 1.5, y: PLACED.y + dy - 1.5, width: 3, height: 3 }), `rim at ${dx},${dy}`).toBeGreaterThan(0);
    const all = redIn(page, { x: 0, y: 0, width: 1000, height: 1000 });
    const slice = redIn(page, { x: page.width / PX_PER_MM - SLICE_MM - 0.5, y: SEAM.y - 21, width: 100, height: 42 });
    expect(all - redIn(page, seal) - slice).toBe(0);
    // The document itself has no red at all there.
    expect(redIn(await renderPage(source, 1, DPI), seal)).toBe(0);
  });

  it('shows one slice of the seam seal at the right edge of each of the three pages, none further in', () => {
    const counts: number[] = [];
    for (const n of [1, 2, 3]) {
      const page = pages.get(n)!;
      const edge = page.width / PX_PER_MM;
      const strip = redIn(page, { x: edge - SLICE_MM, y: SEAM.y - 21, width: SLICE_MM, height: 42 });
      expect(strip, `page ${n}`).toBeGreaterThan(300);
      expect(redIn(page, { x: edge - SLICE_MM - 4, y: SEAM.y - 21, width: 3.5, height: 42 }), `page ${n}, left of its slice`).toBe(0);
      counts.push(strip);
    }
    // The three slices together hold about as much ink as the whole seal on a blank page (on page 1
    // the text under it darkens some of its ink).
    const whole = redIn(blankStamped, { x: 100 - 20, y: 100 - 20, width: 40, height: 40 });
    const joined = counts.reduce((a, b) => a + b, 0);
    expect(joined / whole).toBeGreaterThan(0.9);
    expect(joined / whole).toBeLessThan(1.1);
  });

  it('carries on every stamped page a QR that decodes to the verification address, and none on the others', () => {
    for (const n of [1, 2, 3]) expect(qrOf(pages.get(n)!), `page ${n}`).toBe(URL_TEXT);
    expect(qrOf(pages.get(4)!)).toBeUndefined();
    expect(redIn(pages.get(4)!, { x: 0, y: 0, width: 1000, height: 1000 })).toBe(0);
  });

  it('prints the short code beside the QR (pdftotext)', async () => {
    const file = join(dir, 'stamped.pdf');
    await writeFile(file, stamped);
    const { stdout } = await run('pdftotext', ['-f', '2', '-l', '2', file, '-']);
    expect(stdout).toContain(CODE);
    expect(stdout).toContain('seal.example.com/verify');
  });

  it('still signs as an incremental update: pdfsig finds the signature over the stamped file intact', async () => {
    const pki = await makeTestPki();
    const signer = await pki.signer({ commonName: '合同专用章', serialNumber: 'seal1' });
    const signed = await signPdf(stamped, signer, { name: 'seal:seal1:imp1', signedAt: new Date() });
    const reports = await pdfsigReports(signed, toPem('CERTIFICATE', pki.caCertificate));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('Signature Validation: Signature is Valid.');
    expect(reports[0]).toContain('Total document signed');
  });
});
