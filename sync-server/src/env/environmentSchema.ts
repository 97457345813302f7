import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { parseOrigins, type SettingProblem } from './parseOrigins';
import {
  couchUrl, displayText, domainName, listenHost, LOG_LEVELS, optionalSetting, pathText, positiveDecimal, wholeNumber, withDefault,
} from './settingSchemas';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const HOURS_PER_YEAR = 365 * 24;

/**
 * Every variable the sync-server reads, its default and what it must look like (the README's
 * table says what each means). The description of each is the phrase its refusal uses:
 * "PORT must be <description>, got …".
 */
export const environmentFields = {
  PORT: withDefault(wholeNumber(0, 65_535), 8080, 'an integer between 0 and 65535 (0 picks a free port)'),
  HOST: withDefault(listenHost, '127.0.0.1', 'an IP address or host name to listen on, such as 127.0.0.1 or 0.0.0.0'),
  DATA_DIR: withDefault(pathText, 'data', 'a directory path without control characters or surrounding spaces'),
  COUCHDB_URL: optionalSetting(couchUrl, 'an http:// or https:// URL of Apache CouchDB without query or fragment, such as http://admin:pw@127.0.0.1:5984'),
  STATIC_DIR: withDefault(pathText, 'dist/app', 'a directory path without control characters or surrounding spaces'),
  DB_PREFIX: withDefault(
    z.string().max(64).regex(/^[a-z][a-z0-9_$()+/-]*$/),
    'sealctl_',
    'a valid CouchDB database name prefix (a lowercase letter, then lowercase letters, digits or _$()+/-, at most 64 characters)',
  ),
  RP_ID: withDefault(domainName, 'localhost', 'a domain name (not an IP address) in lowercase, such as seal.example.com or localhost'),
  RP_NAME: withDefault(displayText(64), 'Seal Control 印章管控', 'a name of at most 64 characters without control characters or surrounding spaces'),
  ORIGINS: optionalSetting(z.string(), 'comma-separated origins'),
  ORIGIN: optionalSetting(z.string(), 'an origin'),
  ORG_KEY_PATH: optionalSetting(pathText, 'a file path without control characters or surrounding spaces'),
  ORG_CA_PATH: optionalSetting(pathText, 'a file path without control characters or surrounding spaces'),
  STORE_MAC_KEY_PATH: optionalSetting(pathText, 'a file path without control characters or surrounding spaces'),
  SESSION_IDLE_MINUTES: withDefault(positiveDecimal(HOURS_PER_YEAR * 60), 12 * 60, `a positive number of minutes, at most ${HOURS_PER_YEAR * 60} (a year)`),
  SESSION_MAX_HOURS: withDefault(positiveDecimal(HOURS_PER_YEAR), 7 * 24, `a positive number of hours, at most ${HOURS_PER_YEAR} (a year)`),
  INVITATION_TTL_HOURS: withDefault(positiveDecimal(HOURS_PER_YEAR), 72, `a positive number of hours, at most ${HOURS_PER_YEAR} (a year)`),
  CHALLENGE_TTL_SECONDS: withDefault(positiveDecimal(3600), 300, 'a positive number of seconds, at most 3600 (an hour)'),
  STORE_ANSWER_SECONDS: withDefault(positiveDecimal(3600), 30, 'a positive number of seconds, at most 3600 (an hour)'),
  REQUEST_SECONDS: withDefault(positiveDecimal(6 * 3600).pipe(z.number().min(1)), 3600, 'a number of seconds from 1 to 21600 (6 hours)'),
  IDLE_SECONDS: withDefault(positiveDecimal(3600).pipe(z.number().min(1)), 300, 'a number of seconds from 1 to 3600 (an hour)'),
  AUTH_RATE_LIMIT: withDefault(wholeNumber(1, 1_000_000), 30, 'a whole number of requests per minute from 1 to 1000000'),
  PULL_SCAN_LIMIT: withDefault(wholeNumber(1, 10_000_000), 20_000, 'a whole number of changes from 1 to 10000000'),
  PULL_STALE_INDEX_FROM: withDefault(wholeNumber(0, 50_000), 1_000, 'a whole number of changes from 0 to 50000'),
  WEBHOOK_KEY_PATH: optionalSetting(pathText, 'a file path without control characters or surrounding spaces'),
  ELECTRONIC_SIGNING: withDefault(z.enum(['true', 'false']).transform((text) => text === 'true'), true, 'true or false'),
  WEBHOOK_ALLOW_PRIVATE: withDefault(z.enum(['true', 'false']).transform((text) => text === 'true'), false, 'true or false'),
  WEBHOOK_RETRY_BASE_MS: withDefault(wholeNumber(1, 3_600_000), 30_000, 'a whole number of milliseconds from 1 to 3600000'),
  WEBHOOK_MAX_ATTEMPTS: withDefault(wholeNumber(1, 20), 8, 'a whole number of attempts from 1 to 20'),
  LOG_LEVEL: optionalSetting(z.enum(LOG_LEVELS), `one of ${LOG_LEVELS.join(', ')} (or unset: no request log)`),
} as const;

export type EnvironmentVariable = keyof typeof environmentFields;

type Settings = z.output<z.ZodObject<typeof environmentFields>>;

/** True when `inner` is `outer` or lies below it. */
const within = (outer: string, inner: string): boolean => {
  const path = relative(outer, inner);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
};

/** Settings that are each fine but wrong together, or that need others to be judged. */
function combine(settings: Settings, cwd: string, problem: (variable: EnvironmentVariable, found: SettingProblem) => void) {
  const dataDir = resolve(cwd, settings.DATA_DIR);
  const staticDir = resolve(cwd, settings.STATIC_DIR);
  const orgKeyPath = resolve(cwd, settings.ORG_KEY_PATH ?? resolve(dataDir, 'org-key.pem'));
  const orgCaPath = resolve(cwd, settings.ORG_CA_PATH ?? resolve(dataDir, 'org-ca.pem'));
  const storeMacKeyPath = resolve(cwd, settings.STORE_MAC_KEY_PATH ?? resolve(dataDir, 'store-mac.key'));
  const webhookKeyPath = resolve(cwd, settings.WEBHOOK_KEY_PATH ?? resolve(dataDir, 'webhook-secrets.key'));
  const originsVariable = settings.ORIGINS !== undefined || settings.ORIGIN === undefined ? 'ORIGINS' : 'ORIGIN';
  const origins = parseOrigins(settings.ORIGINS ?? settings.ORIGIN ?? `http://localhost:${settings.PORT}`, settings.RP_ID);
  let sound = true;
  const refuse = (variable: EnvironmentVariable, found: SettingProblem): void => {
    sound = false;
    problem(variable, found);
  };
  if (!origins.ok) refuse(originsVariable, origins.problem);
  // Everything under STATIC_DIR is served to anyone who asks: keys and the store credential must
  // not be there (STATIC_DIR=. with the default DATA_DIR would publish the organisation key).
  const secrets = [['DATA_DIR', dataDir], ['ORG_KEY_PATH', orgKeyPath], ['ORG_CA_PATH', orgCaPath], ['STORE_MAC_KEY_PATH', storeMacKeyPath], ['WEBHOOK_KEY_PATH', webhookKeyPath]] as const;
  const exposed = secrets.find(([, path]) => within(staticDir, path));
  if (exposed) {
    refuse('STATIC_DIR', { expected: `a directory that does not hold ${exposed[0]} (${exposed[1]}): everything in it is served to anyone`, arrived: settings.STATIC_DIR });
  }
  if (orgKeyPath === storeMacKeyPath) {
    refuse('STORE_MAC_KEY_PATH', { expected: 'a file other than ORG_KEY_PATH (the two keys are different secrets)', arrived: settings.STORE_MAC_KEY_PATH ?? storeMacKeyPath });
  }
  if (orgCaPath === orgKeyPath || orgCaPath === storeMacKeyPath) {
    refuse('ORG_CA_PATH', { expected: 'a file of its own, other than ORG_KEY_PATH and STORE_MAC_KEY_PATH (the CA key is a different secret)', arrived: settings.ORG_CA_PATH ?? orgCaPath });
  }
  if (!sound || !origins.ok) return undefined;
  return {
    port: settings.PORT,
    host: settings.HOST,
    dataDir,
    couchUrl: settings.COUCHDB_URL,
    staticDir,
    dbPrefix: settings.DB_PREFIX,
    rpId: settings.RP_ID,
    rpName: settings.RP_NAME,
    origins: origins.origins,
    orgKeyPath,
    orgCaPath,
    storeMacKeyPath,
    sessionIdleMs: Math.round(settings.SESSION_IDLE_MINUTES * MINUTE_MS),
    sessionMaxMs: Math.round(settings.SESSION_MAX_HOURS * HOUR_MS),
    invitationTtlMs: Math.round(settings.INVITATION_TTL_HOURS * HOUR_MS),
    challengeTtlMs: Math.round(settings.CHALLENGE_TTL_SECONDS * 1000),
    storeAnswerMs: Math.round(settings.STORE_ANSWER_SECONDS * 1000),
    requestMs: Math.round(settings.REQUEST_SECONDS * 1000),
    idleMs: Math.round(settings.IDLE_SECONDS * 1000),
    authRateLimitPerMinute: settings.AUTH_RATE_LIMIT,
    pullScanLimit: settings.PULL_SCAN_LIMIT,
    pullStaleIndexFrom: settings.PULL_STALE_INDEX_FROM,
    electronicSigning: settings.ELECTRONIC_SIGNING,
    webhooks: {
      keyPath: webhookKeyPath,
      allowPrivateAddresses: settings.WEBHOOK_ALLOW_PRIVATE,
      retryBaseMs: settings.WEBHOOK_RETRY_BASE_MS,
      maxAttempts: settings.WEBHOOK_MAX_ATTEMPTS,
    },
    logLevel: settings.LOG_LEVEL,
  };
}

/**
 * The environment as a zod schema: each variable checked on its own, then together, into what
 * config.ts declares as `ServerConfig` (not imported here: config.ts imports this file). A
 * problem found together is a custom issue on the variable to change, carrying `{ arrived }` in
 * its params and the expected phrase as its message.
 */
export const environmentSchema = (cwd: string) =>
  z.object(environmentFields).transform((settings, ctx) => {
    const config = combine(settings, cwd, (variable, found) =>
      ctx.addIssue({ code: 'custom', path: [variable], message: found.expected, params: { arrived: found.arrived } }));
    return config ?? z.NEVER;
  });
