import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAmbiguousPdf } from '../../app/src/documents/pdfStructure';

const fixture = new Uint8Array(readFileSync(new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url)));

/** The fixture with a second `3 0 obj` (a page) before its last cross-reference section, which does not name it. */
function shadowed(pdf: Uint8Array): Uint8Array {
  const text = new TextDecoder('latin1').decode(pdf);
  const end = /startxref\s+(\d+)\s*%%EOF\s*$/.exec(text)!;
  const at = Number(end[1]);
  const shadow = '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n';
  return Uint8Array.from(`${text.slice(0, at)}${shadow}${text.slice(at, end.index)}startxref\n${at + shadow.length}\n%%EOF\n`, (c) => c.charCodeAt(0));
}

describe('a request document that could read two ways', () => {
  it('is a PDF whose cross-reference and front-to-back reading disagree', () => {
    expect(isAmbiguousPdf(fixture)).toBe(false);
    expect(isAmbiguousPdf(shadowed(fixture))).toBe(true);
  });

  it('is judged however much follows the last %%EOF, and NUL or blank padding there is not held against an honest file', () => {
    const pad = (pdf: Uint8Array, tail: Uint8Array) => Uint8Array.from([...pdf, ...tail]);
    expect(isAmbiguousPdf(pad(fixture, new Uint8Array(64)))).toBe(false);
    expect(isAmbiguousPdf(pad(fixture, new TextEncoder().encode('\r\n  \n')))).toBe(false);
    // 2 KB of junk after the end: still judged (viewers look for startxref that far back).
    expect(isAmbiguousPdf(pad(shadowed(fixture), new TextEncoder().encode('x'.repeat(2048))))).toBe(true);
  });

  it('is not a file with no cross-reference at all (bare %PDF- bytes): there is no second reading', () => {
    expect(isAmbiguousPdf(new TextEncoder().encode('%PDF-1.7 steel supply contract'))).toBe(false);
  });
});
