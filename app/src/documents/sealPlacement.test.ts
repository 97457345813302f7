import { describe, expect, it } from 'vitest';
import { clampToPage, defaultPlacement, impressionChoice, previewToMm } from './sealPlacement';

const A4 = { width: 210, height: 297, rotation: 0 };

describe('placing the seal on the preview', () => {
  it('turns a point of the preview into the page\'s millimetres, whatever the preview\'s width', () => {
    expect(previewToMm({ x: 300, y: 424.2857 }, 600, A4)).toEqual({ x: 105, y: expect.closeTo(148.5, 3) as number });
    expect(previewToMm({ x: 150, y: 212.14285 }, 300, A4)).toEqual({ x: 105, y: expect.closeTo(148.5, 3) as number });
  });

  it('keeps the whole seal on the page, to a tenth of a millimetre', () => {
    expect(clampToPage({ x: -30, y: 400 }, A4, 40)).toEqual({ x: 20, y: 277 });
    expect(clampToPage({ x: 100.04, y: 150.06 }, A4, 40)).toEqual({ x: 100, y: 150.1 });
    // A page narrower than the seal: the centre of the page.
    expect(clampToPage({ x: 0, y: 0 }, { width: 30, height: 30, rotation: 0 }, 40)).toEqual({ x: 15, y: 15 });
  });

  it('starts the seal at the lower right of the page', () => {
    expect(defaultPlacement(2, A4, 40)).toEqual({ page: 2, x: 151.2, y: 231.7 });
  });

  it('adds the seam seal over every page at the placed seal\'s height, only for two pages or more', () => {
    const placement = { page: 0, x: 100, y: 120 };
    expect(impressionChoice(placement, false, [A4, A4])).toEqual({ placements: [placement] });
    expect(impressionChoice(placement, true, [A4])).toEqual({ placements: [placement] });
    expect(impressionChoice(placement, true, [A4, A4, A4])).toEqual({ placements: [placement], seam: { y: 120 } });
    // Never lower than 25 mm above the shortest page's bottom.
    expect(impressionChoice({ ...placement, y: 290 }, true, [A4, { width: 210, height: 200, rotation: 0 }])).toEqual({ placements: [{ ...placement, y: 290 }], seam: { y: 175 } });
  });
});
