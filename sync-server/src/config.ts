import { resolve } from 'node:path';

/** Everything the sync-server reads from its environment, resolved once at start. */
export interface ServerConfig {
  /** TCP port of the HTTP API and the served PWA. */
  readonly port: number;
  /** Interface to listen on. Loopback by default; set HOST=0.0.0.0 to serve tablets on a LAN. */
  readonly host: string;
  /** Where the embedded store, the organisation key and other local state live. */
  readonly dataDir: string;
  /** Apache CouchDB to use instead of the embedded store (e.g. http://admin:pw@127.0.0.1:5984). */
  readonly couchUrl: string | undefined;
  /** The built PWA to serve at `/`, if present. */
  readonly staticDir: string;
  /** Prefix of every database this server creates, so several products can share one CouchDB. */
  readonly dbPrefix: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const prefix = env.DB_PREFIX ?? 'sealctl_';
  if (!/^[a-z][a-z0-9_$()+/-]*$/.test(prefix)) {
    throw new ConfigError(`DB_PREFIX must be a valid CouchDB database name prefix, got "${prefix}"`);
  }
  return {
    port: parsePort(env.PORT, 8080),
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(cwd, env.DATA_DIR ?? 'data'),
    couchUrl: env.COUCHDB_URL || undefined,
    staticDir: resolve(cwd, env.STATIC_DIR ?? 'dist/app'),
    dbPrefix: prefix,
  };
}
