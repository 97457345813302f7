import { describe, expect, it } from 'vitest';
import { consecutiveRuns } from './consecutiveRuns';

describe('consecutiveRuns', () => {
  it('splits seqs into ascending runs of consecutive ones, whatever order they come in', () => {
    expect(consecutiveRuns([7, 0, 1, 2, 9, 8, 4])).toEqual([{ from: 0, to: 2 }, { from: 4, to: 4 }, { from: 7, to: 9 }]);
  });

  it('counts a repeated seq once', () => {
    expect(consecutiveRuns([3, 3, 4, 4])).toEqual([{ from: 3, to: 4 }]);
  });

  it('has no run for no seqs', () => {
    expect(consecutiveRuns([])).toEqual([]);
  });
});
