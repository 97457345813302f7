import { describe, expect, it } from 'vitest';
import { layoutImpression, qrMarkBox, sealMarkBox, type Box } from './impressionLayout';

/** A4 in points, and the size of a 40 mm contract seal: figures written out, not taken from the code. */
const A4 = { width: 595.28, height: 841.89 };
const SEAL = { width: 40, height: 40 };
const PT = 72 / 25.4;

const code = (r: ReturnType<typeof layoutImpression>): string => (r.ok ? 'ok' : r.error.code);
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutImpression', () => {
  it('puts a placed seal where the person put it, in points from the bottom left, at its real size by default', () => {
    const marks = layoutImpression([A4, A4], SEAL, [{ page: 1, x: 105, y: 148.5 }]);
    if (!marks.ok) throw new Error(marks.error.message);
    expect(marks.value.seals).toHaveLength(1);
    const [seal] = marks.value.seals;
    expect(seal!.page).toBe(1);
    expect(seal!.x).toBeCloseTo(105 * PT, 6);
    expect(seal!.y).toBeCloseTo(841.89 - 148.5 * PT, 6);
    expect(seal!.scale).toBeCloseTo(PT, 9);
    // A smaller seal: 30 mm wide, three quarters of its real size.
    const small = layoutImpression([A4], SEAL, [{ page: 0, x: 50, y: 50, size: 30 }]);
    expect(small.ok && small.value.seals[0]!.scale).toBeCloseTo(PT * 0.75, 9);
  });

  it('puts the verification block on every stamped page, once, and on no other page', () => {
    const marks = layoutImpression([A4, A4, A4, A4], SEAL, [{ page: 0, x: 100, y: 100 }, { page: 2, x: 60, y: 60 }, { page: 2, x: 150, y: 60 }]);
    if (!marks.ok) throw new Error(marks.error.message);
    expect(marks.value.qrs.map((q) => q.page)).toEqual([0, 2]);
    for (const q of marks.value.qrs) {
      expect(q.qr.width).toBeCloseTo(18 * PT, 6);
      expect(q.qr.x).toBeGreaterThanOrEqual(0);
      expect(q.text.x + q.text.width).toBeLessThanOrEqual(A4.width);
    }
  });

  it('puts the verification block in the bottom-left corner whatever the seals, and refuses a seal over it', () => {
    // Seals over the two right corners: the block stays where it always goes (seals cannot steer its white square over text).
    const marks = layoutImpression([A4], SEAL, [{ page: 0, x: 185, y: 20 }, { page: 0, x: 185, y: 280 }]);
    const stacked = layoutImpression([A4, A4], SEAL, [{ page: 0, x: 185, y: 20 }, { page: 0, x: 185, y: 280 }, { page: 1, x: 25, y: 280 }]);
    const lone = layoutImpression([A4], SEAL, [{ page: 0, x: 150, y: 200 }]);
    if (!marks.ok || !lone.ok) throw new Error('refused');
    for (const q of [marks.value.qrs[0]!, lone.value.qrs[0]!]) {
      expect(q.qr.x).toBeCloseTo(6 * PT, 6);
      expect(q.qr.y).toBeCloseTo(6 * PT, 6);
    }
    for (const s of marks.value.seals) expect(overlaps(qrMarkBox(marks.value.qrs[0]!), sealMarkBox(s, SEAL))).toBe(false);
    // A seal in the bottom-left corner is refused, not dodged.
    expect(stacked.ok ? 'ok' : stacked.error.code).toBe('covers_qr');
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 30, y: 280 }]))).toBe('covers_qr');
  });

  it('refuses more seals than a real document takes: a seam over a page twice, three on a page, more than one a page and two', () => {
    expect(code(layoutImpression([A4, A4], SEAL, [], { pages: [0, 1, 0], y: 100 }))).toBe('seam_page_twice');
    expect(code(layoutImpression([A4, A4], SEAL, [], { pages: [0, 0], y: 100, size: 10 }))).toBe('seam_page_twice');
    const three = [{ page: 0, x: 30, y: 50 }, { page: 0, x: 100, y: 50 }, { page: 0, x: 170, y: 50 }];
    expect(code(layoutImpression([A4, A4, A4, A4], SEAL, three))).toBe('too_many_seals');
    expect(code(layoutImpression([A4, A4, A4, A4], SEAL, three.slice(0, 2)))).toBe('ok');
    // Two pages: four seals at most, even two a page apart.
    const spread = [0, 1].flatMap((page) => [{ page, x: 50, y: 50 }, { page, x: 150, y: 50 }]);
    expect(code(layoutImpression([A4, A4], SEAL, spread))).toBe('ok');
    expect(code(layoutImpression([A4, A4, A4], SEAL, [...spread, { page: 2, x: 50, y: 50 }, { page: 2, x: 150, y: 50 }]))).toBe('too_many_seals');
  });

  it('refuses seals that overlap: two placed ones, or a placed one over the seam slice', () => {
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 100, y: 100 }, { page: 0, x: 100, y: 100 }]))).toBe('seals_overlap');
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 100, y: 100 }, { page: 0, x: 139, y: 100 }]))).toBe('seals_overlap');
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 100, y: 100 }, { page: 0, x: 141, y: 100 }]))).toBe('ok');
    expect(code(layoutImpression([A4, A4], SEAL, [{ page: 0, x: 195, y: 100 }], { y: 100 }))).toBe('seals_overlap');
    expect(code(layoutImpression([A4, A4], SEAL, [{ page: 0, x: 150, y: 100 }], { y: 100 }))).toBe('ok');
  });

  it('cuts a seam seal into one slice a page, each at the right edge, together the whole seal from left to right', () => {
    const pages = [A4, { width: 612, height: 792 }, A4];
    const marks = layoutImpression(pages, SEAL, [], { y: 120 });
    if (!marks.ok) throw new Error(marks.error.message);
    const slices = marks.value.seals;
    expect(slices.map((s) => s.page)).toEqual([0, 1, 2]);
    const sliceWidth = (40 * PT) / 3;
    let covered = 0;
    for (const [i, s] of slices.entries()) {
      const page = pages[i]!;
      expect(s.clip!.width).toBeCloseTo(sliceWidth, 6);
      expect(s.clip!.x + s.clip!.width).toBeCloseTo(page.width, 6);
      expect(s.y).toBeCloseTo(page.height - 120 * PT, 6);
      // Which part of the seal the slice shows, measured from the seal's left edge.
      const sealLeft = s.x - 20 * PT;
      expect(s.clip!.x - sealLeft).toBeCloseTo(covered, 6);
      covered += s.clip!.width;
    }
    expect(covered).toBeCloseTo(40 * PT, 6);
    expect(marks.value.qrs.map((q) => q.page)).toEqual([0, 1, 2]);
    // The block keeps clear of the slice on the right edge.
    for (const q of marks.value.qrs) expect(overlaps({ ...q.qr, width: q.text.x + q.text.width - q.qr.x }, slices[q.page]!.clip!)).toBe(false);
  });

  it('runs a seam over the pages named, in their order', () => {
    const marks = layoutImpression([A4, A4, A4, A4], SEAL, [{ page: 0, x: 100, y: 100 }], { pages: [1, 3], y: 100, size: 30 });
    if (!marks.ok) throw new Error(marks.error.message);
    expect(marks.value.seals.map((s) => s.page)).toEqual([0, 1, 3]);
    expect(marks.value.seals[1]!.clip!.width).toBeCloseTo(15 * PT, 6);
    expect(marks.value.qrs.map((q) => q.page)).toEqual([0, 1, 3]);
  });

  it('refuses, saying why: nothing placed, a page the document lacks, a centre off the page, a seam over one page, an absurd size', () => {
    expect(code(layoutImpression([A4], SEAL, []))).toBe('nothing_to_stamp');
    expect(code(layoutImpression([A4], SEAL, [{ page: 1, x: 10, y: 10 }]))).toBe('no_such_page');
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 211, y: 10 }]))).toBe('off_page');
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 10, y: -1 }]))).toBe('off_page');
    expect(code(layoutImpression([A4], SEAL, [], { y: 100 }))).toBe('seam_needs_two_pages');
    expect(code(layoutImpression([A4, A4], SEAL, [], { pages: [0, 2], y: 100 }))).toBe('no_such_page');
    expect(code(layoutImpression([A4, A4], SEAL, [], { y: 300 }))).toBe('off_page');
    expect(code(layoutImpression([A4], SEAL, [{ page: 0, x: 10, y: 10, size: 500 }]))).toBe('bad_size');
    const refused = layoutImpression([A4], SEAL, [{ page: 3, x: 10, y: 10 }]);
    expect(refused.ok ? '' : refused.error.message).toBe('page 4 of a 1-page document');
  });
});
