/** Which chunks go up in which request: runs of what the server lacks, none longer than a request may carry. */
import { BLOB_CHUNKS_PER_REQUEST } from '@seal/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { missingRuns } from './missingRuns';

describe('missingRuns', () => {
  it('sends a photo of a few chunks in one request, and a larger upload in as few as a request allows', () => {
    expect(missingRuns(2, [])).toEqual([[0, 1]]);
    expect(missingRuns(BLOB_CHUNKS_PER_REQUEST + 1, [])).toEqual([Array.from({ length: BLOB_CHUNKS_PER_REQUEST }, (_, i) => i), [BLOB_CHUNKS_PER_REQUEST]]);
    expect(missingRuns(3, [0, 1, 2])).toEqual([]);
    expect(missingRuns(0, [])).toEqual([]);
  });

  it('resumes with exactly what the server lacks, each chunk once, in order, in consecutive runs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }).chain((chunks) => fc.tuple(fc.constant(chunks), fc.subarray(Array.from({ length: chunks }, (_, i) => i)))), ([chunks, received]) => {
        const runs = missingRuns(chunks, received);
        const sent = runs.flat();
        expect(sent).toEqual(Array.from({ length: chunks }, (_, i) => i).filter((i) => !received.includes(i)));
        for (const run of runs) {
          expect(run.length).toBeGreaterThan(0);
          expect(run.length).toBeLessThanOrEqual(BLOB_CHUNKS_PER_REQUEST);
          run.forEach((index, k) => k > 0 && expect(index).toBe(run[k - 1]! + 1));
        }
        // As few requests as the gaps and the limit allow: two runs are joined unless a gap or the limit parts them.
        runs.slice(1).forEach((run, k) => {
          const before = runs[k]!;
          expect(before.length === BLOB_CHUNKS_PER_REQUEST || run[0]! !== before.at(-1)! + 1).toBe(true);
        });
      }),
    );
  });
});
