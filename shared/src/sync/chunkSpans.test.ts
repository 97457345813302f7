import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, BLOB_CHUNKS_PER_REQUEST, chunkSpans } from './protocol';

/** The attachment's chunks as byte ranges, cut by walking its bytes (not by the rule under test). */
function chunkEnds(size: number): number[] {
  const ends: number[] = [];
  for (let end = BLOB_CHUNK_BYTES; end < size; end += BLOB_CHUNK_BYTES) ends.push(end);
  ends.push(size);
  return ends;
}

describe('chunkSpans: how an upload body divides into chunks', () => {
  it('takes exactly 1 to BLOB_CHUNKS_PER_REQUEST whole chunks from `from`, and nothing else', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 * BLOB_CHUNK_BYTES }), fc.nat(12), fc.integer({ min: 0, max: 6 * BLOB_CHUNK_BYTES }), (size, from, length) => {
      const ends = chunkEnds(size);
      const start = from === 0 ? 0 : ends[from - 1];
      const answer = chunkSpans(size, from, length);
      // Whole chunks: the body ends where one of the next few chunks ends.
      const whole = start !== undefined && ends.slice(from, from + BLOB_CHUNKS_PER_REQUEST).some((end) => end - start === length);
      expect(answer.ok).toBe(whole);
      if (answer.ok) {
        expect(answer.lengths.reduce((a, b) => a + b, 0)).toBe(length);
        answer.lengths.forEach((l, i) => expect(l).toBe(ends[from + i]! - (from + i === 0 ? 0 : ends[from + i - 1]!)));
      } else {
        expect(answer.reason.length).toBeGreaterThan(0);
      }
    }), { numRuns: 2000 });
  });

  it('refuses the edges: nothing, a start past the end, one byte either side of a chunk', () => {
    expect(chunkSpans(1000, 0, 0).ok).toBe(false);
    expect(chunkSpans(1000, 1, 1000).ok).toBe(false);
    expect(chunkSpans(1000, 0, 1000).ok).toBe(true);
    expect(chunkSpans(BLOB_CHUNK_BYTES + 1, 0, BLOB_CHUNK_BYTES).ok).toBe(true);
    expect(chunkSpans(BLOB_CHUNK_BYTES + 1, 0, BLOB_CHUNK_BYTES - 1).ok).toBe(false);
    expect(chunkSpans(BLOB_CHUNK_BYTES + 1, 0, BLOB_CHUNK_BYTES + 2).ok).toBe(false);
    expect(chunkSpans(9 * BLOB_CHUNK_BYTES, 0, (BLOB_CHUNKS_PER_REQUEST + 1) * BLOB_CHUNK_BYTES).ok).toBe(false);
  });
});
