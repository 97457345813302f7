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
 * Draws the seal on a PDF page as vectors: the rim, the star as a path, each character as text in
 * the embedded font (so it stays selectable, searchable and sharp at any zoom). `font` comes from
 * {@link embedSealFont} on the page's document.
 */
export function drawSealOnPage(page: PDFPage, appearance: SealAppearance, font: PDFFont, at: SealPlacement): void {
  const k = at.scale ?? POINTS_PER_MM;
  const color = hexToRgb(appearance.color);
  const ink = { opacity: at.opacity ?? 0.92, blendMode: BlendMode.Multiply };
  const { rim } = appearance;
  if (appearance.shape === 'square') {
    page.drawRectangle({ x: at.x - rim.rx * k, y: at.y - rim.ry * k, width: rim.rx * 2 * k, height: rim.ry * 2 * k, borderColor: color, borderWidth: rim.strokeWidth * k, borderOpacity: ink.opacity, blendMode: ink.blendMode });
  } else {
    page.drawEllipse({ x: at.x, y: at.y, xScale: rim.rx * k, yScale: rim.ry * k, borderColor: color, borderWidth: rim.strokeWidth * k, borderOpacity: ink.opacity, blendMode: ink.blendMode });
  }
  if (appearance.star !== null) {
    // drawSvgPath takes y downwards, as the model does.
    const path = `${appearance.star.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(' ')} Z`;
    page.drawSvgPath(path, { x: at.x, y: at.y, scale: k, color, borderWidth: 0, ...ink });
  }
  for (const glyph of appearance.glyphs) {
    const size = glyph.size * k;
    const width = font.widthOfTextAtSize(glyph.char, size);
    const angle = (-glyph.rotate * Math.PI) / 180;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // Move to the glyph's centre, turn (anticlockwise: PDF's y points up), squeeze, then draw the
    // glyph with its centre on the origin.
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(cos * glyph.scaleX, sin * glyph.scaleX, -sin, cos, at.x + glyph.x * k, at.y - glyph.y * k),
    );
    page.drawText(glyph.char, { x: -width / 2, y: -GLYPH_CENTRE_EM * size, size, font, color, ...ink });
    page.pushOperators(popGraphicsState());
  }
}
