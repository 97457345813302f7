import { POINTS_PER_MM, qrBlockFor, qrMarkBox, type ImpressionPlacement, type SeamPlacement } from '@seal/shared';
import type { PageSizeMm } from './pdfPages';

/**
 * Where the person puts the seal on the preview, in the page's millimetres (the unit
 * `drawImpression` takes), whichever size the preview is drawn at.
 */

/** Room left between a seal and what it must keep clear of (the QR block, the seam's slice), mm. */
const CLEARANCE_MM = 1;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The seal's centre kept on the page, at least half the seal from its edges where the page allows,
 * and clear of the verification QR and code the impression prints in the page's bottom-left corner
 * (`qrBlockFor`: a seal over them is refused, `covers_qr`): a seal dragged onto them is moved out,
 * up or to the right, whichever is the shorter move that keeps it on the page.
 */
export function clampToPage(at: { x: number; y: number }, page: PageSizeMm, sealMm: number): { x: number; y: number } {
  const half = Math.min(sealMm / 2, page.width / 2, page.height / 2);
  const onPage = (p: { x: number; y: number }) => ({ x: clamp(p.x, half, page.width - half), y: clamp(p.y, half, page.height - half) });
  const placed = onPage(at);
  const qr = qrBlockMm(page);
  const r = sealMm / 2 + CLEARANCE_MM;
  const covers = (p: { x: number; y: number }) => p.x - r < qr.right && p.y + r > qr.top;
  if (!covers(placed)) return { x: round(placed.x), y: round(placed.y) };
  const moves = [onPage({ x: placed.x, y: qr.top - r }), onPage({ x: qr.right + r, y: placed.y })].filter((p) => !covers(p));
  const best = moves.sort((a, b) => Math.hypot(a.x - placed.x, a.y - placed.y) - Math.hypot(b.x - placed.x, b.y - placed.y))[0] ?? placed;
  return { x: round(best.x), y: round(best.y) };
}

/** The QR block of a page (`qrBlockFor`, in points from the bottom-left) in mm from the top-left: its right edge and its top. */
export function qrBlockMm(page: PageSizeMm): { left: number; right: number; top: number; bottom: number } {
  const box = qrMarkBox(qrBlockFor(0, { width: page.width * POINTS_PER_MM, height: page.height * POINTS_PER_MM }));
  return { left: box.x / POINTS_PER_MM, right: (box.x + box.width) / POINTS_PER_MM, top: page.height - (box.y + box.height) / POINTS_PER_MM, bottom: page.height - box.y / POINTS_PER_MM };
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
export function impressionChoice(placement: ImpressionPlacement, seam: boolean, sizes: readonly PageSizeMm[], sealMm: number): { placements: ImpressionPlacement[]; seam?: SeamPlacement } {
  if (!seam || sizes.length < 2) return { placements: [placement] };
  // The seam seal at the height of the placed one, no lower than 25 mm above the shortest page's
  // bottom, nor, on a page so narrow that its slice reaches over the QR block, over that block...
  const lowest = Math.min(...sizes.map((p) => (p.width - sealMm / sizes.length < qrBlockMm(p).right + CLEARANCE_MM ? qrBlockMm(p).top - sealMm / 2 - CLEARANCE_MM : p.height - 25)));
  const y = Math.min(placement.y, lowest);
  // ...unless the placed seal reaches its slice at the page's right edge (two seals overlapping
  // are refused, `seals_overlap`): then a seal's height and more above it, or below where there is no room above.
  const page = sizes[placement.page];
  const reachesSlice = page !== undefined && placement.x + sealMm / 2 + CLEARANCE_MM > page.width - sealMm / sizes.length && Math.abs(y - placement.y) < sealMm + CLEARANCE_MM;
  if (!reachesSlice) return { placements: [placement], seam: { y } };
  const above = placement.y - sealMm - 2 * CLEARANCE_MM;
  const below = placement.y + sealMm + 2 * CLEARANCE_MM;
  return { placements: [placement], seam: { y: round(above - sealMm / 2 >= 0 ? above : Math.min(below, lowest)) } };
}
