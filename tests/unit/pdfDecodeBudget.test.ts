import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from '@cantoo/pdf-lib';
import { describe, expect, it } from 'vitest';
import { checkPdfSignatures } from '@seal/shared';

/**
 * pdf-lib inflates a document's object and cross-reference streams while it parses, and did so
 * without a limit: a few kilobytes of Flate could ask for gigabytes. The patch
 * (patches/@cantoo+pdf-lib) gives one document's parse a budget of decoded bytes (four times the
 * file, at least 16 MiB), shared by every stream and every stage of a filter chain. These
 * PDFs are written by hand, byte by byte, so nothing here relies on pdf-lib to build them.
 */

const MiB = 1024 * 1024;

interface ObjectStream {
  /** What the stream decodes to after its object-number header: one object, padded with spaces. */
  readonly decodedBytes: number;
  /** Filters, each Flate (a chain inflates each stage). */
  readonly flateTimes: number;
  /** The inner layers stored, not compressed (each stage then inflates to the whole size): only the outermost layer is compressed. */
  readonly stored?: boolean;
  readonly title: string;
}

/** A one-page PDF whose info dictionaries live in object streams (each stream holds one). */
function pdfWithObjectStreams(streams: readonly ObjectStream[]): Uint8Array {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (bytes: Buffer): void => { parts.push(bytes); length += bytes.length; };
  const object = (num: number, body: Buffer | string): void => {
    offsets[num] = length;
    push(Buffer.from(`${num} 0 obj\n`, 'latin1'));
    push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    push(Buffer.from('\nendobj\n', 'latin1'));
  };
  push(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>');
  streams.forEach((stream, index) => {
    const inner = 10 + index;
    const header = `${inner} 0 `;
    const dict = `<< /Title (${stream.title}) >>`;
    let data: Buffer = Buffer.concat([Buffer.from(header + dict), Buffer.alloc(Math.max(0, stream.decodedBytes - header.length - dict.length), 0x20)]);
    for (let i = 0; i < stream.flateTimes; i++) data = deflateSync(data, { level: stream.stored === true && i < stream.flateTimes - 1 ? 0 : 9 });
    const filters = Array.from({ length: stream.flateTimes }, () => '/FlateDecode').join(' ');
    object(4 + index, Buffer.concat([
      Buffer.from(`<< /Type /ObjStm /N 1 /First ${header.length} /Filter [${filters}] /Length ${data.length} >>\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream', 'latin1'),
    ]));
  });
  const size = 10 + streams.length;
  const xrefAt = length;
  const rows = ['0000000000 65535 f \n'];
  for (let num = 1; num < 10; num++) rows.push(offsets[num] === undefined ? '0000000000 65535 f \n' : `${String(offsets[num]).padStart(10, '0')} 00000 n \n`);
  push(Buffer.from(`xref\n0 10\n${rows.join('')}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

const load = (pdf: Uint8Array): Promise<PDFDocument> => PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });

/** The titles of the info dictionaries the parse found inside object streams. */
function titles(doc: PDFDocument): string[] {
  return doc.context.enumerateIndirectObjects()
    .map(([, object]) => (object as { get?: (key: PDFName) => unknown }).get?.(PDFName.of('Title')))
    .filter((title): title is PDFString => title instanceof PDFString)
    .map((title) => title.decodeText())
    .sort();
}

describe('decoding PDF streams has a budget per document', () => {
  it('reads object streams of ordinary size, one or several, chained filters included', async () => {
    const doc = await load(pdfWithObjectStreams([
      { decodedBytes: 2 * MiB, flateTimes: 1, title: 'first' },
      { decodedBytes: 3 * MiB, flateTimes: 2, title: 'second' },
      { decodedBytes: 2 * MiB, flateTimes: 1, title: 'third' },
    ]));
    expect(titles(doc)).toEqual(['first', 'second', 'third']);
  });

  it('refuses one small stream that inflates far past the budget', async () => {
    const pdf = pdfWithObjectStreams([{ decodedBytes: 200 * MiB, flateTimes: 1, title: 'bomb' }]);
    expect(pdf.length).toBeLessThan(300_000);
    await expect(load(pdf)).rejects.toThrow();
  });

  it('refuses a chain of filters (Flate over Flate) whose last stage inflates past the budget', async () => {
    // Flate over Flate: the outer stage is small, the inner one is the bomb.
    const pdf = pdfWithObjectStreams([{ decodedBytes: 100 * MiB, flateTimes: 2, title: 'nested' }]);
    expect(pdf.length).toBeLessThan(20_000);
    await expect(load(pdf)).rejects.toThrow();
  });

  it('counts every stream of the document: many streams each under the budget still overrun it together', async () => {
    const each = { decodedBytes: 5 * MiB, flateTimes: 1 };
    await expect(load(pdfWithObjectStreams([{ ...each, title: 'a' }, { ...each, title: 'b' }]))).resolves.toBeDefined();
    await expect(load(pdfWithObjectStreams(['a', 'b', 'c', 'd', 'e'].map((title) => ({ ...each, title }))))).rejects.toThrow();
  });

  it('counts every stage of a filter chain: stages each under the budget overrun it together, and a long chain is refused', async () => {
    // Stored (uncompressed) inner layers: each stage inflates to the whole 7 MiB, from a file of kilobytes.
    const chained = pdfWithObjectStreams([{ decodedBytes: 7 * MiB, flateTimes: 4, stored: true, title: 'chained' }]);
    expect(chained.length).toBeLessThan(100_000);
    await expect(load(chained)).rejects.toThrow();
    const long = pdfWithObjectStreams([{ decodedBytes: 1 * MiB, flateTimes: 40, stored: true, title: 'long' }]);
    await expect(load(long)).rejects.toThrow();
    // Two stages of an ordinary size still read.
    expect(titles(await load(pdfWithObjectStreams([{ decodedBytes: 3 * MiB, flateTimes: 2, stored: true, title: 'two' }])))).toEqual(['two']);
  });

  it('budgets each document on its own: one refused bomb leaves the next document whole', async () => {
    await expect(load(pdfWithObjectStreams([{ decodedBytes: 50 * MiB, flateTimes: 1, title: 'bomb' }]))).rejects.toThrow();
    const after = await load(pdfWithObjectStreams([{ decodedBytes: 6 * MiB, flateTimes: 1, title: 'fine' }]));
    expect(titles(after)).toEqual(['fine']);
  });

  it('the signature check answers a bomb as a file it cannot read, not by exhausting memory', async () => {
    const bomb = pdfWithObjectStreams(['a', 'b', 'c', 'd'].map((title) => ({ decodedBytes: 60 * MiB, flateTimes: 1, title })));
    await expect(checkPdfSignatures(bomb, [])).rejects.toThrow();
  });
});
