import Nano, { type DocumentScope, type ServerScope } from 'nano';
import { macScope } from './macScope';
import { retryReads, retryServerReads } from './retryReads';
import type { StoreMac } from './storeMac';

/** What `/healthz` reports of the store. */
export interface StoreHealth {
  readonly reachable: boolean;
  readonly kind: 'embedded' | 'couchdb';
  readonly vendor?: string;
  readonly version?: string;
  readonly error?: string;
}

/** The CouchDB the server persists to, embedded or external, always reached over HTTP via nano. */
export interface Store {
  readonly kind: 'embedded' | 'couchdb';
  /**
   * nano, with every database it opens (`use`) MAC-checked: documents written carry the server's
   * MAC, documents read without a valid one are absent (see `macScope`).
   */
  readonly couch: ServerScope;
  /** Full database name for a logical one (`requests` → `sealctl_requests`). */
  dbName(logical: string): string;
  health(): Promise<StoreHealth>;
  /** Creates the databases that are missing; safe to run at every start and from several servers. */
  ensureDatabases(logicalNames: readonly string[]): Promise<void>;
}

interface CouchWelcome {
  couchdb?: string;
  version?: string;
  vendor?: { name?: string; version?: string };
  'express-pouchdb'?: string;
}

/**
 * nano whose `use` (and `db.use`) opens MAC-checked databases, bound to their logical names; every
 * read, of a database or of the server, retries (bounded) when the connection fails before an
 * answer — a keep-alive socket the store closed, a reset under load (see `retryReads`).
 */
function withMacs(couch: ServerScope, prefix: string, mac: StoreMac): ServerScope {
  const use = <T>(name: string): DocumentScope<T> =>
    macScope(retryReads(couch.use<T>(name)), name.startsWith(prefix) ? name.slice(prefix.length) : name, mac);
  const db = new Proxy(couch.db, { get: (target, p, r) => (p === 'use' ? use : Reflect.get(target, p, r) as unknown) });
  return new Proxy(couch, { get: (target, p, r) => (p === 'use' || p === 'scope' ? use : p === 'db' ? db : Reflect.get(target, p, r) as unknown) });
}

/** How long `/healthz` waits for the store before reporting it unreachable. */
export const HEALTH_WAIT_MS = 5_000;

/**
 * Connects to the store at `url` (credentials in the URL: the embedded store's generated ones, or
 * COUCHDB_URL's); `mac` marks what the server writes and checks what it reads.
 */
export function connectStore(url: string, kind: Store['kind'], prefix: string, mac: StoreMac, healthWaitMs = HEALTH_WAIT_MS): Store {
  const couch = withMacs(retryServerReads(Nano({ url })), prefix, mac);
  const dbName = (logical: string): string => `${prefix}${logical}`;
  return {
    kind,
    couch,
    dbName,
    async health() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // A store that takes the connection and never answers (a thread stuck in a computation, a
        // CouchDB node wedged) is reported as down within a bound, never by a /healthz that hangs.
        const silent = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the store did not answer within ${healthWaitMs / 1000} s`)), healthWaitMs);
        });
        const welcome = (await Promise.race([couch.relax({ path: '' }), silent])) as CouchWelcome;
        return {
          reachable: true,
          kind,
          vendor: welcome.vendor?.name ?? (welcome.couchdb ? 'Apache CouchDB' : 'unknown'),
          version: welcome.version ?? welcome.vendor?.version ?? 'unknown',
        };
      } catch (err) {
        return { reachable: false, kind, error: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
      }
    },
    async ensureDatabases(logicalNames) {
      const existing = new Set(await couch.db.list());
      for (const logical of logicalNames) {
        const name = dbName(logical);
        if (existing.has(name)) continue;
        try {
          await couch.db.create(name);
        } catch (err) {
          // Another server instance may have created it between our list and our create.
          if ((err as { statusCode?: number }).statusCode !== 412) throw err;
        }
      }
    },
  };
}
