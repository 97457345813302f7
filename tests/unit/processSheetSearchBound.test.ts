/**
 * The QR search of a scan is bounded whatever the image: `readProcessSheet` hands jsQR at most
 * two images, the first of at most SHEET_READ_PIXELS, none longer than SHEET_READ_SIDE, and only
 * looks for dark ink on light paper (random noise of 12 megapixels took 145 s searched whole,
 * inverted too). The search is watched (given in jsQR's place), not timed. (A module mock of jsQR
 * does not reach a module another test file imported first: test files share their worker's modules.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readProcessSheet as readWith, SHEET_READ_PIXELS, SHEET_READ_SIDE, type QrSearch } from '@seal/shared';

const searched: { width: number; height: number; inversion: unknown }[] = [];
const watched: QrSearch = (_data, width, height, options) => {
  searched.push({ width, height, inversion: options.inversionAttempts });
  return null;
};
const readProcessSheet = (image: Parameters<typeof readWith>[0]) => readWith(image, watched);
afterEach(() => void searched.splice(0));

const noise = (width: number, height: number) => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.fill(Math.random() < 0.5 ? 0 : 255, i, i + 3).fill(255, i + 3, i + 4);
  return { data, width, height };
};

describe('the search of a scan for its QR', () => {
  it('is given at most two bounded images of the largest scan allowed, never inverted', () => {
    expect(readProcessSheet(noise(4000, 3000))).toMatchObject({ ok: false, error: { code: 'no_code_found' } });
    expect(searched).toEqual([{ width: 1000, height: 750, inversion: 'dontInvert' }, { width: 2000, height: 1500, inversion: 'dontInvert' }]);
    expect(searched[0]!.width * searched[0]!.height).toBeLessThanOrEqual(SHEET_READ_PIXELS);
    expect(Math.max(...searched.map((s) => Math.max(s.width, s.height)))).toBeLessThanOrEqual(SHEET_READ_SIDE);
  });

  it('is given a small scan once, as it is', () => {
    readProcessSheet(noise(800, 600));
    expect(searched).toEqual([{ width: 800, height: 600, inversion: 'dontInvert' }]);
  });
});
