/**
 * `judgeStampedPdf`, the rule the countersign route applies before the organisation countersigns
 * an electronic impression: a PDF passes only when it is, but for the seal's signature value,
 * what the app's own stamping gives from the approved document with the impression's recorded
 * layout. On a real PDF (Debian's fontconfig manual) and the real seal font: the honest stamped PDF
 * passes, drawn twice it is the same bytes, and every later revision that changes what the
 * document shows (tests/stampedPdfs.ts) is refused, as are a missing layout, a QR to another
 * origin and pages the layout does not stamp.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { documentEnd, judgeStampedPdf, sealAppearance, sealOrganisationName, startsWithDocument, verificationCodeOf, type Signer, type StampedPdfExpectation } from '@seal/shared';
import { makeTestPki } from '@seal/shared/testing';
import { ATTACKS, drawAsTheApp, sealFont, signAsTheApp, type StampParts } from '../stampedPdfs';

const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
const ORIGIN = 'https://seal.example.com';
const IMPRESSION_ID = 'imp-unit-rule-000000001';
const look = { kind: 'contract', name: '华东分公司合同专用章', antiCounterfeitCode: '3301021234567' } as const;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let source: Uint8Array;
let signer: Signer;
let parts: StampParts;
let drawn: Uint8Array;
let impression: StampedPdfExpectation['impression'];

const expectation = (over: Partial<StampedPdfExpectation> = {}): StampedPdfExpectation => ({
  sourceLength: source.length, impression, appearance: sealAppearance(look, sealOrganisationName(look, '华东分公司')), font: sealFont, origins: [ORIGIN], ...over,
});

beforeAll(async () => {
  source = new Uint8Array(await readFile(FIXTURE));
  signer = await (await makeTestPki()).signer({ commonName: '合同专用章', serialNumber: 'seal-1' });
  const code = await verificationCodeOf(IMPRESSION_ID);
  parts = { look, unitName: '华东分公司', code, layout: { placements: [{ page: 0, x: 150, y: 200 }], seam: { pages: [0, 1, 2], y: 140 }, origin: ORIGIN } };
  impression = { id: IMPRESSION_ID as never, sealId: 'seal-1' as never, claimedAt: Date.UTC(2026, 4, 6, 9, 30), verificationCode: code, pages: [1, 2, 3], layout: parts.layout };
  drawn = await drawAsTheApp(source, parts);
});

describe('judgeStampedPdf (what a countersigned PDF may add to the approved document)', () => {
  it("passes the app's own stamped and signed PDF, and the drawing is the same bytes each time", async () => {
    expect(sha(await drawAsTheApp(source, parts))).toBe(sha(drawn));
    const signed = await signAsTheApp(drawn, signer, impression);
    expect(await startsWithDocument(signed, sha(source))).toBe(true);
    expect(await documentEnd(signed, sha(source))).toBe(source.length);
    expect(await judgeStampedPdf(signed, expectation())).toEqual({ ok: true, value: { pages: [1, 2, 3] } });
  });

  it('draws the same bytes when sine, cosine, atan2 and hypot differ in their last bit, as engines do (Chromium and Node did)', async () => {
    const nudged = (f: (...a: number[]) => number) => (...a: number[]): number => {
      const v = new Float64Array([f(...a)]);
      const bits = new BigInt64Array(v.buffer);
      // Results engines agree on (sin 0, cos 0 = 1, whole numbers) stay; any other moves by one unit in the last place.
      if (Number.isFinite(v[0]) && !Number.isInteger(v[0])) bits[0]! += 1n;
      return v[0]!;
    };
    const spies = (['sin', 'cos', 'atan2', 'hypot'] as const).map((name) => {
      const real = Math[name].bind(Math);
      return vi.spyOn(Math, name).mockImplementation(nudged(real));
    });
    try {
      expect(sha(await drawAsTheApp(source, parts))).toBe(sha(drawn));
      expect(Math.sin(1)).not.toBe(0.8414709848078965);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('passes a seam seal over every page when the layout lists none (all pages recorded)', async () => {
    const layout = { placements: [], seam: { y: 140 }, origin: ORIGIN };
    const all = Array.from({ length: 15 }, (_, i) => i + 1);
    const signed = await signAsTheApp(await drawAsTheApp(source, { ...parts, layout }), signer, impression);
    expect(await judgeStampedPdf(signed, expectation({ impression: { ...impression, layout, pages: all } }))).toMatchObject({ ok: true });
    expect(await judgeStampedPdf(signed, expectation({ impression: { ...impression, layout, pages: [1] } })))
      .toMatchObject({ ok: false, error: { code: 'pdf_not_as_stamped', message: expect.stringContaining(`records pages 1, its layout stamps pages ${all.join(', ')}`) as unknown } });
  });

  for (const attack of ATTACKS) {
    it(`refuses ${attack.name}`, async () => {
      const forged = await signAsTheApp(await attack.make({ source, drawn, parts }), signer, impression);
      // Every one keeps the approved bytes as its first revision: the old check passed them all.
      expect(await startsWithDocument(forged, sha(source))).toBe(true);
      const judged = await judgeStampedPdf(forged, expectation());
      expect(judged).toMatchObject({ ok: false, error: { code: 'pdf_not_as_stamped', message: expect.stringContaining('besides the seal') as unknown } });
    });
  }

  it('refuses bytes appended after the signature, and a signature field other than the impression\'s', async () => {
    const signed = await signAsTheApp(drawn, signer, impression);
    const appended = new Uint8Array([...signed, ...new TextEncoder().encode('\n% more\n')]);
    expect(await judgeStampedPdf(appended, expectation())).toMatchObject({ ok: false, error: { message: expect.stringContaining('past its end') as unknown } });
    const otherField = await signAsTheApp(drawn, signer, { ...impression, claimedAt: impression.claimedAt + 60_000 });
    expect(await judgeStampedPdf(otherField, expectation())).toMatchObject({ ok: false, error: { message: expect.stringContaining("in the seal's signature update") as unknown } });
  });

  it('refuses an impression with no recorded layout, a QR to another origin, and a seal drawn as another seal', async () => {
    const signed = await signAsTheApp(drawn, signer, impression);
    const { layout: _, ...bare } = impression;
    expect(await judgeStampedPdf(signed, expectation({ impression: bare }))).toMatchObject({ ok: false, error: { code: 'pdf_not_as_stamped', message: expect.stringContaining('records no layout') as unknown } });
    expect(await judgeStampedPdf(signed, expectation({ origins: ['https://other.example'] }))).toMatchObject({ ok: false, error: { message: expect.stringContaining('sends readers to https://seal.example.com') as unknown } });
    // The organisation's seal is the official seal, not the contract seal the holder drew.
    const official = sealAppearance({ kind: 'official', name: '华东分公司公章' }, '华东分公司');
    expect(await judgeStampedPdf(signed, expectation({ appearance: official }))).toMatchObject({ ok: false, error: { message: expect.stringContaining("in the seal's drawing") as unknown } });
  });
});
