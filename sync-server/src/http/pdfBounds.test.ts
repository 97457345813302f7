import { deflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PDF_INFLATED_BYTES, pdfWithinBounds } from './pdfBounds';

const pdfWith = (...streams: Buffer[]): Uint8Array => Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  ...streams.flatMap((data, i) => [Buffer.from(`${i + 1} 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length ${data.length} >>\nstream\r\n`), data, Buffer.from('\nendstream\nendobj\n')]),
  Buffer.from('%%EOF\n'),
]);

describe('a PDF sent to the server', () => {
  it('is parsed when its streams inflate to a sane size: a real stamped document, plain text, Flate data', () => {
    expect(pdfWithinBounds(readFileSync(new URL('../../../tests/fixtures/documents/fontconfig-user.pdf', import.meta.url)))).toBe(true);
    expect(pdfWithinBounds(pdfWith(Buffer.from('BT /F1 12 Tf (stream endstream) Tj ET'), deflateSync(Buffer.alloc(1_000_000, 7))))).toBe(true);
  });

  it('is not parsed when a few MB of streams would inflate past the ceiling, in one stream or spread over many', () => {
    const bomb = deflateSync(Buffer.alloc(MAX_PDF_INFLATED_BYTES + 1));
    expect(bomb.length).toBeLessThan(200_000);
    expect(pdfWithinBounds(pdfWith(bomb))).toBe(false);
    const piece = deflateSync(Buffer.alloc(MAX_PDF_INFLATED_BYTES / 4 + 1));
    expect(pdfWithinBounds(pdfWith(piece, piece, piece))).toBe(true);
    expect(pdfWithinBounds(pdfWith(piece, piece, piece, piece))).toBe(false);
  });
});
