/** Runs of `exclusive` under way in this JavaScript context, by name (where Web Locks are missing). */
const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `task` once no other task under `name` runs: across the tabs of a browser profile (Web
 * Locks, released when a tab closes), or within this context where the runtime has none (Node,
 * the tests' replicas).
 */
export function exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks) return locks.request(name, task);
  const run = (chains.get(name) ?? Promise.resolve()).then(task, task);
  const settled = run.then(() => undefined, () => undefined);
  chains.set(name, settled);
  void settled.then(() => {
    if (chains.get(name) === settled) chains.delete(name);
  });
  return run;
}
