import { BLOB_CHUNKS_PER_REQUEST } from '@seal/shared';

/**
 * The chunks the server lacks, in requests: runs of consecutive indices, each of at most
 * `BLOB_CHUNKS_PER_REQUEST` (a photo of a few hundred KB goes up in one request).
 */
export function missingRuns(chunks: number, received: readonly number[]): number[][] {
  const held = new Set(received);
  const runs: number[][] = [];
  let run: number[] = [];
  for (let index = 0; index < chunks; index++) {
    if (held.has(index) || run.length === BLOB_CHUNKS_PER_REQUEST) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (!held.has(index)) run.push(index);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
