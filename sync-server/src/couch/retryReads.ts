import type { DocumentScope, ServerScope } from 'nano';

/**
 * Requests to the store that are safe to send again when the connection fails before an answer
 * (a keep-alive socket the store closed, a reset under load): reads, including the read-only
 * POSTs (`fetch` and `fetchRevs` are `_all_docs` / `_revs_diff` with keys, `view` with keys,
 * `find`). Writes are never sent again here: a first attempt that reached the store before the
 * reset would make the second one answer `conflict` (or `forbidden`, for an existing row) — a
 * written row reported as "already there" (its notification skipped), a saved document reported
 * as lost. Writers that are idempotent by design (the HQ index's merges, the indexer's rows) already
 * take a conflict as "merge again" or "exists", and the callers above them retry whole steps.
 */
const READS: ReadonlySet<string> = new Set(['get', 'head', 'list', 'fetch', 'fetchRevs', 'view', 'find', 'info', 'changes', 'search']);

/** How many attempts a read gets in all, and the pause before each retry. */
export const READ_ATTEMPTS = 3;
const PAUSES_MS = [25, 150];

/**
 * Whether nano failed to get any answer from the store (it wraps every fetch failure —
 * ECONNRESET, "other side closed", ECONNREFUSED — as "error happened in your connection");
 * an HTTP answer, even a 5xx, is not one.
 */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof Error && !('statusCode' in error) && /^error happened in your connection/.test(error.message);
}

/** Runs `attempt` again (bounded) while it fails for want of a connection. */
export async function retryingConnection<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= READ_ATTEMPTS || !isConnectionFailure(error)) throw error;
      await new Promise((later) => setTimeout(later, PAUSES_MS[i - 1] ?? 150));
    }
  }
}

/** `target`, whose methods named in `retried` retry on a connection failure (only those returning a promise). */
function retryMethods<T extends object>(target: T, retried: (name: string, args: unknown[]) => boolean): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const call = (): unknown => Reflect.apply(value as (...a: unknown[]) => unknown, object, args);
        if (!retried(property, args)) return call();
        const first = call();
        // Streams and callbacks stay as they are: only promised answers can be asked for again.
        if (!(first instanceof Promise)) return first;
        let used = false;
        return retryingConnection(() => {
          if (used) return call() as Promise<unknown>;
          used = true;
          return first;
        });
      };
    },
  });
}

/** A database whose reads retry on a connection failure (see `READS`); its writes go once. */
export const retryReads = <T>(db: DocumentScope<T>): DocumentScope<T> => retryMethods(db, (name) => READS.has(name));

/**
 * nano's server scope whose GET and HEAD requests retry on a connection failure: `relax` and
 * `request` by their method, the database listing and information by name.
 */
export function retryServerReads(couch: ServerScope): ServerScope {
  const isRead = (args: unknown[]): boolean => {
    const options = args[0];
    const method = typeof options === 'object' && options !== null ? (options as { method?: unknown }).method : undefined;
    return method === undefined || (typeof method === 'string' && /^(get|head)$/i.test(method));
  };
  const db = retryMethods(couch.db, (name) => name === 'list' || name === 'get');
  const scoped = retryMethods(couch, (name, args) => (name === 'relax' || name === 'request') && isRead(args));
  return new Proxy(scoped, { get: (target, p, r) => (p === 'db' ? db : Reflect.get(target, p, r) as unknown) });
}
