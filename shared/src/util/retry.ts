/**
 * Waiting and trying again, written once for every part: the app's directory refresh, its live
 * sync stream, its attachment queue and the seal transport's reconnection all back off the same
 * way. Runs alike in the browser, in Node and on the device (timers and `AbortSignal` only).
 */

/** How the wait between attempts grows. */
export interface BackoffPolicy {
  /** The wait after the first failure. */
  readonly initialDelayMs: number;
  /** No wait is longer than this (jitter only shortens a wait, never lengthens it). */
  readonly maxDelayMs: number;
  /** Each wait is the previous one times this (default 2; 1 waits the same every time). */
  readonly factor?: number;
  /**
   * The share of each wait that is random, from 0 (default: exact waits) to 1: a wait of `d` is
   * drawn from `[d × (1 − jitter), d]`, so that many clients failing together do not retry together.
   */
  readonly jitter?: number;
}

/** The wait before retry number `failures` (1: after the first failure), jitter applied. */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const factor = policy.factor ?? 2;
  const grown = policy.initialDelayMs * factor ** Math.max(0, failures - 1);
  const capped = Math.min(policy.maxDelayMs, grown);
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0));
  return jitter === 0 ? capped : capped * (1 - jitter * random());
}

/**
 * The growing wait of one retry loop: `next()` after each failure, `reset()` after a success
 * (the next failure waits the initial delay again).
 */
export class Backoff {
  #failures = 0;
  constructor(
    readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt; each call counts one more failure. */
  next(): number {
    this.#failures++;
    return backoffDelay(this.policy, this.#failures, this.random);
  }

  reset(): void {
    this.#failures = 0;
  }

  /** Failures counted since the last reset. */
  get failures(): number {
    return this.#failures;
  }
}

/** The reason an aborted signal carries when it is an error; otherwise an `AbortError`. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}

/** Timers take at most 2³¹−1 ms; a longer wait would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts (at once if it
 * has). `Infinity` (or any wait beyond a timer's range) waits for the signal alone.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = ms > LONGEST_TIMER_MS ? undefined : setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions extends BackoffPolicy {
  /** Attempts in all, the first one included (default: no limit). */
  readonly attempts?: number;
  /** Stops waiting and trying: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Whether a failure is worth another attempt (default: every one); `false` rejects with it at once. */
  readonly retryIf?: (error: unknown, attempt: number) => boolean;
  /** Told of each failure that will be tried again, with the wait before the next attempt. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** For tests: the random source of the jitter. */
  readonly random?: () => number;
}

/**
 * Runs `attempt` until it resolves, waiting longer after each failure (see {@link BackoffPolicy}).
 * Rejects with the last failure once `attempts` are spent or `retryIf` refuses it, and with the
 * signal's reason when `signal` aborts (a wait in progress ends at once).
 */
export async function retry<T>(attempt: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = new Backoff(options, options.random);
  const attempts = options.attempts ?? Infinity;
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    try {
      return await attempt(n);
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (n >= attempts || (options.retryIf !== undefined && !options.retryIf(error, n))) throw error;
      const delay = backoff.next();
      options.onRetry?.(error, n, delay);
      await sleep(delay, options.signal);
    }
  }
}
