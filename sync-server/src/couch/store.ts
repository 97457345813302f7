import Nano, { type ServerScope } from 'nano';

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

export function connectStore(url: string, kind: Store['kind'], prefix: string): Store {
  const couch = Nano({ url });
  const dbName = (logical: string): string => `${prefix}${logical}`;
  return {
    kind,
    couch,
    dbName,
    async health() {
      try {
        const welcome = (await couch.relax({ path: '' })) as CouchWelcome;
        return {
          reachable: true,
          kind,
          vendor: welcome.vendor?.name ?? (welcome.couchdb ? 'Apache CouchDB' : 'unknown'),
          version: welcome.version ?? welcome.vendor?.version ?? 'unknown',
        };
      } catch (err) {
        return { reachable: false, kind, error: err instanceof Error ? err.message : String(err) };
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
