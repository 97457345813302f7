/**
 * Placing a seal's characters one by one: along the top of its rim (the organisation's name),
 * along the bottom (the code), or on a straight line (the seal's name). Every glyph is placed by
 * its centre, its rotation and its size, so the SVG and the PDF renderers draw exactly the same
 * thing without measuring strings. Units are millimetres, origin at the seal's centre, y downwards.
 */

/** One character of a seal, placed by its centre. */
export interface SealGlyph {
  readonly char: string;
  /** What the character belongs to: the name along the arc, the seal's name, or its code. */
  readonly role: 'arc' | 'label' | 'code';
  readonly x: number;
  readonly y: number;
  /** Clockwise, in degrees (y downwards): 0 is upright. */
  readonly rotate: number;
  /** The em size (font size), in mm. */
  readonly size: number;
  /** Horizontal squeeze of the glyph (1 = its natural width): long names narrow their characters. */
  readonly scaleX: number;
}

/**
 * The advance of a character in em: CJK ideographs are square; digits, Latin and punctuation in
 * Noto Sans SC are roughly half as wide.
 */
export function advanceEm(char: string): number {
  return /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFF60]/u.test(char) ? 1 : 0.58;
}

/** A point of an ellipse (semi-axes a, b) at angle t from the top, clockwise, with its outward normal angle. */
interface RimPoint {
  readonly x: number;
  readonly y: number;
  /** The outward normal's angle, clockwise from straight up, in radians. */
  readonly normal: number;
}

const rimPoint = (a: number, b: number, t: number): RimPoint => ({
  x: a * Math.sin(t),
  y: -b * Math.cos(t),
  // The gradient of x²/a² + y²/b², as an angle from "up" (0, -1).
  normal: Math.atan2(Math.sin(t) / a, Math.cos(t) / b),
});

const SAMPLES = 720;

/**
 * Points along the ellipse at equal arc-length steps, centred on the top (t = 0) or, with
 * `bottom`, on the bottom. A circle is the ellipse with a = b.
 */
function pointsAtEqualSteps(a: number, b: number, step: number, count: number, bottom: boolean): RimPoint[] {
  // The arc length from the centre of the run (top or bottom), sampled over half a turn each way.
  const start = bottom ? Math.PI : 0;
  const ts: number[] = [];
  const lengths: number[] = [];
  let length = 0;
  let previous = rimPoint(a, b, start);
  for (let i = 0; i <= SAMPLES; i += 1) {
    const t = start + (Math.PI * i) / SAMPLES;
    const p = rimPoint(a, b, t);
    length += Math.hypot(p.x - previous.x, p.y - previous.y);
    previous = p;
    ts.push(t - start);
    lengths.push(length);
  }
  const tAt = (s: number): number => {
    const target = Math.abs(s);
    const i = lengths.findIndex((l) => l >= target);
    const t = i === -1 ? Math.PI : ts[i]!;
    return s < 0 ? -t : t;
  };
  return Array.from({ length: count }, (_, i) => {
    const s = (i - (count - 1) / 2) * step;
    // Reading left to right: clockwise on the top, anticlockwise on the bottom.
    return rimPoint(a, b, start + (bottom ? -tAt(s) : tAt(s)));
  });
}

/** How text runs along a rim. */
export interface RimTextOptions {
  /** Semi-axes of the ellipse the glyphs' outer edges touch (their tops on the top, their feet on the bottom). */
  readonly a: number;
  readonly b: number;
  /** The em size wished for; smaller if the text does not fit even squeezed. */
  readonly size: number;
  /** The longest run, as arc length, the text may take. */
  readonly maxLength: number;
  /** The shortest run a short text is spread over (a 3-character name does not huddle at the top). */
  readonly minLength: number;
  /** Narrowest squeeze before the size shrinks instead. */
  readonly minScaleX: number;
  readonly role: SealGlyph['role'];
  /** On the bottom, tops towards the centre; on the top, tops outwards. */
  readonly bottom: boolean;
}

/**
 * Lays `text` along the rim: characters at equal steps, rotated with the rim. A short text is
 * spread to `minLength`; a long one is squeezed (narrower glyphs) to fit `maxLength`, and shrunk
 * once squeezing reaches `minScaleX`.
 */
export function textAlongRim(text: string, o: RimTextOptions): SealGlyph[] {
  const chars = [...text];
  if (chars.length === 0) return [];
  const em = Math.max(...chars.map(advanceEm));
  const gap = 1.08;
  const natural = (chars.length - 1) * o.size * em * gap;
  const length = Math.min(o.maxLength, Math.max(natural, chars.length > 1 ? Math.min(o.minLength, o.maxLength) : 0));
  const step = chars.length > 1 ? length / (chars.length - 1) : 0;
  let size = o.size;
  let scaleX = chars.length > 1 ? Math.min(1, step / (o.size * em * gap)) : 1;
  if (scaleX < o.minScaleX) {
    size = step / (o.minScaleX * em * gap);
    scaleX = o.minScaleX;
  }
  // A glyph shrunk to fit sits closer to the rim; the steps stay the same arc length.
  const points = pointsAtEqualSteps(o.a - size / 2, o.b - size / 2, step, chars.length, o.bottom);
  return chars.map((char, i) => {
    const p = points[i]!;
    const turn = o.bottom ? p.normal - Math.PI : p.normal;
    return { char, role: o.role, x: p.x, y: p.y, rotate: normaliseDegrees((turn * 180) / Math.PI), size, scaleX };
  });
}

const normaliseDegrees = (d: number): number => {
  const r = ((d + 180) % 360 + 360) % 360 - 180;
  return Math.abs(r) < 1e-9 ? 0 : r;
};

/**
 * Lays `text` on a straight line centred on (0, y): squeezed to `maxWidth`, then shrunk once the
 * squeeze reaches `minScaleX`.
 */
export function textOnLine(text: string, y: number, size: number, maxWidth: number, role: SealGlyph['role'], minScaleX = 0.55): SealGlyph[] {
  const chars = [...text];
  const natural = chars.reduce((sum, c) => sum + advanceEm(c) * size, 0);
  let scaleX = natural > maxWidth ? maxWidth / natural : 1;
  let em = size;
  if (scaleX < minScaleX) {
    em = (size * scaleX) / minScaleX;
    scaleX = minScaleX;
  }
  const widths = chars.map((c) => advanceEm(c) * em * scaleX);
  let x = -widths.reduce((s, w) => s + w, 0) / 2;
  return chars.map((char, i) => {
    const centre = x + widths[i]! / 2;
    x += widths[i]!;
    return { char, role, x: centre, y, rotate: 0, size: em, scaleX };
  });
}
