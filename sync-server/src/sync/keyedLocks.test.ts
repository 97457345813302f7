import { describe, expect, it } from 'vitest';
import { KeyedLocks, pushLockKeys } from './keyedLocks';

/** A task that notes when it starts and ends, and ends when told. */
function task(name: string, log: string[]) {
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { finish, run: async () => { log.push(`${name} starts`); await gate; log.push(`${name} ends`); return name; } };
}
const turns = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('keyed locks', () => {
  it('runs tasks sharing a key one after the other, in arrival order, and tasks sharing none side by side', async () => {
    const locks = new KeyedLocks();
    const log: string[] = [];
    const [a, b, c] = [task('a', log), task('b', log), task('c', log)];
    const runs = [locks.run(['unit:1', 'subject:x'], a.run), locks.run(['subject:x'], b.run), locks.run(['unit:2'], c.run)];
    await turns();
    expect(log).toEqual(['a starts', 'c starts']);
    c.finish();
    b.finish();
    await turns();
    expect(log).toEqual(['a starts', 'c starts', 'c ends']);
    a.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a starts', 'c starts', 'c ends', 'a ends', 'b starts', 'b ends']);
    expect(locks.size).toBe(0);
  });

  it('frees a task\'s keys when it throws, and never deadlocks tasks taking keys in opposite orders', async () => {
    const locks = new KeyedLocks();
    await expect(locks.run(['k'], () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    const order: string[] = [];
    await Promise.all([
      locks.run(['p', 'q'], async () => { await turns(); order.push('pq'); }),
      locks.run(['q', 'p'], () => { order.push('qp'); return Promise.resolve(); }),
      locks.run(['k'], () => { order.push('k'); return Promise.resolve(); }),
    ]);
    expect(order).toEqual(['k', 'pq', 'qp']);
    expect(locks.size).toBe(0);
  });

  it('keys a push by its rows\' subjects, as sent, ignoring what is not a row', () => {
    const rows = [{ scopeUnitId: 'site-1', subject: 'seal:s1' }, { scopeUnitId: 'site-1', subject: 'request:r1' }, { subject: 'seal:s1' }, null, 7, { subject: 5 }, { subject: 'x'.repeat(301) }];
    expect(pushLockKeys(rows).sort()).toEqual(['subject:request:r1', 'subject:seal:s1']);
  });
});
