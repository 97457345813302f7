import { ok, refuse, type Refusal, type Result } from '../result';
import { MAX_PLACEMENTS_PER_PAGE } from '../domain/impression';
import { POINTS_PER_MM } from './sealPdf';

/**
 * Where an electronic impression's marks go on a document's pages: each seal placed by the
 * person, the slices of a seam seal (骑缝章) and, on every page that carries any of them, the
 * verification QR with its code. Pure arithmetic, in PDF points from each page's bottom-left
 * corner (of its crop box); `drawImpression` draws what this decides.
 */

/** A seal placed on a page, as the person chose it on the preview. */
export interface ImpressionPlacement {
  /** 0-based page index. */
  readonly page: number;
  /** The seal's centre, in mm from the page's top-left corner (as the page is shown). */
  readonly x: number;
  readonly y: number;
  /** The seal's width in mm; its real size (the appearance's width) when absent. */
  readonly size?: number;
}

/**
 * A seam seal (骑缝章): one seal cut into as many vertical slices as there are pages, slice i at
 * the right edge of page i, so that the pages fanned out (page 1 on top, each next one peeking
 * out to the right) show the whole seal across their edges.
 */
export interface SeamPlacement {
  /** The pages (0-based) it runs over, in order; every page of the document when absent. */
  readonly pages?: readonly number[];
  /** The seal's centre line, in mm from the top of each page. */
  readonly y: number;
  readonly size?: number;
}

/** A page's size (its crop box), in points. */
export interface PageSize {
  readonly width: number;
  readonly height: number;
}

/** A rectangle in points, from the page's bottom-left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A seal to draw: centre and scale (points per mm of the seal's model); a seam slice is clipped to `clip`. */
export interface SealMark {
  readonly page: number;
  readonly x: number;
  readonly y: number;
  readonly scale: number;
  readonly clip?: Box;
}

/** The verification block of a page: the QR square at (x, y) and the code's text beside it. */
export interface QrMark {
  readonly page: number;
  readonly qr: Box;
  /** Where the code's lines sit (left, baseline of the LAST line: they keep to the page's margin) and the width they may take. */
  readonly text: { readonly x: number; readonly y: number; readonly width: number; readonly size: number };
}

export interface ImpressionMarks {
  readonly seals: readonly SealMark[];
  readonly qrs: readonly QrMark[];
}

export type ImpressionLayoutRefusalCode =
  | 'nothing_to_stamp' | 'no_such_page' | 'off_page' | 'seam_needs_two_pages' | 'bad_size'
  | 'seam_page_twice' | 'too_many_seals' | 'seals_overlap' | 'covers_qr';

/**
 * How many placements beyond one per page of the document an impression may make (a contract
 * sealed on every page, and twice on its signature page or two).
 */
export const EXTRA_PLACEMENTS = 2;

/** The QR's side, the gap to its text, the text's width and the margin to the page's edges, mm. */
export const QR_BLOCK_MM = { qr: 18, gap: 2, text: 46, margin: 6 } as const;

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The box a seal mark inks (a slice: its clip). */
export function sealMarkBox(mark: SealMark, seal: { readonly width: number; readonly height: number }): Box {
  if (mark.clip !== undefined) return mark.clip;
  const w = seal.width * mark.scale;
  const h = seal.height * mark.scale;
  return { x: mark.x - w / 2, y: mark.y - h / 2, width: w, height: h };
}

/**
 * The verification block for a page: always in its bottom-left corner, at the margin, whatever
 * the seals' placement (`layoutImpression` refuses a seal over it): were it to move out of the
 * seals' way, seals placed in three corners would steer its opaque square over the text the
 * holder chose. Scaled down on a page too narrow for it.
 */
export function qrBlockFor(page: number, size: PageSize): QrMark {
  const k = POINTS_PER_MM;
  const full = (QR_BLOCK_MM.qr + QR_BLOCK_MM.gap + QR_BLOCK_MM.text) * k;
  const fit = Math.min(1, (size.width - 2 * QR_BLOCK_MM.margin * k) / full, (size.height - 2 * QR_BLOCK_MM.margin * k) / (QR_BLOCK_MM.qr * k));
  const s = Math.max(fit, 0.2) * k;
  const block = { width: full * (s / k), height: QR_BLOCK_MM.qr * s };
  const m = QR_BLOCK_MM.margin * s;
  const at: Box = { x: m, y: m, ...block };
  const qrSide = QR_BLOCK_MM.qr * s;
  const textSize = 2.6 * s;
  return {
    page,
    qr: { x: at.x, y: at.y, width: qrSide, height: qrSide },
    text: { x: at.x + qrSide + QR_BLOCK_MM.gap * s, y: at.y + 0.8 * s, width: QR_BLOCK_MM.text * s, size: textSize },
  };
}

function scaleOf(size: number | undefined, sealWidth: number): Result<number, Refusal<ImpressionLayoutRefusalCode>> {
  if (size === undefined) return ok(POINTS_PER_MM);
  if (!(size >= 5 && size <= 120)) return refuse('bad_size', `a seal between 5 and 120 mm wide, got ${size} mm`);
  return ok((POINTS_PER_MM * size) / sealWidth);
}

/** The seam seal's slices: slice i (from the seal's left) at the right edge of the i-th page listed. */
function seamMarks(seam: SeamPlacement, pages: readonly PageSize[], seal: PageSize): Result<SealMark[], Refusal<ImpressionLayoutRefusalCode>> {
  const list = seam.pages ?? pages.map((_, i) => i);
  const twice = list.find((page, i) => list.indexOf(page) !== i);
  if (twice !== undefined) return refuse('seam_page_twice', `a seam seal runs over each page once, page ${twice + 1} is listed twice`);
  if (list.length < 2) return refuse('seam_needs_two_pages', `a seam seal runs over two pages or more, got ${list.length}`);
  const scale = scaleOf(seam.size, seal.width);
  if (!scale.ok) return scale;
  const k = scale.value;
  const sliceWidth = (seal.width * k) / list.length;
  const marks: SealMark[] = [];
  for (const [i, page] of list.entries()) {
    const size = pages[page];
    if (size === undefined) return refuse('no_such_page', `page ${page + 1} of a ${pages.length}-page document`);
    const y = size.height - seam.y * POINTS_PER_MM;
    if (y < 0 || y > size.height) return refuse('off_page', `the seam seal's centre ${seam.y} mm from the top is off page ${page + 1}`);
    // The slice's right edge sits on the page's edge: the seal's left edge is i slices further left.
    const left = size.width - (i + 1) * sliceWidth;
    const h = seal.height * k;
    marks.push({ page, x: left + (seal.width * k) / 2, y, scale: k, clip: { x: size.width - sliceWidth, y: y - h / 2, width: sliceWidth, height: h } });
  }
  return ok(marks);
}

/** The block a QR mark covers: its square and its text. */
export const qrMarkBox = (q: QrMark): Box => ({ x: q.qr.x, y: q.qr.y, width: q.text.x + q.text.width - q.qr.x, height: q.qr.height });

/** Whether the placements are more than a real document takes ({@link MAX_PLACEMENTS_PER_PAGE}, {@link EXTRA_PLACEMENTS}). */
function tooMany(placements: readonly ImpressionPlacement[], pageCount: number): Refusal<'too_many_seals'> | undefined {
  if (placements.length > pageCount + EXTRA_PLACEMENTS) {
    return { code: 'too_many_seals', message: `at most ${pageCount + EXTRA_PLACEMENTS} seals on a ${pageCount}-page document (one a page and ${EXTRA_PLACEMENTS} more), got ${placements.length}` };
  }
  const perPage = new Map<number, number>();
  for (const p of placements) perPage.set(p.page, (perPage.get(p.page) ?? 0) + 1);
  const crowded = [...perPage].find(([, n]) => n > MAX_PLACEMENTS_PER_PAGE);
  return crowded === undefined ? undefined : { code: 'too_many_seals', message: `at most ${MAX_PLACEMENTS_PER_PAGE} seals on a page, got ${crowded[1]} on page ${crowded[0] + 1}` };
}

/** Why the marks on a page may not be drawn: two seals overlapping (stacked, they black out what is under them), or a seal over the QR block. */
function crowding(seals: readonly SealMark[], qrs: readonly QrMark[], seal: { readonly width: number; readonly height: number }): Refusal<'seals_overlap' | 'covers_qr'> | undefined {
  const onPage = new Map<number, Box[]>();
  for (const s of seals) onPage.set(s.page, [...(onPage.get(s.page) ?? []), sealMarkBox(s, seal)]);
  for (const q of qrs) {
    const boxes = onPage.get(q.page) ?? [];
    if (boxes.some((a, i) => boxes.some((b, j) => j > i && overlaps(a, b)))) return { code: 'seals_overlap', message: `two seals overlap on page ${q.page + 1}: place each clear of the others` };
    if (boxes.some((b) => overlaps(b, qrMarkBox(q)))) {
      return { code: 'covers_qr', message: `a seal on page ${q.page + 1} covers the verification QR and code in the page's bottom-left corner: place it clear of them` };
    }
  }
  return undefined;
}

/**
 * Every mark of an impression, page by page, or why it cannot be made: a placement on a page the
 * document lacks, a centre off its page, a seam over fewer than two pages or over a page twice,
 * more seals than a real document takes, two seals overlapping, a seal over the QR block.
 */
export function layoutImpression(
  pages: readonly PageSize[],
  seal: { readonly width: number; readonly height: number },
  placements: readonly ImpressionPlacement[],
  seam?: SeamPlacement,
): Result<ImpressionMarks, Refusal<ImpressionLayoutRefusalCode>> {
  if (placements.length === 0 && seam === undefined) return refuse('nothing_to_stamp', 'place the seal on a page, or across the page edges, first');
  const many = tooMany(placements, pages.length);
  if (many !== undefined) return { ok: false, error: many };
  const seals: SealMark[] = [];
  for (const p of placements) {
    const size = pages[p.page];
    if (size === undefined || !Number.isInteger(p.page)) return refuse('no_such_page', `page ${p.page + 1} of a ${pages.length}-page document`);
    const x = p.x * POINTS_PER_MM;
    const y = size.height - p.y * POINTS_PER_MM;
    if (!(x >= 0 && x <= size.width && y >= 0 && y <= size.height)) return refuse('off_page', `the seal's centre (${p.x}, ${p.y}) mm is off page ${p.page + 1}`);
    const scale = scaleOf(p.size, seal.width);
    if (!scale.ok) return scale;
    seals.push({ page: p.page, x, y, scale: scale.value });
  }
  if (seam !== undefined) {
    const slices = seamMarks(seam, pages, seal);
    if (!slices.ok) return slices;
    seals.push(...slices.value);
  }
  const stamped = [...new Set(seals.map((s) => s.page))].sort((a, b) => a - b);
  const qrs = stamped.map((page) => qrBlockFor(page, pages[page]!));
  const crowded = crowding(seals, qrs, seal);
  if (crowded !== undefined) return { ok: false, error: crowded };
  return ok({ seals, qrs });
}
