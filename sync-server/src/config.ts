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
  /** WebAuthn relying-party id: the registrable domain passkeys are scoped to (RP_ID). */
  readonly rpId: string;
  /** Name the authenticator shows when a passkey is created (RP_NAME). */
  readonly rpName: string;
  /**
   * Origins WebAuthn ceremonies may come from (ORIGINS, comma-separated, or ORIGIN); the first
   * is the canonical one. Also the only origins allowed to send state-changing requests.
   */
  readonly origins: readonly string[];
  /** PKCS#8 PEM of the organisation's ECDSA P-256 key (ORG_KEY_PATH, default DATA_DIR/org-key.pem). */
  readonly orgKeyPath: string;
  /**
   * Key of the MAC every document the server writes to the store carries (STORE_MAC_KEY_PATH,
   * default DATA_DIR/store-mac.key). Servers sharing one CouchDB must share this file.
   */
  readonly storeMacKeyPath: string;
  /** A session ends after this long without a request (SESSION_IDLE_MINUTES, default 12 h). */
  readonly sessionIdleMs: number;
  /** A session ends this long after sign-in whatever happens (SESSION_MAX_HOURS, default 7 days). */
  readonly sessionMaxMs: number;
  /** Default life of an invitation code (INVITATION_TTL_HOURS, default 72). */
  readonly invitationTtlMs: number;
  /** Life of a WebAuthn challenge (CHALLENGE_TTL_SECONDS, default 300). */
  readonly challengeTtlMs: number;
  /**
   * AUTH_RATE_LIMIT (default 30): requests per client address per minute to the routes that check
   * a one-time code (setup and invitation codes), together. Sign-in and passkey ceremonies are
   * counted apart and get {@link CEREMONY_RATE_LIMIT_FACTOR} times as many, so that a site's
   * tablets behind one address keep signing in while someone mistypes a code.
   */
  readonly authRateLimitPerMinute: number;
  /**
   * PULL_SCAN_LIMIT (default 20,000): most changes of the store's feed one pull request reads while
   * looking for rows in the asker's scope; past it the pull answers with what it found and `more`.
   * Tests lower it to cross the cap with few rows.
   */
  readonly pullScanLimit: number;
}

/** How many times AUTH_RATE_LIMIT sign-in and passkey ceremonies may run per client address per minute. */
export const CEREMONY_RATE_LIMIT_FACTOR = 4;

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

function parsePositive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Parses one origin strictly: scheme, host and port only, as browsers write it in clientDataJSON. */
function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`ORIGINS entry "${raw}" is not a URL (expected e.g. https://seal.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`ORIGINS entry "${raw}" must be http: or https:, got ${url.protocol}`);
  }
  if (url.origin !== raw.replace(/\/$/, '')) {
    throw new ConfigError(`ORIGINS entry "${raw}" must be a bare origin (no path, query or default port): "${url.origin}"`);
  }
  return url.origin;
}

function parseOrigins(env: NodeJS.ProcessEnv, port: number, rpId: string): string[] {
  const raw = env.ORIGINS || env.ORIGIN || `http://localhost:${port}`;
  const origins = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean).map(parseOrigin))];
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new ConfigError(`Origin "${origin}" is not within RP_ID "${rpId}": passkeys would never work there`);
    }
  }
  return origins;
}

/** Reads the configuration from the environment; throws `ConfigError` saying what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const prefix = env.DB_PREFIX ?? 'sealctl_';
  if (!/^[a-z][a-z0-9_$()+/-]*$/.test(prefix)) {
    throw new ConfigError(`DB_PREFIX must be a valid CouchDB database name prefix, got "${prefix}"`);
  }
  const port = parsePort(env.PORT, 8080);
  const dataDir = resolve(cwd, env.DATA_DIR ?? 'data');
  const rpId = env.RP_ID || 'localhost';
  if (!/^[a-z0-9.-]+$/i.test(rpId) || /^[0-9.]+$/.test(rpId)) {
    throw new ConfigError(`RP_ID must be a domain name (not an IP address), got "${rpId}"`);
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    couchUrl: env.COUCHDB_URL || undefined,
    staticDir: resolve(cwd, env.STATIC_DIR ?? 'dist/app'),
    dbPrefix: prefix,
    rpId,
    rpName: env.RP_NAME || 'Seal Control 印章管控',
    origins: parseOrigins(env, port, rpId),
    orgKeyPath: resolve(cwd, env.ORG_KEY_PATH || resolve(dataDir, 'org-key.pem')),
    storeMacKeyPath: resolve(cwd, env.STORE_MAC_KEY_PATH || resolve(dataDir, 'store-mac.key')),
    sessionIdleMs: parsePositive('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 12 * 60) * 60_000,
    sessionMaxMs: parsePositive('SESSION_MAX_HOURS', env.SESSION_MAX_HOURS, 7 * 24) * 3_600_000,
    invitationTtlMs: parsePositive('INVITATION_TTL_HOURS', env.INVITATION_TTL_HOURS, 72) * 3_600_000,
    challengeTtlMs: parsePositive('CHALLENGE_TTL_SECONDS', env.CHALLENGE_TTL_SECONDS, 300) * 1000,
    authRateLimitPerMinute: parsePositive('AUTH_RATE_LIMIT', env.AUTH_RATE_LIMIT, 30),
    pullScanLimit: Math.ceil(parsePositive('PULL_SCAN_LIMIT', env.PULL_SCAN_LIMIT, 20_000)),
  };
}
