import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAmbiguousPdf } from '../../app/src/documents/pdfStructure';
import { shadowedPdf as shadowed } from '../stampedPdfs';

const fixture = new Uint8Array(readFileSync(new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url)));

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
