import { describeProblems } from './env/describeProblems';
import { environmentSchema } from './env/environmentSchema';

/**
 * Everything the sync-server reads from its environment, resolved once at start. Each variable,
 * its default and its bounds are declared once, in `env/environmentSchema.ts`.
 */
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
   * The organisation CA's key and certificate, one PEM file (ORG_CA_PATH, default DATA_DIR/org-ca.pem;
   * ADR 008). Servers sharing one CouchDB must share it, as they share ORG_KEY_PATH.
   */
  readonly orgCaPath?: string;
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
   * How long the server waits at start for each answer of the store it checks (STORE_ANSWER_SECONDS,
   * default 30 s): a COUCHDB_URL pointing at a host that takes connections and says nothing ends
   * the start with a message naming the store, instead of hanging.
   */
  readonly storeAnswerMs: number;
  /**
   * REQUEST_SECONDS (default 3600): the most time a request's headers and body may take to arrive.
   * Past it the server answers 408 and closes the connection, so a client trickling a body in
   * holds nothing for good. The default lets the largest body (a scan, ~11.2 MB) arrive at 3.2 KB/s.
   */
  readonly requestMs: number;
  /**
   * IDLE_SECONDS (default 300): a connection on which nothing moves for this long, either way, is
   * closed (the sync stream's heartbeat is every 15 s). Headers must arrive within a minute.
   */
  readonly idleMs: number;
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
  /**
   * PULL_STALE_INDEX_FROM (default 1,000, at most 50,000): a back-fill reads the scope index as it
   * stands, and the changes it has not taken in from the feed, once it lags the store by this many
   * changes (ADR 010); below that it is brought up to date first (exact progress, ~0.3 ms a row on
   * the embedded store). Tests set 0 to read a lagging index with few rows.
   */
  readonly pullStaleIndexFrom: number;
  /**
   * ELECTRONIC_SIGNING (default true): whether signing certificates are issued and impressions
   * countersigned (ADR 008). Each countersignature is judged against the impression's electronic
   * grant (`judgeImpression`: approved document hash, uses, window); `false` turns signing off.
   */
  readonly electronicSigning: boolean;
  /** Outbound webhooks (see hq/notify). */
  readonly webhooks: WebhookSettings;
  /** LOG_LEVEL: fastify's request log at this pino level; unset, no request log. */
  readonly logLevel: string | undefined;
}

/** How the server delivers webhooks. */
export interface WebhookSettings {
  /**
   * WEBHOOK_KEY_PATH (default DATA_DIR/webhook-secrets.key): the AES-256-GCM key the hooks'
   * signing secrets are encrypted with in the store (an HMAC secret cannot be kept as a hash).
   * Servers sharing one CouchDB must share this file, as they share STORE_MAC_KEY_PATH.
   */
  readonly keyPath: string;
  /**
   * WEBHOOK_ALLOW_PRIVATE (default false): whether hooks may reach loopback, private, link-local
   * or otherwise internal addresses. Off, a hook cannot be used to probe the server's own
   * network; tests (a receiver on 127.0.0.1) and intranet OA systems turn it on.
   */
  readonly allowPrivateAddresses: boolean;
  /** WEBHOOK_RETRY_BASE_MS (default 30 s): the wait before the first retry; each next one doubles it. */
  readonly retryBaseMs: number;
  /** WEBHOOK_MAX_ATTEMPTS (default 8): attempts per delivery before it is marked failed. */
  readonly maxAttempts: number;
}

/** How many times AUTH_RATE_LIMIT sign-in and passkey ceremonies may run per client address per minute. */
export const CEREMONY_RATE_LIMIT_FACTOR = 4;

/** The environment refused: one sentence per variable at fault, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from the environment through {@link environmentSchema}; throws
 * `ConfigError` naming each variable refused, what it must be and what arrived.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const parsed = environmentSchema(cwd).safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(describeProblems(parsed.error.issues, env).join('\n'));
}
