import { describe, expect, it } from 'vitest';
import { impressionLayoutRecordSchema, MAX_PLACEMENTS_PER_PAGE } from './impression';

const ORIGIN = 'https://seal.example.com';
const issues = (layout: unknown): string[] => {
  const parsed = impressionLayoutRecordSchema.safeParse(layout);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe('impressionLayoutRecordSchema (what a pushed impression row may record)', () => {
  it('takes a layout as the app records it: a seal a page, two on one, a seam over each page once', () => {
    expect(issues({ placements: [{ page: 0, x: 150, y: 200 }], seam: { y: 175 }, origin: ORIGIN })).toEqual([]);
    expect(issues({ placements: [{ page: 0, x: 50, y: 200 }, { page: 0, x: 150, y: 200 }, { page: 1, x: 150, y: 200 }], seam: { pages: [0, 1, 2], y: 100 }, origin: ORIGIN })).toEqual([]);
  });

  it('refuses a seam over a page twice and more than two seals placed on a page, as the reviewer stacked them', () => {
    expect(issues({ placements: [], seam: { pages: [0, 1, 0], y: 100 }, origin: ORIGIN })).toEqual(['expected a seam over each page once']);
    expect(issues({ placements: [], seam: { pages: Array.from({ length: 2000 }, () => 0), y: 100 }, origin: ORIGIN })).toEqual(['expected a seam over each page once']);
    const stacked = Array.from({ length: MAX_PLACEMENTS_PER_PAGE + 1 }, () => ({ page: 3, x: 100, y: 100 }));
    expect(issues({ placements: stacked, origin: ORIGIN })).toEqual([`expected at most ${MAX_PLACEMENTS_PER_PAGE} seals placed on a page`]);
    expect(issues({ placements: Array.from({ length: 200 }, () => ({ page: 0, x: 100, y: 100, size: 120 })), origin: ORIGIN })).toHaveLength(1);
  });
});
