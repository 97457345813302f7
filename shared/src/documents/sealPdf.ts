import {
  BlendMode,
  concatTransformationMatrix,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  type PDFDocument,
  type PDFFont,
  type PDFPage,
} from '@cantoo/pdf-lib';
import fontkit from '@cantoo/fontkit';
import { sha256 } from './der';
import type { SealAppearance } from './sealAppearance';

/**
 * Loads the bytes of the seal's font (an OpenType font with the CJK ideographs, Noto Sans SC Bold
 * from `@embedpdf/fonts-sc` in this project). Injected, so that this module reads no file: Node
 * reads it from disk, the browser fetches the precached asset, a test may hand in anything.
 */
export type SealFontLoader = () => Promise<Uint8Array | ArrayBuffer>;

/** PDF points per millimetre. */
export const POINTS_PER_MM = 72 / 25.4;

/**
 * Where a CJK glyph's visual centre sits above its baseline, in em: the middle of the ideographic
 * em box (Noto Sans SC: 880 above, 120 below the baseline, of 1000). Digits centre about there too.
 */
const GLYPH_CENTRE_EM = 0.38;

const tagOf = (bytes: Uint8Array): string => Array.from(bytes.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');

/**
 * A font subset's tag drawn from `seed` (six capitals, ISO 32000-1 §9.6.4): the same seed, the
 * same tag. An impression's drawing takes it from its verification code, so that the server can
 * draw the impression again byte for byte (`judgeStampedPdf`), while two impressions on one file
 * still name their subsets apart.
 */
export async function subsetTagOf(seed: string): Promise<string> {
  return tagOf(await sha256(new TextEncoder().encode(`seal-font-subset:${seed}`)));
}

/**
 * Embeds the seal's font into `doc` as a subset: only the glyphs the document draws go into the
 * file (about 5 KB a seal rather than the 8 MB font). Uses `@cantoo/fontkit`, which subsets CFF
 * (OTF) CJK fonts correctly where `@pdf-lib/fontkit` draws tofu (see shared/STACK-NOTES "PDF").
 * `tag` names the subset (random when absent; see {@link subsetTagOf}).
 */
export async function embedSealFont(doc: PDFDocument, load: SealFontLoader, fontName = 'NotoSansSC-Bold', tag?: string): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const bytes = await load();
  // A subset's name starts with a tag of six capitals and a plus (ISO 32000-1, 9.6.4): readers
  // (pdffonts among them) tell a subset by it, and two subsets in one file must not share a name.
  const name = tag ?? tagOf(crypto.getRandomValues(new Uint8Array(6)));
  if (!/^[A-Z]{6}$/.test(name)) throw new Error(`a font subset's tag is six capitals, got "${name}"`);
  return doc.embedFont(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), { subset: true, customName: `${name}+${fontName}` });
}

function hexToRgb(hex: string): ReturnType<typeof rgb> {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return rgb(((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255);
}

/** Where and how large a seal is drawn on a page. */
export interface SealPlacement {
  /** The seal's centre, in PDF points from the page's bottom-left corner. */
  readonly x: number;
  readonly y: number;
  /** Points per millimetre of the seal; by default its real size. */
  readonly scale?: number;
  /** The ink's opacity (an impression lets the text under it show; it multiplies, as ink does). */
  readonly opacity?: number;
}

/**
 * A number as the seal is drawn with it: to 1/10,000 (of a point, or of a matrix entry). The
 * seal's shape comes from sines and cosines, whose last bit differs between JavaScript engines
 * (the tablet's Chromium and the server's Node gave 0.…492 and 0.…493); rounded, they give the
 * same bytes, so the server can draw an impression again exactly as the tablet did
 * (`judgeStampedPdf`). Far below what any printer or screen shows.
 */
const fixed = (value: number): number => Math.round(value * 10_000) / 10_000;

/**
 * Draws the seal on a PDF page as vectors: the rim, the star as a path, each character as text in
 * the embedded font (so it stays selectable, searchable and sharp at any zoom). `font` comes from
 * {@link embedSealFont} on the page's document. Every number drawn is {@link fixed}.
 */
export function drawSealOnPage(page: PDFPage, appearance: SealAppearance, font: PDFFont, at: SealPlacement): void {
  const k = at.scale ?? POINTS_PER_MM;
  const color = hexToRgb(appearance.color);
  const ink = { opacity: at.opacity ?? 0.92, blendMode: BlendMode.Multiply };
  const { rim } = appearance;
  const x = fixed(at.x);
  const y = fixed(at.y);
  const border = { borderColor: color, borderWidth: fixed(rim.strokeWidth * k), borderOpacity: ink.opacity, blendMode: ink.blendMode };
  if (appearance.shape === 'square') {
    page.drawRectangle({ x: fixed(at.x - rim.rx * k), y: fixed(at.y - rim.ry * k), width: fixed(rim.rx * 2 * k), height: fixed(rim.ry * 2 * k), ...border });
  } else {
    page.drawEllipse({ x, y, xScale: fixed(rim.rx * k), yScale: fixed(rim.ry * k), ...border });
  }
  if (appearance.star !== null) {
    // drawSvgPath takes y downwards, as the model does.
    const path = `${appearance.star.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${fixed(px)} ${fixed(py)}`).join(' ')} Z`;
    page.drawSvgPath(path, { x, y, scale: k, color, borderWidth: 0, ...ink });
  }
  for (const glyph of appearance.glyphs) {
    const size = fixed(glyph.size * k);
    const width = font.widthOfTextAtSize(glyph.char, size);
    const angle = (-glyph.rotate * Math.PI) / 180;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // Move to the glyph's centre, turn (anticlockwise: PDF's y points up), squeeze, then draw the
    // glyph with its centre on the origin.
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(fixed(cos * glyph.scaleX), fixed(sin * glyph.scaleX), fixed(-sin), fixed(cos), fixed(at.x + glyph.x * k), fixed(at.y - glyph.y * k)),
    );
    page.drawText(glyph.char, { x: fixed(-width / 2), y: fixed(-GLYPH_CENTRE_EM * size), size, font, color, ...ink });
    page.pushOperators(popGraphicsState());
  }
}
