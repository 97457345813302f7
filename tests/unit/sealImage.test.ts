/**
 * The seal drawn into a PDF shows its Chinese text: the font goes in as a real subset (pdffonts),
 * every character of the organisation's name, the seal's name and its code is in the file
 * (pdftotext) and in the font (its cmap), and the page rendered by poppler is the same picture as
 * the glyphs' outlines read from the whole font and drawn as plain paths — a broken subset (the
 * tofu that pdf-lib 1.17 with @pdf-lib/fontkit gives CJK OTF fonts) draws other pixels.
 * The renderings are saved as screenshots/seal-*.png for a human look.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlendMode, concatTransformationMatrix, PDFDocument, popGraphicsState, pushGraphicsState, rgb } from '@cantoo/pdf-lib';
import fontkit, { type Font } from '@cantoo/fontkit';
import { afterAll, describe, expect, it } from 'vitest';
import { drawSealOnPage, embedSealFont, sealAppearance, sealCharacters, type SealAppearance, type SealLook } from '@seal/shared';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FONT_PATH = join(REPO_ROOT, 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf');
const loadFont = (): Promise<Uint8Array> => Promise.resolve(readFileSync(FONT_PATH));
const work = mkdtempSync(join(tmpdir(), 'seal-image-'));
afterAll(() => { if (process.env['SEAL_KEEP'] === undefined) rmSync(work, { recursive: true, force: true }); });

interface Case {
  readonly file: string;
  readonly look: SealLook;
  readonly organisation: string;
  /** Every character the seal must show, written out independently of the layout code. */
  readonly text: string;
}

const CASES: readonly Case[] = [
  { file: 'official-short', look: { kind: 'official', name: '东方建设有限公司', antiCounterfeitCode: '3301021234567' }, organisation: '东方建设有限公司', text: '东方建设有限公司3301021234567' },
  { file: 'contract-branch', look: { kind: 'contract', name: '华东分公司合同专用章', antiCounterfeitCode: '3301024445556' }, organisation: '华东分公司', text: '华东分公司合同专用章3301024445556' },
  { file: 'finance-long', look: { kind: 'finance', name: '中国建筑第八工程局有限公司华东分公司财务专用章', antiCounterfeitCode: '3101150000123' }, organisation: '中国建筑第八工程局有限公司华东分公司', text: '中国建筑第八工程局有限公司华东分公司财务专用章3101150000123' },
  { file: 'invoice-oval', look: { kind: 'invoice', name: '杭州西湖区某某建设工程有限公司发票专用章', antiCounterfeitCode: '3301060009876' }, organisation: '杭州西湖区某某建设工程有限公司', text: '杭州西湖区某某建设工程有限公司发票专用章3301060009876' },
  { file: 'legal-rep', look: { kind: 'legal_rep', name: '张三' }, organisation: '东方建设有限公司', text: '张三之印' },
  { file: 'personal-three', look: { kind: 'personal', name: '欧阳明' }, organisation: '东方建设有限公司', text: '欧阳明印' },
];

const PAGE = 340;
const SCALE = 6;

/** A one-page PDF with the seal at its centre, its text in the embedded subset font. */
async function sealPdf(appearance: SealAppearance): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE, PAGE]);
  drawSealOnPage(page, appearance, await embedSealFont(doc, loadFont), { x: PAGE / 2, y: PAGE / 2, scale: SCALE });
  return doc.save();
}

/**
 * The reference picture: the same seal with no font at all, each character drawn as the outline
 * fontkit reads from the whole font file, placed where the model says (centre, turn, squeeze),
 * centred on the ideographic em box's middle (0.38 em above the baseline).
 */
async function outlinePdf(appearance: SealAppearance, font: Font): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([PAGE, PAGE]);
  drawSealOnPage(page, { ...appearance, glyphs: [] }, await embedSealFont(doc, loadFont), { x: PAGE / 2, y: PAGE / 2, scale: SCALE });
  const color = rgb(0xd7 / 255, 0x11 / 255, 0x1b / 255);
  for (const g of appearance.glyphs) {
    const glyph = font.glyphForCodePoint(g.char.codePointAt(0)!)!;
    const size = g.size * SCALE;
    const em = size / font.unitsPerEm;
    const angle = (-g.rotate * Math.PI) / 180;
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(cos * g.scaleX, sin * g.scaleX, -sin, cos, PAGE / 2 + g.x * SCALE, PAGE / 2 - g.y * SCALE));
    // drawSvgPath reads y downwards: the outline (y upwards) is flipped to match.
    page.drawSvgPath(glyph.path.scale(1, -1).toSVG(), { x: (-glyph.advanceWidth * em) / 2, y: -0.38 * size, scale: em, color, borderWidth: 0, opacity: 0.92, blendMode: BlendMode.Multiply });
    page.pushOperators(popGraphicsState());
  }
  return doc.save();
}

const run = (command: string, args: string[]): string => execFileSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** A binary PPM (P6) as width, height and RGB bytes: what `pdftoppm` writes without -png. */
function readPpm(path: string): { width: number; height: number; rgb: Buffer } {
  const bytes = readFileSync(path);
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (header === null) throw new Error(`expected a binary PPM at ${path}`);
  return { width: Number(header[1]), height: Number(header[2]), rgb: bytes.subarray(header[0].length) };
}

/**
 * Pixels inked in one picture with no ink within a pixel of them in the other: poppler snaps a
 * glyph's origin to the pixel grid, paths it does not, so edges may move by one pixel.
 */
function unmatched(a: readonly boolean[], b: readonly boolean[], width: number): number {
  const near = (bitmap: readonly boolean[], i: number): boolean => {
    const [x, y] = [i % width, Math.floor(i / width)];
    for (let dy = -1; dy <= 1; dy += 1) for (let dx = -1; dx <= 1; dx += 1) if (bitmap[(y + dy) * width + x + dx] === true && x + dx >= 0 && x + dx < width) return true;
    return false;
  };
  let count = 0;
  for (let i = 0; i < a.length; i += 1) if ((a[i] === true && !near(b, i)) || (b[i] === true && !near(a, i))) count += 1;
  return count;
}

/** Pixels where ink is (red, not paper), as a bitmap. */
function inked(ppm: { rgb: Buffer }): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < ppm.rgb.length; i += 3) out.push(ppm.rgb[i]! - ppm.rgb[i + 1]! > 80);
  return out;
}

function render(pdf: Uint8Array, name: string): { width: number; height: number; rgb: Buffer } {
  const path = join(work, `${name}.pdf`);
  writeFileSync(path, pdf);
  run('pdftoppm', ['-r', '150', '-singlefile', path, join(work, name)]);
  return readPpm(join(work, `${name}.ppm`));
}

describe('a seal drawn into a PDF', () => {
  const opened = fontkit.create(readFileSync(FONT_PATH));
  if (!('glyphForCodePoint' in opened)) throw new Error(`expected one font at ${FONT_PATH}, got a collection`);
  const wholeFont: Font = opened;

  it.each(CASES)('$file: the font holds every character the seal shows', ({ look, organisation, text }) => {
    const appearance = sealAppearance(look, organisation);
    const drawn = sealCharacters(appearance);
    expect(new Set(drawn)).toEqual(new Set(text));
    for (const char of drawn) expect(wholeFont.hasGlyphForCodePoint(char.codePointAt(0)!), `glyph for ${char}`).toBe(true);
  });

  it.each(CASES)('$file: embeds a subset of Noto Sans SC and carries every character as text', async ({ look, organisation, text }) => {
    const path = join(work, `text-${look.kind}.pdf`);
    writeFileSync(path, await sealPdf(sealAppearance(look, organisation)));
    const fonts = run('pdffonts', [path]).trim().split('\n').slice(2);
    expect(fonts).toHaveLength(1);
    // name, type (several words), encoding, emb, sub, uni, object, generation
    const fields = fonts[0]!.trim().split(/\s+/);
    const [name] = fields;
    const [emb, sub, uni] = fields.slice(-5, -2);
    expect(name).toMatch(/^[A-Z]{6}\+NotoSansSC-Bold$/);
    expect([emb, sub, uni]).toEqual(['yes', 'yes', 'yes']);
    // A seal's characters are laid one by one around the rim: pdftotext returns them in no
    // particular order, but every one of them.
    const extracted = run('pdftotext', [path, '-']);
    for (const char of new Set(text)) expect(extracted, `character ${char}`).toContain(char);
    // The subset is small: the whole font is 8 MB.
    expect(readFileSync(path).length).toBeLessThan(120_000);
  });

  it.each(CASES)("$file: the embedded subset draws the same picture as the whole font's outlines", async ({ file, look, organisation }) => {
    const appearance = sealAppearance(look, organisation);
    const subset = render(await sealPdf(appearance), `${file}-subset`);
    const whole = render(await outlinePdf(appearance, wholeFont), `${file}-outlines`);
    const a = inked(subset);
    const b = inked(whole);
    const ink = a.filter(Boolean).length;
    const differing = unmatched(a, b, subset.width);
    // The glyphs are a good part of the ink: an empty or boxed glyph would change thousands of pixels.
    expect(ink).toBeGreaterThan(20_000);
    expect(differing).toBeLessThan(ink * 0.002);
    mkdirSync(join(REPO_ROOT, 'screenshots'), { recursive: true });
    run('pdftoppm', ['-png', '-r', '150', '-singlefile', join(work, `${file}-subset.pdf`), join(REPO_ROOT, 'screenshots', `seal-${file}`)]);
  });

  it('the picture comparison notices one wrong character', async () => {
    const { look, organisation } = CASES[1]!;
    const appearance = sealAppearance(look, organisation);
    // 华 drawn where the model says 东: what a subset that mixes up its glyphs would show.
    const mixedUp = { ...appearance, glyphs: appearance.glyphs.map((g) => (g.char === '东' ? { ...g, char: '华' } : g)) };
    const a = inked(render(await sealPdf(appearance), 'mixed-subset'));
    const rendered = render(await outlinePdf(mixedUp, wholeFont), 'mixed-outlines');
    expect(unmatched(a, inked(rendered), rendered.width)).toBeGreaterThan(a.filter(Boolean).length * 0.01);
  });

  it('draws several seals of different kinds into one document with one subset font', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    const font = await embedSealFont(doc, loadFont);
    CASES.forEach(({ look, organisation }, i) => {
      drawSealOnPage(page, sealAppearance(look, organisation), font, { x: 160 + (i % 2) * 270, y: 700 - Math.floor(i / 2) * 250 });
    });
    const path = join(work, 'sheet.pdf');
    writeFileSync(path, await doc.save());
    expect(run('pdffonts', [path]).trim().split('\n')).toHaveLength(3);
    const extracted = run('pdftotext', [path, '-']);
    for (const char of new Set(CASES.map((c) => c.text).join(''))) expect(extracted).toContain(char);
    run('pdftoppm', ['-png', '-r', '150', '-singlefile', path, join(REPO_ROOT, 'screenshots', 'seal-sheet')]);
  });
});
