import { inflateSync } from 'node:zlib';

/** The most the compressed streams of a PDF sent to the server may inflate to, in all. */
export const MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024;
/** The most streams a PDF sent to the server may hold. */
export const MAX_PDF_STREAMS = 20_000;

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');

/**
 * Whether a PDF's streams stay within bounds before a PDF library parses it: at most
 * `MAX_PDF_STREAMS` streams, which inflate (those that are Flate data) to at most
 * `MAX_PDF_INFLATED_BYTES` in all. pdf-lib inflates object streams with no limit, so a few MB of
 * crafted zeros sent by anyone to `/api/verify/pdf` would become gigabytes in the server's memory.
 * Each stream is inflated here with a ceiling (Node's zlib stops at `maxOutputLength`), then
 * dropped; a stream that is not Flate data costs nothing.
 */
export function pdfWithinBounds(pdf: Uint8Array): boolean {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  let left = MAX_PDF_INFLATED_BYTES;
  let streams = 0;
  for (let at = bytes.indexOf(STREAM); at >= 0; at = bytes.indexOf(STREAM, at)) {
    // `endstream` holds `stream`: only a keyword not preceded by `end` opens one.
    if (at >= 3 && bytes.toString('latin1', at - 3, at) === 'end') {
      at += STREAM.length;
      continue;
    }
    if (++streams > MAX_PDF_STREAMS) return false;
    let start = at + STREAM.length;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const end = bytes.indexOf(END_STREAM, start);
    if (end < 0) return true;
    try {
      left -= inflateSync(bytes.subarray(start, end), { maxOutputLength: left + 1 }).length;
    } catch (error) {
      // Past the ceiling: refused. Not Flate data (or cut short): pdf-lib gets no more out of it.
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return false;
    }
    if (left < 0) return false;
    at = end + END_STREAM.length;
  }
  return true;
}
