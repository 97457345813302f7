import type { ImpressionPlacement, SeamPlacement } from '@seal/shared';
import type { PageSizeMm } from './pdfPages';

/**
 * Where the person puts the seal on the preview, in the page's millimetres (the unit
 * `drawImpression` takes), whichever size the preview is drawn at.
 */

/** The seal's centre kept on the page, at least half the seal from its edges where the page allows. */
export function clampToPage(at: { x: number; y: number }, page: PageSizeMm, sealMm: number): { x: number; y: number } {
  const half = Math.min(sealMm / 2, page.width / 2, page.height / 2);
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  return { x: round(clamp(at.x, half, page.width - half)), y: round(clamp(at.y, half, page.height - half)) };
}

const round = (mm: number): number => Math.round(mm * 10) / 10;

/** A point on the preview (CSS pixels from its top-left corner, the preview `shownWidth` wide) in the page's mm. */
export function previewToMm(px: { x: number; y: number }, shownWidth: number, page: PageSizeMm): { x: number; y: number } {
  const mmPerPx = page.width / shownWidth;
  return { x: px.x * mmPerPx, y: px.y * mmPerPx };
}

/** The seal's default spot: lower right of the page, where signatures usually go. */
export function defaultPlacement(page: number, size: PageSizeMm, sealMm: number): ImpressionPlacement {
  return { page, ...clampToPage({ x: size.width * 0.72, y: size.height * 0.78 }, size, sealMm) };
}

/** What the person chose, as `drawImpression` takes it: the seal where placed and, if asked, across every page's edge. */
export function impressionChoice(placement: ImpressionPlacement, seam: boolean, sizes: readonly PageSizeMm[]): { placements: ImpressionPlacement[]; seam?: SeamPlacement } {
  if (!seam || sizes.length < 2) return { placements: [placement] };
  // The seam seal at the height of the placed one, clamped to the shortest page.
  const shortest = Math.min(...sizes.map((s) => s.height));
  return { placements: [placement], seam: { y: Math.min(placement.y, shortest - 25) } };
}
