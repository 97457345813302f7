import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exclusive } from '../../app/src/store/exclusive';

describe('exclusive (where Web Locks are missing)', () => {
  it('runs tasks under one name one at a time, in order', async () => {
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([exclusive('x', task('a', 20)), exclusive('x', task('b', 1)), exclusive('x', task('c', 1))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('gives up a wait when its signal aborts (the task never runs), and lets a running task end', async () => {
    const giveUp = new AbortController();
    let release!: () => void;
    const first = exclusive('y', () => new Promise<string>((resolve) => (release = () => resolve('first'))), giveUp.signal);
    let secondRan = false;
    const second = exclusive('y', () => {
      secondRan = true;
      return Promise.resolve();
    }, giveUp.signal);
    await new Promise((resolve) => setTimeout(resolve, 5));
    giveUp.abort(new Error('stopped'));
    await expect(second).rejects.toThrow('stopped');
    release();
    await expect(first).resolves.toBe('first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(secondRan).toBe(false);
  });

  it('leaves no listener on a long-lived signal once its runs are over', async () => {
    const giveUp = new AbortController();
    for (let i = 0; i < 50; i++) await exclusive('z', () => Promise.resolve(i), giveUp.signal);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(getEventListeners(giveUp.signal, 'abort')).toHaveLength(0);
  });
});
