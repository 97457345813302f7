import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff, backoffDelay, retry, sleep } from './retry';

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const policy = { initialDelayMs: 250, maxDelayMs: 4_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(policy, n))).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('grows by the given factor, or not at all with factor 1', () => {
    expect([1, 2, 3].map((n) => backoffDelay({ initialDelayMs: 100, maxDelayMs: 10_000, factor: 3 }, n))).toEqual([100, 300, 900]);
    expect([1, 2, 3].map((n) => backoffDelay({ initialDelayMs: 5_000, maxDelayMs: 5_000, factor: 1 }, n))).toEqual([5_000, 5_000, 5_000]);
  });

  it('keeps jittered waits within [d × (1 − jitter), d], never above the cap', () => {
    const policy = { initialDelayMs: 1_000, maxDelayMs: 8_000, jitter: 0.5 };
    expect(backoffDelay(policy, 3, () => 0)).toBe(4_000);
    expect(backoffDelay(policy, 3, () => 0.999_999)).toBeCloseTo(2_000, 2);
    expect(backoffDelay(policy, 10, () => 0)).toBe(8_000);
    let seed = 7;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    for (let n = 1; n <= 12; n++) {
      const full = Math.min(8_000, 1_000 * 2 ** (n - 1));
      const wait = backoffDelay(policy, n, random);
      expect(wait).toBeGreaterThanOrEqual(full / 2);
      expect(wait).toBeLessThanOrEqual(full);
    }
  });

  it('clamps a jitter outside 0..1', () => {
    expect(backoffDelay({ initialDelayMs: 100, maxDelayMs: 100, jitter: 3 }, 1, () => 0.5)).toBe(50);
    expect(backoffDelay({ initialDelayMs: 100, maxDelayMs: 100, jitter: -1 }, 1, () => 0.5)).toBe(100);
  });
});

describe('Backoff', () => {
  it('counts failures until reset, then starts from the initial delay again', () => {
    const backoff = new Backoff({ initialDelayMs: 2_000, maxDelayMs: 300_000 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([2_000, 4_000, 8_000]);
    expect(backoff.failures).toBe(3);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(2_000);
  });
});

describe('sleep and retry (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sleep resolves after the delay and not before', async () => {
    let done = false;
    void sleep(1_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('sleep rejects with the reason once aborted, and at once when aborted before', async () => {
    const abort = new AbortController();
    const waiting = sleep(60_000, abort.signal);
    const outcome = waiting.then(() => 'slept', (e: unknown) => e);
    abort.abort(new Error('stop'));
    expect(await outcome).toEqual(new Error('stop'));
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(10, abort.signal)).rejects.toEqual(new Error('stop'));
  });

  it('sleep(Infinity) sets no timer and waits for the signal alone', async () => {
    const abort = new AbortController();
    let outcome = 'waiting';
    void sleep(Infinity, abort.signal).then(() => (outcome = 'slept'), () => (outcome = 'woken'));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * 2 ** 31);
    expect(outcome).toBe('waiting');
    abort.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBe('woken');
  });

  it('succeeds after failures, waiting the growing delays in between', async () => {
    const calledAt: number[] = [];
    const start = Date.now();
    const delays: number[] = [];
    const result = retry(
      (n) => {
        calledAt.push(Date.now() - start);
        return n < 4 ? Promise.reject(new Error(`failure ${n}`)) : Promise.resolve('done');
      },
      { initialDelayMs: 100, maxDelayMs: 250, onRetry: (_e, _n, delay) => delays.push(delay) },
    );
    await vi.runAllTimersAsync();
    expect(await result).toBe('done');
    expect(delays).toEqual([100, 200, 250]);
    expect(calledAt).toEqual([0, 100, 300, 550]);
  });

  it('gives up with the last failure once the attempts are spent', async () => {
    let calls = 0;
    const result = retry((n) => {
      calls++;
      return Promise.reject(new Error(`failure ${n}`));
    }, { initialDelayMs: 10, maxDelayMs: 10, attempts: 3 });
    const outcome = result.catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual(new Error('failure 3'));
    expect(calls).toBe(3);
  });

  it('stops at once on a failure retryIf refuses', async () => {
    let calls = 0;
    const outcome = retry(() => {
      calls++;
      return Promise.reject(new Error(calls === 2 ? 'fatal' : 'transient'));
    }, { initialDelayMs: 10, maxDelayMs: 10, retryIf: (e) => (e as Error).message !== 'fatal' }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual(new Error('fatal'));
    expect(calls).toBe(2);
  });

  it('aborting ends the wait at once: no further attempt, rejects with the reason', async () => {
    const abort = new AbortController();
    let calls = 0;
    const outcome = retry(() => {
      calls++;
      return Promise.reject(new Error('down'));
    }, { initialDelayMs: 10_000, maxDelayMs: 10_000, signal: abort.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    abort.abort(new Error('closed'));
    expect(await outcome).toEqual(new Error('closed'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('jittered retries wait within the bounds', async () => {
    const delays: number[] = [];
    const outcome = retry(() => Promise.reject(new Error('down')), { initialDelayMs: 1_000, maxDelayMs: 4_000, jitter: 0.25, attempts: 6, random: () => 0.5, onRetry: (_e, _n, d) => delays.push(d) }).catch(() => undefined);
    await vi.runAllTimersAsync();
    await outcome;
    expect(delays).toEqual([875, 1_750, 3_500, 3_500, 3_500]);
  });
});
