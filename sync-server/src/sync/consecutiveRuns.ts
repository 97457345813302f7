/** A run of consecutive seqs, both ends included. */
export interface SeqRun {
  readonly from: number;
  readonly to: number;
}

/**
 * Splits seqs into maximal runs of consecutive ones, ascending; repeats count once. The device-log
 * audit checks each run against its stored neighbours only: inside a run there is no gap, so a
 * gap can only lie just below a run (or just above, where the next run's audit sees it).
 */
export function consecutiveRuns(seqs: Iterable<number>): SeqRun[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const runs: SeqRun[] = [];
  for (const seq of sorted) {
    const last = runs.at(-1);
    if (last !== undefined && seq === last.to + 1) runs[runs.length - 1] = { from: last.from, to: seq };
    else runs.push({ from: seq, to: seq });
  }
  return runs;
}
