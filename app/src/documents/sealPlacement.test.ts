import { describe, expect, it } from 'vitest';
import { layoutImpression, POINTS_PER_MM, type ImpressionPlacement, type SeamPlacement } from '@seal/shared';
import { clampToPage, defaultPlacement, impressionChoice, previewToMm } from './sealPlacement';
import type { PageSizeMm } from './pdfPages';

const A4 = { width: 210, height: 297, rotation: 0 };

describe('placing the seal on the preview', () => {
  it('turns a point of the preview into the page\'s millimetres, whatever the preview\'s width', () => {
    expect(previewToMm({ x: 300, y: 424.2857 }, 600, A4)).toEqual({ x: 105, y: expect.closeTo(148.5, 3) as number });
    expect(previewToMm({ x: 150, y: 212.14285 }, 300, A4)).toEqual({ x: 105, y: expect.closeTo(148.5, 3) as number });
  });

  it('keeps the whole seal on the page, to a tenth of a millimetre', () => {
    expect(clampToPage({ x: -30, y: 400 }, A4, 40)).toEqual({ x: 20, y: 252 }); // bottom left: above the QR block (below)
    expect(clampToPage({ x: 300, y: 400 }, A4, 40)).toEqual({ x: 190, y: 277 });
    expect(clampToPage({ x: 100.04, y: 150.06 }, A4, 40)).toEqual({ x: 100, y: 150.1 });
    // A page narrower than the seal: the centre of the page.
    expect(clampToPage({ x: 0, y: 0 }, { width: 30, height: 30, rotation: 0 }, 40)).toEqual({ x: 15, y: 15 });
  });

  it('starts the seal at the lower right of the page', () => {
    expect(defaultPlacement(2, A4, 40)).toEqual({ page: 2, x: 151.2, y: 231.7 });
  });

  it('adds the seam seal over every page at the placed seal\'s height, only for two pages or more', () => {
    const placement = { page: 0, x: 100, y: 120 };
    expect(impressionChoice(placement, false, [A4, A4], 40)).toEqual({ placements: [placement] });
    expect(impressionChoice(placement, true, [A4], 40)).toEqual({ placements: [placement] });
    expect(impressionChoice(placement, true, [A4, A4, A4], 40)).toEqual({ placements: [placement], seam: { y: 120 } });
    // Never lower than 25 mm above the shortest page's bottom.
    expect(impressionChoice({ ...placement, y: 290 }, true, [A4, { width: 210, height: 200, rotation: 0 }], 40)).toEqual({ placements: [{ ...placement, y: 290 }], seam: { y: 175 } });
  });

  it('moves the seam seal a seal\'s height away when the placed seal reaches its slice at the right edge', () => {
    const nearEdge = { page: 1, x: 185, y: 150 };
    const choice = impressionChoice(nearEdge, true, [A4, A4], 40);
    expect(Math.abs(choice.seam!.y - 150)).toBeGreaterThanOrEqual(40);
    // At the top of the page there is no room above: below it.
    expect(impressionChoice({ ...nearEdge, y: 20 }, true, [A4, A4], 40).seam!.y).toBeGreaterThan(60);
  });
});

/** The server's and the device's rule (`layoutImpression`), in points, over pages given in mm. */
function layoutAccepts(pages: readonly PageSizeMm[], seal: { width: number; height: number }, choice: { placements: ImpressionPlacement[]; seam?: SeamPlacement }) {
  const result = layoutImpression(pages.map((p) => ({ width: p.width * POINTS_PER_MM, height: p.height * POINTS_PER_MM })), seal, choice.placements, choice.seam);
  return result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`;
}

describe('wherever the seal is dropped, the layout rule takes what the preview chose', () => {
  const LETTER = { width: 215.9, height: 279.4, rotation: 0 };
  const A5_LANDSCAPE = { width: 210, height: 148, rotation: 0 };
  const NARROW = { width: 90, height: 200, rotation: 0 };
  const seals = [{ width: 42, height: 42 }, { width: 45, height: 30 }, { width: 38, height: 38 }];

  it('on documents of mixed page sizes (A4 with a 90 mm page, with A5 landscape, with Letter), the seam seal over them all', () => {
    const refused: string[] = [];
    for (const mix of [[A4, NARROW], [NARROW, A4, A4], [A4, A5_LANDSCAPE], [LETTER, A4, NARROW]]) {
      for (const seal of seals) {
        const sealMm = Math.max(seal.width, seal.height);
        for (const [index, page] of mix.entries()) {
          for (let x = -10; x <= page.width + 10; x += 8) {
            for (let y = -10; y <= page.height + 10; y += 8) {
              const placement = { page: index, ...clampToPage({ x, y }, page, sealMm) };
              const verdict = layoutAccepts(mix, seal, impressionChoice(placement, true, mix, sealMm));
              if (verdict !== 'ok') refused.push(`${mix.map((p) => p.width).join('+')} page ${index} (${x}, ${y}) → (${placement.x}, ${placement.y}), seal ${seal.width}x${seal.height}: ${verdict}`);
            }
          }
        }
      }
    }
    expect(refused.slice(0, 5)).toEqual([]);
  });

  for (const page of [A4, LETTER, A5_LANDSCAPE, NARROW]) {
    it(`on a ${page.width} x ${page.height} mm page, with and without the seam seal over 2 to 4 pages`, () => {
      const refused: string[] = [];
      for (const seal of seals) {
        const sealMm = Math.max(seal.width, seal.height);
        for (let x = -10; x <= page.width + 10; x += 6) {
          for (let y = -10; y <= page.height + 10; y += 6) {
            for (const count of [1, 2, 4]) {
              const pages = Array.from({ length: count }, () => page);
              const at = clampToPage({ x, y }, page, sealMm);
              const placement = { page: count - 1, ...at };
              const verdict = layoutAccepts(pages, seal, impressionChoice(placement, count > 1, pages, sealMm));
              if (verdict !== 'ok') refused.push(`(${x}, ${y}) → (${at.x}, ${at.y}), ${count} pages, seal ${seal.width}x${seal.height}: ${verdict}`);
            }
          }
        }
      }
      expect(refused.slice(0, 5)).toEqual([]);
    });
  }
});
