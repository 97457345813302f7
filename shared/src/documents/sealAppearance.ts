import type { Seal, SealKind } from '../domain/seal';
import { textAlongRim, textOnLine, type SealGlyph } from './sealText';

/**
 * What a seal looks like, computed from its record: one model that the SVG renderer (the app)
 * and the PDF renderer (stamped documents) both draw, so the two never disagree.
 * Units are millimetres, the origin is the seal's centre, y points down.
 *
 * Shapes follow the rules seals are engraved to in China:
 * - round (公章 42 mm, 合同专用章 40 mm, 财务专用章 38 mm): a red rim, the five-pointed star in
 *   the middle, the organisation's name along the top of the rim, the seal's name straight below
 *   the star, the 13-digit anti-counterfeit code small along the bottom of the rim;
 * - oval (发票专用章, 40 × 30 mm, as the State Taxation Administration prescribes it): the name
 *   along the top, the code across the middle where the taxpayer number sits, 发票专用章 below;
 *   no star, because the middle line takes its place;
 * - square (法定代表人章 and 个人章): a person's name seal, the name with 印 or 之印 in columns
 *   read right to left; no star, no arc.
 */
export type SealShape = 'round' | 'oval' | 'square';

export interface SealAppearance {
  readonly shape: SealShape;
  /** The outer size, mm. */
  readonly width: number;
  readonly height: number;
  /** The ink colour, as a CSS/hex colour. */
  readonly color: string;
  /** The rim: an ellipse (round, oval) or a rectangle (square), centred, stroked. */
  readonly rim: { readonly rx: number; readonly ry: number; readonly strokeWidth: number };
  /** The star as a closed polygon (10 points), or null where the shape has none. */
  readonly star: readonly (readonly [number, number])[] | null;
  readonly glyphs: readonly SealGlyph[];
  /** What the seal says, for an accessible name (alt text). */
  readonly description: string;
}

/** Seal red (朱红), as the ink of an impression. */
export const SEAL_RED = '#d7111b';

/** The words a seal of each kind carries under its star when its record's name does not say. */
export const SEAL_KIND_LABELS: Readonly<Record<SealKind, string>> = {
  official: '',
  contract: '合同专用章',
  finance: '财务专用章',
  legal_rep: '',
  invoice: '发票专用章',
  personal: '',
};

const SHAPES: Readonly<Record<SealKind, { shape: SealShape; width: number; height: number }>> = {
  official: { shape: 'round', width: 42, height: 42 },
  contract: { shape: 'round', width: 40, height: 40 },
  finance: { shape: 'round', width: 38, height: 38 },
  invoice: { shape: 'oval', width: 40, height: 30 },
  legal_rep: { shape: 'square', width: 20, height: 20 },
  personal: { shape: 'square', width: 18, height: 18 },
};

/** The part of a seal record its appearance is drawn from. */
export type SealLook = Pick<Seal, 'kind' | 'name'> & { readonly antiCounterfeitCode?: string | undefined };

/**
 * The seal's own name, as written under the star: the record's name without the organisation's
 * name in front (华东分公司合同专用章 → 合同专用章), or the kind's usual words when the record's
 * name is just the organisation's.
 */
export function sealLabel(seal: Pick<Seal, 'kind' | 'name'>, organisationName: string): string {
  const name = seal.name.trim();
  if (organisationName !== '' && name.startsWith(organisationName)) {
    const rest = name.slice(organisationName.length).trim();
    return rest === '' ? SEAL_KIND_LABELS[seal.kind] : rest;
  }
  // A record not named after its organisation: the kind says what the seal is for.
  return SEAL_KIND_LABELS[seal.kind];
}

/**
 * The name to engrave along the rim when no other is known: the record's name before its kind's
 * words (华东分公司合同专用章 → 华东分公司), an official seal's name before 公章 or as it stands
 * (an official seal bears its organisation's name), else the owning unit's name.
 */
export function sealOrganisationName(seal: Pick<Seal, 'kind' | 'name'>, unitName: string): string {
  const name = seal.name.trim();
  const ending = seal.kind === 'official' ? '公章' : SEAL_KIND_LABELS[seal.kind];
  if (ending !== '' && name.endsWith(ending) && name.length > ending.length) return name.slice(0, -ending.length).trim();
  return seal.kind === 'official' ? name : unitName;
}

/** A five-pointed star centred at (0, cy), one point up, as 10 polygon vertices. */
function star(cy: number, outer: number): (readonly [number, number])[] {
  // The inner radius of a regular star: outer · sin 18° / sin 126°.
  const inner = (outer * Math.sin(Math.PI / 10)) / Math.sin((7 * Math.PI) / 10);
  return Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? outer : inner;
    const angle = (i * Math.PI) / 5;
    return [r * Math.sin(angle), cy - r * Math.cos(angle)] as const;
  });
}

function roundSeal(look: SealLook, organisationName: string, width: number): Omit<SealAppearance, 'shape' | 'color' | 'description'> {
  const R = width / 2;
  const stroke = width * 0.03;
  const size = width * 0.14;
  const edge = R - stroke - width * 0.03;
  // Arc lengths are reckoned on the circle through the glyphs' centres.
  const textRadius = edge - size / 2;
  const arc = textAlongRim(organisationName, {
    a: edge, b: edge, size,
    // Up to 240° of the rim, leaving the bottom for the code; a short name spreads over 150°.
    maxLength: textRadius * (240 * Math.PI) / 180,
    minLength: Math.min(textRadius * (150 * Math.PI) / 180, textRadius * (([...organisationName].length - 1) * 42 * Math.PI) / 180),
    minScaleX: 0.5, role: 'arc', bottom: false,
  });
  const label = sealLabel(look, organisationName);
  const labelSize = width * 0.105;
  const labelY = R * 0.5;
  // The label fits inside the rim and, where a long name runs down the sides, between its ends.
  const halfChord = Math.min(
    Math.sqrt(Math.max(0, (R - stroke * 3) ** 2 - (labelY + labelSize / 2) ** 2)),
    ...arc.filter((g) => g.y + g.size * 0.7 > labelY - labelSize / 2).map((g) => Math.abs(g.x) - g.size * 0.7),
  );
  const code = look.antiCounterfeitCode ?? '';
  const codeSize = width * 0.06;
  const codeEdge = R - stroke - width * 0.02;
  return {
    width, height: width,
    rim: { rx: R - stroke / 2, ry: R - stroke / 2, strokeWidth: stroke },
    star: star(0, R * 0.33),
    glyphs: [
      ...arc,
      ...textOnLine(label, labelY, labelSize, Math.max(halfChord, 0) * 2 * 0.95, 'label'),
      ...textAlongRim(code, { a: codeEdge, b: codeEdge, size: codeSize, maxLength: (codeEdge - codeSize / 2) * (80 * Math.PI) / 180, minLength: 0, minScaleX: 0.6, role: 'code', bottom: true }),
    ],
  };
}

function ovalSeal(look: SealLook, organisationName: string, width: number, height: number): Omit<SealAppearance, 'shape' | 'color' | 'description'> {
  const stroke = height * 0.035;
  const size = height * 0.14;
  const a = width / 2 - stroke - height * 0.035;
  const b = height / 2 - stroke - height * 0.035;
  // Along the top of the oval, down to about level with the centre at most: the middle line and
  // 发票专用章 take the lower half.
  const arc = textAlongRim(organisationName, {
    a, b, size,
    maxLength: (a + b - size) * 1.45, minLength: Math.min((a + b - size) * 1.1, ([...organisationName].length - 1) * size * 1.6),
    minScaleX: 0.5, role: 'arc', bottom: false,
  });
  const code = look.antiCounterfeitCode ?? '';
  return {
    width, height,
    rim: { rx: width / 2 - stroke / 2, ry: height / 2 - stroke / 2, strokeWidth: stroke },
    star: null,
    glyphs: [
      ...arc,
      ...textOnLine(code, height * 0.06, height * 0.1, width * 0.56, 'code'),
      ...textOnLine(sealLabel(look, organisationName), height * 0.27, height * 0.13, width * 0.5, 'label'),
    ],
  };
}

/** The person's name as engraved: 张三 → 张三之印 (four characters), 欧阳明 → 欧阳明印. */
export function personalSealText(name: string): string {
  const chars = [...name.trim()];
  if (chars.at(-1) === '印') return chars.join('');
  return chars.length <= 2 ? `${chars.join('')}之印` : `${chars.join('')}印`;
}

function squareSeal(look: SealLook, width: number): Omit<SealAppearance, 'shape' | 'color' | 'description'> {
  const stroke = width * 0.06;
  const chars = [...personalSealText(look.name)];
  const columns = Math.ceil(chars.length / 2);
  const inner = width - stroke * 2 - width * 0.08;
  const cell = inner / Math.max(columns, 2);
  const rowHeight = inner / 2;
  const glyphs: SealGlyph[] = chars.map((char, i) => {
    // Columns from the right; within a column, top then bottom. A lone last character fills its column.
    const column = Math.floor(i / 2);
    const alone = i === chars.length - 1 && i % 2 === 0;
    const x = inner / 2 - cell * (column + 0.5);
    const y = alone ? 0 : (i % 2 === 0 ? -rowHeight / 2 : rowHeight / 2);
    const size = alone ? Math.min(inner, rowHeight * 1.6) * 0.92 : rowHeight * 0.92;
    return { char, role: 'label', x, y, rotate: 0, size, scaleX: Math.min(1, (cell * 0.95) / size) };
  });
  return { width, height: width, rim: { rx: width / 2 - stroke / 2, ry: width / 2 - stroke / 2, strokeWidth: stroke }, star: null, glyphs };
}

/**
 * The appearance of a seal, from its record and the name of the organisation that owns it (the
 * name engraved along the rim). Pure: the same record always draws the same seal.
 */
export function sealAppearance(look: SealLook, organisationName: string): SealAppearance {
  const { shape, width, height } = SHAPES[look.kind];
  const org = organisationName.trim();
  const parts = shape === 'round' ? roundSeal(look, org, width) : shape === 'oval' ? ovalSeal(look, org, width, height) : squareSeal(look, width);
  const words = shape === 'square' ? personalSealText(look.name) : [org, sealLabel(look, org), look.antiCounterfeitCode ?? ''].filter((w) => w !== '').join(' ');
  return { shape, color: SEAL_RED, description: words, ...parts };
}

/** Every distinct character a seal draws: what a font subset must hold. */
export function sealCharacters(appearance: SealAppearance): string[] {
  return [...new Set(appearance.glyphs.map((g) => g.char))];
}
