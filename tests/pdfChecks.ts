/**
 * What tests ask of a PDF with poppler, as any outside reader would: `pdfsig` trusting one CA
 * (a throwaway NSS database), and `pdftoppm` pages read as pixels (red seal ink, a QR decoded by
 * jsQR).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jsQR from 'jsqr';

const run = promisify(execFile);

/** `pdfsig`'s report on each signature of `pdf` (in order), trusting only the CA `caPem`. */
export async function pdfsigReports(pdf: Uint8Array, caPem: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pdfsig-'));
  try {
    const nss = join(dir, 'nss');
    await mkdir(nss);
    await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await writeFile(join(dir, 'ca.pem'), caPem);
    await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'Org CA', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')]);
    await writeFile(join(dir, 'checked.pdf'), pdf);
    // pdfsig exits non-zero when a signature is not valid: its report is what is asked for.
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, join(dir, 'checked.pdf')]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return stdout.split(/^Signature #\d+:$/m).slice(1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Pixels { readonly width: number; readonly height: number; readonly dpi: number; readonly rgb: Uint8Array }

/** Page `n` (1-based) rendered by pdftoppm at `dpi` as raw PPM (P6), parsed. */
export async function renderPage(pdf: Uint8Array, n: number, dpi = 150): Promise<Pixels> {
  const dir = await mkdtemp(join(tmpdir(), 'pdftoppm-'));
  try {
    await writeFile(join(dir, 'page.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), '-f', String(n), '-l', String(n), '-singlefile', join(dir, 'page.pdf'), join(dir, 'page')]);
    const ppm = new Uint8Array(await readFile(join(dir, 'page.ppm')));
    const header = new TextDecoder('latin1').decode(ppm.subarray(0, 40)).match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
    if (header === null) throw new Error('pdftoppm wrote no P6 PPM');
    return { width: Number(header[1]), height: Number(header[2]), dpi, rgb: ppm.slice(header[0].length) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isRed = (p: Pixels, x: number, y: number): boolean => {
  const i = (y * p.width + x) * 3;
  return p.rgb[i]! > 170 && p.rgb[i + 1]! < 110 && p.rgb[i + 2]! < 110;
};

/** Red (seal ink) pixels in a rectangle given in mm from the page's top left. */
export function redIn(p: Pixels, mm: { x: number; y: number; width: number; height: number }): number {
  const perMm = p.dpi / 25.4;
  let count = 0;
  const x0 = Math.max(0, Math.round(mm.x * perMm));
  const y0 = Math.max(0, Math.round(mm.y * perMm));
  const x1 = Math.min(p.width, Math.round((mm.x + mm.width) * perMm));
  const y1 = Math.min(p.height, Math.round((mm.y + mm.height) * perMm));
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (isRed(p, x, y)) count++;
  return count;
}

/** The text of the QR code jsQR finds on the page, if any. */
export function qrOf(p: Pixels): string | undefined {
  const rgba = new Uint8ClampedArray(p.width * p.height * 4);
  for (let i = 0, j = 0; i < p.rgb.length; i += 3, j += 4) {
    rgba[j] = p.rgb[i]!;
    rgba[j + 1] = p.rgb[i + 1]!;
    rgba[j + 2] = p.rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  return jsQR(rgba, p.width, p.height)?.data;
}
