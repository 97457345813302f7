import { describe, expect, it } from 'vitest';
import { personalSealText, sealAppearance, sealLabel, sealOrganisationName, type SealAppearance } from './sealAppearance';
import { renderSealSvg } from './sealSvg';
import type { SealGlyph } from './sealText';

const text = (a: SealAppearance, role: SealGlyph['role']): string => a.glyphs.filter((g) => g.role === role).map((g) => g.char).join('');

/** Whether (x, y) lies inside the ellipse with semi-axes rx, ry, shrunk by `margin`. */
const inside = (g: SealGlyph, rx: number, ry: number, margin: number): boolean => (g.x / (rx - margin)) ** 2 + (g.y / (ry - margin)) ** 2 <= 1;

describe('sealAppearance', () => {
  it('draws a contract seal round, red, with a star, the name on the arc and its own name below', () => {
    const a = sealAppearance({ kind: 'contract', name: '华东分公司合同专用章', antiCounterfeitCode: '3301021234567' }, '华东分公司');
    expect(a.shape).toBe('round');
    expect(a.width).toBe(a.height);
    expect(a.color).toMatch(/^#[cdef][0-9a-f][0-2][0-9a-f][0-2][0-9a-f]$/);
    expect(a.star).toHaveLength(10);
    expect(text(a, 'arc')).toBe('华东分公司');
    expect(text(a, 'label')).toBe('合同专用章');
    expect(text(a, 'code')).toBe('3301021234567');
    // The name reads left to right over the top; the label sits straight, below the star.
    const arc = a.glyphs.filter((g) => g.role === 'arc');
    expect(arc.map((g) => g.x)).toEqual([...arc.map((g) => g.x)].sort((p, q) => p - q));
    for (const g of arc) expect(g.y).toBeLessThan(0);
    const starBottom = Math.max(...a.star!.map(([, y]) => y));
    for (const g of a.glyphs.filter((x) => x.role === 'label')) {
      expect(g.rotate).toBe(0);
      expect(g.y - g.size / 2).toBeGreaterThan(starBottom);
    }
    // The code runs along the bottom, left to right, tops towards the centre.
    const code = a.glyphs.filter((g) => g.role === 'code');
    expect(code.map((g) => g.x)).toEqual([...code.map((g) => g.x)].sort((p, q) => p - q));
    for (const g of code) expect(g.y).toBeGreaterThan(0);
  });

  it('turns each character of the arc with the rim: upright at the top, leaning outwards on the sides', () => {
    const a = sealAppearance({ kind: 'official', name: '东方建设有限公司' }, '东方建设有限公司');
    const arc = a.glyphs.filter((g) => g.role === 'arc');
    for (const g of arc) {
      // The glyph's "up" points away from the centre: rotation = the angle of its position from 12 o'clock.
      const angle = (Math.atan2(g.x, -g.y) * 180) / Math.PI;
      expect(g.rotate).toBeCloseTo(angle, 6);
    }
    expect(text(a, 'label')).toBe('');
  });

  it('keeps every character inside the rim, and neighbours on the arc apart, for short and long names', () => {
    for (const org of ['华东', '东方建设有限公司', '中国建筑第八工程局有限公司华东分公司第三项目经理部']) {
      for (const kind of ['official', 'contract', 'finance', 'invoice'] as const) {
        const a = sealAppearance({ kind, name: `${org}章`, antiCounterfeitCode: '3301021234567' }, org);
        for (const g of a.glyphs) expect(inside(g, a.rim.rx, a.rim.ry, a.rim.strokeWidth / 2 + g.size * 0.35), `${kind} ${org} ${g.char}`).toBe(true);
        const arc = a.glyphs.filter((g) => g.role === 'arc');
        expect(arc.map((g) => g.char).join('')).toBe(org);
        for (let i = 1; i < arc.length; i += 1) {
          const gap = Math.hypot(arc[i]!.x - arc[i - 1]!.x, arc[i]!.y - arc[i - 1]!.y);
          expect(gap, `${kind} ${org} between ${i - 1} and ${i}`).toBeGreaterThanOrEqual(arc[i]!.size * arc[i]!.scaleX * 0.95);
        }
      }
    }
  });

  it('squeezes a long name rather than letting it run round the bottom, and spreads a short one', () => {
    const short = sealAppearance({ kind: 'official', name: '华东' }, '华东').glyphs.filter((g) => g.role === 'arc');
    const long = sealAppearance({ kind: 'official', name: 'x' }, '中国建筑第八工程局有限公司华东分公司第三项目经理部').glyphs.filter((g) => g.role === 'arc');
    expect(short.every((g) => g.scaleX === 1)).toBe(true);
    expect(Math.abs(short[0]!.x - short[1]!.x)).toBeGreaterThan(short[0]!.size * 1.5);
    expect(long.every((g) => g.scaleX < 1)).toBe(true);
    // The name stays above the lower quarter of the seal, where the code runs.
    for (const g of long) expect(g.y).toBeLessThan(21 * 0.72);
  });

  it('draws an invoice seal as a 40 × 30 mm oval with the code across the middle and no star', () => {
    const a = sealAppearance({ kind: 'invoice', name: '杭州某某建设工程有限公司发票专用章', antiCounterfeitCode: '3301021234567' }, '杭州某某建设工程有限公司');
    expect([a.shape, a.width, a.height, a.star]).toEqual(['oval', 40, 30, null]);
    expect(text(a, 'label')).toBe('发票专用章');
    const code = a.glyphs.filter((g) => g.role === 'code');
    expect(code.every((g) => g.rotate === 0 && g.y === code[0]!.y)).toBe(true);
  });

  it("draws a person's seal square, the name and 印 in columns read from the right", () => {
    const a = sealAppearance({ kind: 'legal_rep', name: '张三' }, '东方建设有限公司');
    expect(a.shape).toBe('square');
    expect(a.star).toBeNull();
    const [zhang, san, zhi, yin] = a.glyphs;
    expect(a.glyphs.map((g) => g.char).join('')).toBe('张三之印');
    expect(zhang!.x).toBeGreaterThan(0);
    expect(zhang!.x).toBeCloseTo(san!.x);
    expect(zhang!.y).toBeLessThan(san!.y);
    expect(zhi!.x).toBeLessThan(0);
    expect(zhi!.y).toBeLessThan(yin!.y);
    expect(personalSealText('欧阳明')).toBe('欧阳明印');
    expect(personalSealText('李四印')).toBe('李四印');
  });

  it("takes the seal's own name from its record, or its kind's words", () => {
    expect(sealLabel({ kind: 'contract', name: '华东分公司合同专用章' }, '华东分公司')).toBe('合同专用章');
    expect(sealLabel({ kind: 'contract', name: '华东分公司投标专用章' }, '华东分公司')).toBe('投标专用章');
    expect(sealLabel({ kind: 'finance', name: '财务章' }, '华东分公司')).toBe('财务专用章');
    expect(sealLabel({ kind: 'official', name: '华东分公司' }, '华东分公司')).toBe('');
  });

  it("finds the organisation's name in the record, or falls back to the unit's", () => {
    expect(sealOrganisationName({ kind: 'contract', name: '华东分公司合同专用章' }, '华东')).toBe('华东分公司');
    expect(sealOrganisationName({ kind: 'official', name: '东方建设有限公司公章' }, '总部')).toBe('东方建设有限公司');
    expect(sealOrganisationName({ kind: 'official', name: '东方建设有限公司' }, '总部')).toBe('东方建设有限公司');
    expect(sealOrganisationName({ kind: 'finance', name: 'Site 3 finance seal' }, '华东分公司')).toBe('华东分公司');
  });
});

describe('renderSealSvg', () => {
  it('writes one text element per character, escaped, with the description as its title', () => {
    const a = sealAppearance({ kind: 'contract', name: 'A&B<公司>合同专用章' }, 'A&B<公司>');
    const svg = renderSealSvg(a);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<title>A&amp;B&lt;公司&gt; 合同专用章</title>');
    expect(svg.match(/<text /g)).toHaveLength(a.glyphs.length);
    expect(svg).not.toMatch(/<公司>/);
  });
});
