/**
 * The replication's `Loop` (one pass at a time, asked again while one runs): a request made
 * while a pass is finishing — any number of microtasks after its last await — gets a pass of its
 * own; a request is never dropped. (Found by a hostile review: a request between the last look at
 * "asked again" and letting go of the running pass was lost.)
 */
import { describe, expect, it } from 'vitest';
import { Loop } from '../../app/src/store/replicationParts';

const after = (microtasks: number, then: () => void): void => {
  let p: Promise<void> = Promise.resolve();
  for (let i = 0; i < microtasks; i++) p = p.then(() => undefined);
  void p.then(then);
};

describe('a replication loop', () => {
  it('runs another pass for a request made while a pass is finishing, whatever the moment', async () => {
    const lost: number[] = [];
    for (let k = 0; k < 8; k++) {
      let runs = 0;
      const loop: Loop = new Loop(() => {
        runs++;
        if (runs === 1) after(k, () => loop.request());
        return Promise.resolve();
      }, 60_000, () => false);
      loop.request();
      await new Promise((r) => setTimeout(r, 20));
      if (runs !== 2) lost.push(k);
    }
    expect(lost).toEqual([]);
  });

  it('waits for a failed pass to be tried again rather than running on a nudge', async () => {
    let runs = 0;
    const loop = new Loop(() => {
      runs++;
      return Promise.reject(new Error('offline'));
    }, 60_000, () => false);
    loop.request();
    await new Promise((r) => setTimeout(r, 10));
    loop.nudge();
    loop.nudge();
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(1);
    expect(loop.idle).toBe(false);
    loop.request();
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(2);
    await loop.stop();
    expect(loop.idle).toBe(true);
  });
});
