/**
 * `unambiguousPdf`: a PDF whose objects pdf-lib (last definition in the file) and a viewer (the
 * cross-reference from startxref) could read differently is refused; honest PDFs from pdf-lib,
 * Chromium's print to PDF and pdfTeX, and honest incremental updates of them, pass.
 */
import { readFileSync } from 'node:fs';
import { PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import { describe, expect, it } from 'vitest';
import { signPdf, unambiguousPdf } from '@seal/shared';
import { makeTestPki } from '@seal/shared/testing';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/documents/${name}`, import.meta.url)));
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const stream = (s: string): string => `<< /Length ${s.length} >>\nstream\n${s}\nendstream`;
const PAGE = (contents: number) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${contents} 0 R /Resources << /Font << /F1 6 0 R >> >> >>`;

/** A one-page PDF built by hand: `extra` are definitions written after the honest ones, which the xref names only if `listed`. */
function handmade(extra: { num: number; body: string; listed: boolean }[] = [], trailerRoot = '1 0 R'): { text: string; offsets: Record<number, number> } {
  const offsets: Record<number, number> = {};
  let text = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const add = (num: number, body: string, listed = true) => { if (listed) offsets[num] = text.length; text += `${num} 0 obj\n${body}\nendobj\n`; };
  add(1, '<< /Type /Catalog /Pages 2 0 R >>');
  add(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  add(3, PAGE(4));
  add(4, stream('BT /F1 24 Tf 72 700 Td (APPROVED: PAY 100 CNY) Tj ET'));
  add(5, stream('BT /F1 24 Tf 72 700 Td (FORGED: PAY 1,000,000 CNY) Tj ET'));
  add(6, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (const e of extra) add(e.num, e.body, e.listed);
  const size = Math.max(7, ...extra.filter((e) => e.listed).map((e) => e.num + 1));
  const xrefAt = text.length;
  text += `xref\n0 ${size}\n0000000000 65535 f\r\n`;
  for (let i = 1; i < size; i++) text += offsets[i] === undefined ? '0000000000 00001 f\r\n' : `${String(offsets[i]).padStart(10, '0')} 00000 n\r\n`;
  text += `trailer\n<< /Size ${size} /Root ${trailerRoot} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return { text, offsets };
}

/** An incremental update appended to `base`: its objects, an xref naming `listed` of them, a trailer with /Prev. */
function update(base: string, objects: { num: number; body: string; listed: boolean }[]): string {
  const prev = Number(/startxref\s+(\d+)\s*%%EOF\s*$/.exec(base)![1]);
  let text = base;
  const rows: string[] = [];
  for (const o of objects) {
    if (o.listed) rows.push(`${o.num} 1\n${String(text.length).padStart(10, '0')} 00000 n\r\n`);
    text += `${o.num} 0 obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = text.length;
  return `${text}xref\n${rows.join('')}trailer\n<< /Size 8 /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
}

const refused = (pdf: Uint8Array) => { const r = unambiguousPdf(pdf); expect(r.ok).toBe(false); return r.ok ? '' : `${r.error.code}: ${r.error.message}`; };
const accepted = (pdf: Uint8Array) => expect(unambiguousPdf(pdf)).toEqual({ ok: true, value: undefined });

describe('unambiguousPdf', () => {
  it('accepts an honest handmade PDF and an honest incremental update of it', () => {
    const { text } = handmade();
    accepted(latin1(text));
    accepted(latin1(update(text, [{ num: 3, body: PAGE(5), listed: true }])));
  });

  it("refuses the reviewer's shadow page: a second `3 0 obj` after the listed one, named by no xref entry", () => {
    const { text } = handmade([{ num: 3, body: PAGE(5), listed: false }]);
    expect(refused(latin1(text))).toMatch(/^pdf_ambiguous: .*object 3 .*not the one its cross-reference entry names.*export it again/);
  });

  it('refuses a shadow object inside a later incremental update of the approved document', () => {
    const { text } = handmade();
    // The update lists an innocuous object 7, and hides a redefinition of page 3 beside it.
    expect(refused(latin1(update(text, [{ num: 7, body: '<< /Note (x) >>', listed: true }, { num: 3, body: PAGE(5), listed: false }])))).toMatch(/object 3 /);
  });

  it('refuses an object defined in the file but named by no xref entry, and one the newest xref frees', () => {
    expect(refused(latin1(handmade([{ num: 9, body: '<< >>', listed: false }]).text))).toMatch(/object 9 is defined in the file but named by no/);
    const { text } = handmade();
    const freed = text.replace(/xref\n0 7\n([\s\S]*?)trailer/, (_, rows: string) => `xref\n0 7\n${rows.split('\r\n').map((r, i) => (i === 5 ? '0000000000 00001 f' : r)).join('\r\n')}trailer`);
    expect(refused(latin1(freed))).toMatch(/object 5 is free/);
  });

  it('refuses a last trailer that names another catalog than the trailer startxref points to', () => {
    const { text } = handmade([{ num: 7, body: '<< /Type /Catalog /Pages 2 0 R >>', listed: true }]);
    // A trailer after %%EOF (pdf-lib reads it; a viewer starts from startxref).
    expect(refused(latin1(`${text}trailer\n<< /Size 8 /Root 7 0 R >>\n`))).toMatch(/pdf_ambiguous/);
    // A trailer dictionary before the real one, the one startxref names being the first reached.
    const twoTrailers = text.replace(/startxref\n(\d+)\n%%EOF\n$/, 'trailer\n<< /Size 8 /Root 7 0 R >>\nstartxref\n$1\n%%EOF\n');
    expect(refused(latin1(twoTrailers))).toMatch(/another catalog/);
    // A /Root that is not a catalog: pdf-lib would go looking for one, a viewer would not.
    expect(refused(latin1(handmade([], '2 0 R').text))).toMatch(/not a catalog/);
  });

  it('refuses an object defined both in an object stream and as a plain object the xref does not choose', async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('APPROVED', { font: await doc.embedFont(StandardFonts.Helvetica) });
    const saved = await doc.save({ useObjectStreams: true });
    accepted(saved);
    const text = String.fromCharCode(...saved);
    // The catalog lives in the object stream; a plain definition of the same number appended before the xref stream goes where pdf-lib reads it last.
    const catalog = /\/Root (\d+) 0 R/.exec(text)![1]!;
    const at = text.lastIndexOf('\n', text.lastIndexOf(' obj', text.lastIndexOf('/XRef')));
    const shadowed = `${text.slice(0, at + 1)}${catalog} 0 obj\n<< /Type /Catalog /Pages 999 0 R >>\nendobj\n${text.slice(at + 1)}`;
    // Keep startxref pointing at the xref stream, which moved.
    const moved = shadowed.replace(/startxref\n(\d+)/, (_, n: string) => `startxref\n${Number(n) + shadowed.length - text.length}`);
    expect(refused(latin1(moved))).toMatch(new RegExp(`object ${catalog} `));
  });

  it('accepts PDFs from pdf-lib (with and without object streams), Chromium, pdfTeX, and an honest pdf-lib incremental update', async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('APPROVED', { font: await doc.embedFont(StandardFonts.Helvetica) });
    accepted(await doc.save({ useObjectStreams: false }));
    accepted(await doc.save({ useObjectStreams: true }));
    accepted(fixture('chromium-print.pdf'));
    accepted(fixture('fontconfig-user.pdf'));
    // Honest incremental updates (a signature, appended as stamping appends), to a classic table and to xref streams (pdf-lib's, pdfTeX's).
    const signer = await (await makeTestPki()).signer({ commonName: 'x', serialNumber: 'seal-1' });
    for (const base of [await doc.save({ useObjectStreams: false }), await doc.save({ useObjectStreams: true }), fixture('fontconfig-user.pdf')]) {
      const signed = await signPdf(base, signer, { name: 'seal:test', signedAt: new Date(Date.UTC(2026, 4, 6)) });
      expect(signed.subarray(0, base.length)).toEqual(base);
      accepted(signed);
    }
  });
});
