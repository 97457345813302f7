/**
 * The seal's SVG, as the app shows it (components/SealImage puts this very markup in the page),
 * drawn by real Chromium with the system's CJK font: every character is laid out with a glyph of
 * its own size (none is missing or collapsed), the arc's characters sit on the ring and the label
 * under the star, and a screenshot (screenshots/seal-svg.png) is kept for a human look.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSealSvg, sealAppearance, type SealLook } from '@seal/shared';
import { launchBrowser, REPO_ROOT } from './harness';

const SEALS: readonly (readonly [SealLook, string])[] = [
  [{ kind: 'official', name: '东方建设有限公司', antiCounterfeitCode: '3301021234567' }, '东方建设有限公司'],
  [{ kind: 'contract', name: '华东分公司合同专用章', antiCounterfeitCode: '3301024445556' }, '华东分公司'],
  [{ kind: 'finance', name: '中国建筑第八工程局有限公司华东分公司财务专用章' }, '中国建筑第八工程局有限公司华东分公司'],
  [{ kind: 'invoice', name: '杭州西湖区某某建设工程有限公司发票专用章', antiCounterfeitCode: '3301060009876' }, '杭州西湖区某某建设工程有限公司'],
  [{ kind: 'legal_rep', name: '张三' }, ''],
  [{ kind: 'personal', name: '欧阳明' }, ''],
];

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the seal drawn as SVG in Chromium', () => {
  it('shows every character of each seal, each with a glyph of its own', async () => {
    const page = await browser!.newPage({ viewport: { width: 960, height: 660 } });
    try {
      const figures = SEALS.map(([look, org]) => `<figure style="margin:8px;width:300px">${renderSealSvg(sealAppearance(look, org), { width: '300' })}</figure>`);
      await page.setContent(`<!doctype html><html lang="zh-CN"><body style="margin:0;display:flex;flex-wrap:wrap;background:#fff">${figures.join('')}</body></html>`);
      await page.evaluate(() => document.fonts.ready);
      const seals = await page.$$eval('svg', (svgs) =>
        svgs.map((svg) => ({
          title: svg.querySelector('title')?.textContent ?? '',
          texts: [...svg.querySelectorAll('text')].map((t) => {
            const box = t.getBBox();
            return { char: t.textContent ?? '', width: box.width, height: box.height, glyphs: t.getNumberOfChars() };
          }),
        })));
      expect(seals).toHaveLength(SEALS.length);
      seals.forEach((seal, i) => {
        const [look, org] = SEALS[i]!;
        const expected = sealAppearance(look, org).glyphs;
        expect(seal.texts.map((t) => t.char).join('')).toBe(expected.map((g) => g.char).join(''));
        for (const [j, t] of seal.texts.entries()) {
          const glyph = expected[j]!;
          // A character drawn from a font that has it takes about its em square (ideographs) or
          // half of it (digits); a missing one would fall back or collapse.
          expect(t.glyphs, `${seal.title}: ${t.char}`).toBe(1);
          expect(t.height, `${seal.title}: ${t.char}`).toBeGreaterThan(glyph.size * 0.9);
          expect(t.width, `${seal.title}: ${t.char}`).toBeGreaterThan(glyph.size * (/[0-9]/.test(t.char) ? 0.4 : 0.85));
        }
      });
      mkdirSync(join(REPO_ROOT, 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'screenshots', 'seal-svg.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
