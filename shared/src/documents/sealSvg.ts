import type { SealAppearance } from './sealAppearance';

/** Fonts that hold the seal's characters, first the one PDFs embed (Noto Sans SC). */
export const SEAL_FONT_FAMILY = "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const n = (value: number): string => (Math.round(value * 1000) / 1000).toString();

/**
 * The seal as SVG markup (a string: no DOM needed, so the server and tests draw it too). The
 * viewBox is in millimetres around the centre; `width`/`height` are left to the caller's CSS
 * unless given. Glyphs are centred on their point: `text-anchor: middle` and the central baseline,
 * the same centring the PDF renderer computes from the font's metrics.
 */
export function renderSealSvg(appearance: SealAppearance, options: { readonly title?: string; readonly width?: string } = {}): string {
  const { width, height, color, rim } = appearance;
  const title = options.title ?? appearance.description;
  const size = options.width === undefined ? '' : ` width="${escapeXml(options.width)}"`;
  const outline =
    appearance.shape === 'square'
      ? `<rect x="${n(-rim.rx)}" y="${n(-rim.ry)}" width="${n(rim.rx * 2)}" height="${n(rim.ry * 2)}" fill="none" stroke="${color}" stroke-width="${n(rim.strokeWidth)}"/>`
      : `<ellipse cx="0" cy="0" rx="${n(rim.rx)}" ry="${n(rim.ry)}" fill="none" stroke="${color}" stroke-width="${n(rim.strokeWidth)}"/>`;
  const star = appearance.star === null ? '' : `<polygon points="${appearance.star.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="${color}"/>`;
  const glyphs = appearance.glyphs
    .map((g) => {
      const squeeze = g.scaleX === 1 ? '' : ` scale(${n(g.scaleX)} 1)`;
      return `<text transform="translate(${n(g.x)} ${n(g.y)}) rotate(${n(g.rotate)})${squeeze}" font-size="${n(g.size)}">${escapeXml(g.char)}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${n(-width / 2)} ${n(-height / 2)} ${n(width)} ${n(height)}"${size} role="img">` +
    `<title>${escapeXml(title)}</title>${outline}${star}` +
    `<g fill="${color}" font-family="${escapeXml(SEAL_FONT_FAMILY)}" font-weight="700" text-anchor="middle" dominant-baseline="central">${glyphs}</g>` +
    '</svg>'
  );
}
