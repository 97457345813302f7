/** Runs of `exclusive` under way in this JavaScript context, by name (where Web Locks are missing). */
const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `task` once no other task under `name` runs: across the tabs of a browser profile (Web
 * Locks, released when a tab closes), or within this context where the runtime has none (Node,
 * the tests' replicas). Aborting `signal` gives up a wait not yet over (it rejects; the task
 * never runs).
 */
export function exclusive<T>(name: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks) return locks.request(name, signal ? { signal } : {}, task);
  let started = false;
  const turn = () => {
    signal?.throwIfAborted();
    started = true;
    return task();
  };
  const run = (chains.get(name) ?? Promise.resolve()).then(turn, turn);
  const settled = run.then(() => undefined, () => undefined);
  chains.set(name, settled);
  void settled.then(() => {
    if (chains.get(name) === settled) chains.delete(name);
  });
  if (!signal) return run;
  // A wait is given up at once, as Web Locks do (its turn, when it comes, runs nothing); a task
  // already running runs to its end. The listener goes once the run is over: a long-lived signal
  // (a replication's) would otherwise gather one per run.
  let abort: (() => void) | undefined;
  const givenUp = new Promise<never>((_, reject) => {
    abort = () => {
      if (!started) reject(signal.reason as Error);
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
  givenUp.catch(() => undefined);
  void settled.then(() => signal.removeEventListener('abort', abort!));
  return Promise.race([run, givenUp]);
}
