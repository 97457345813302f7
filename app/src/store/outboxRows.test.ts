import { describe, expect, it } from 'vitest';
import type { LocalDoc } from './collections';
import { asEntry, waitingRows } from './outboxRows';

const entry = (key: string, seq: number, ids: string[], data: Record<string, unknown> = {}) =>
  asEntry({ key, at: Math.floor(seq / 1000), data: { seq, ids, ...data } });

describe('which waiting rows a push checks for bytes to queue', () => {
  it('an entry written before the mark, or of an older version (one per row), is checked; a marked one as it says', () => {
    const older: LocalDoc<'outbox'>[] = [{ id: 'outbox:r0', type: 'outbox', key: 'r0', at: 1, data: { seq: 1_000 } }];
    const rows = waitingRows([
      entry('outbox~a', 2_000, ['r1'], {}),
      entry('outbox~b', 3_000, ['r2', 'r3'], { bytesKept: false }),
      entry('outbox~c', 4_000, ['r4'], { bytesKept: true }),
    ], older);
    expect(rows.map((row) => [row.key, row.bytesKept])).toEqual([['r0', true], ['r1', true], ['r2', false], ['r3', false], ['r4', true]]);
  });

  it('a row noted in two entries goes where it was noted last, and is checked if either says so', () => {
    const rows = waitingRows([
      entry('outbox~a', 2_000, ['r1', 'r2'], { bytesKept: true }),
      entry('outbox~b', 3_000, ['r3'], { bytesKept: false }),
      entry('outbox~c', 4_000, ['r1'], { bytesKept: false }),
      entry('outbox~d', 5_000, ['r3'], { bytesKept: false }),
    ], []);
    expect(rows.map((row) => [row.key, row.bytesKept])).toEqual([['r2', true], ['r1', true], ['r3', false]]);
  });
});
