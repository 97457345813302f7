/**
 * The environment as an attacker or a tired operator writes it: every value that is not plainly
 * what the README's table documents is refused at start, with one sentence per variable naming it,
 * what it must be and what arrived.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

/** The sentences a refused environment produced (one per line), or a failure if it was accepted. */
function refusal(env: NodeJS.ProcessEnv, cwd = '/srv/seal'): string[] {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

/** Exactly one sentence, naming `variable` first and quoting what arrived. */
function expectOneSentence(env: NodeJS.ProcessEnv, variable: string, arrived: string): string {
  const sentences = refusal(env);
  expect(sentences).toHaveLength(1);
  expect(sentences[0]).toMatch(new RegExp(`^${variable} must be [^\\n]+, got `));
  expect(sentences[0]!.endsWith(`got ${JSON.stringify(arrived)}`)).toBe(true);
  return sentences[0]!;
}

describe('loadConfig refuses numbers that are not written plainly', () => {
  // Number() reads all of these as numbers: ' 80' is 80, '0x50' is 80, '1e3' is 1000, '-0' is 0.
  it.each([' 80', '80 ', '0x50', '1e3', '80.0', '-0', '+80', '-1', 'NaN', 'Infinity', '65536', '9'.repeat(17)])('PORT=%j', (value) => {
    expectOneSentence({ PORT: value }, 'PORT', value);
  });

  const durations = ['SESSION_IDLE_MINUTES', 'SESSION_MAX_HOURS', 'INVITATION_TTL_HOURS', 'CHALLENGE_TTL_SECONDS'];
  it.each(durations.flatMap((name) => ['0', '-5', 'NaN', 'Infinity', '-Infinity', '1e308', '1e3', ' 5', '5m', '0x10', '.5', '99999999'].map((value) => [name, value])))(
    '%s=%j',
    (name, value) => {
      expectOneSentence({ [name]: value }, name, value);
    },
  );

  it('refuses durations past their cap (a session that never ends is not a setting)', () => {
    expectOneSentence({ SESSION_IDLE_MINUTES: '525601' }, 'SESSION_IDLE_MINUTES', '525601');
    expectOneSentence({ SESSION_MAX_HOURS: '8761' }, 'SESSION_MAX_HOURS', '8761');
    expectOneSentence({ INVITATION_TTL_HOURS: '100000' }, 'INVITATION_TTL_HOURS', '100000');
    expectOneSentence({ CHALLENGE_TTL_SECONDS: '3601' }, 'CHALLENGE_TTL_SECONDS', '3601');
  });

  it('keeps fractions where a fraction is a fair duration', () => {
    expect(loadConfig({ INVITATION_TTL_HOURS: '0.5', SESSION_IDLE_MINUTES: '7.5' })).toMatchObject({ invitationTtlMs: 1_800_000, sessionIdleMs: 450_000 });
  });

  it.each([['AUTH_RATE_LIMIT', '0.5'], ['AUTH_RATE_LIMIT', '0'], ['AUTH_RATE_LIMIT', '1000001'], ['PULL_SCAN_LIMIT', '2.5'], ['PULL_SCAN_LIMIT', '0'], ['PULL_SCAN_LIMIT', '-20000'], ['PULL_SCAN_LIMIT', '20,000']])(
    'counts are whole numbers in range: %s=%j',
    (name, value) => {
      expectOneSentence({ [name]: value }, name, value);
    },
  );
});

describe('loadConfig: an empty variable means its default, never "here" or "nothing"', () => {
  it('DATA_DIR= and STATIC_DIR= are the defaults, not the working directory (which would be served)', () => {
    expect(loadConfig({ DATA_DIR: '', STATIC_DIR: '' }, '/srv/seal')).toMatchObject({ dataDir: '/srv/seal/data', staticDir: '/srv/seal/dist/app' });
  });

  it('HOST=, DB_PREFIX=, PORT=, RP_ID=, ORIGINS= are the defaults', () => {
    expect(loadConfig({ HOST: '', DB_PREFIX: '', PORT: '', RP_ID: '', ORIGINS: '', ORIGIN: '' }, '/x')).toMatchObject({
      host: '127.0.0.1', dbPrefix: 'sealctl_', port: 8080, rpId: 'localhost', origins: ['http://localhost:8080'],
    });
  });

  it('the defaults are the README table, exactly', () => {
    expect(loadConfig({}, '/srv/seal')).toEqual({
      port: 8080, host: '127.0.0.1', dataDir: '/srv/seal/data', couchUrl: undefined, staticDir: '/srv/seal/dist/app', dbPrefix: 'sealctl_',
      rpId: 'localhost', rpName: 'Seal Control 印章管控', origins: ['http://localhost:8080'],
      orgKeyPath: '/srv/seal/data/org-key.pem', orgCaPath: '/srv/seal/data/org-ca.pem', storeMacKeyPath: '/srv/seal/data/store-mac.key',
      sessionIdleMs: 720 * 60_000, sessionMaxMs: 168 * 3_600_000, invitationTtlMs: 72 * 3_600_000, challengeTtlMs: 300_000, storeAnswerMs: 30_000,
      requestMs: 3_600_000, idleMs: 300_000, authRateLimitPerMinute: 30, pullScanLimit: 20_000, pullStaleIndexFrom: 1_000, electronicSigning: true, logLevel: undefined,
      webhooks: { keyPath: '/srv/seal/data/webhook-secrets.key', allowPrivateAddresses: false, retryBaseMs: 30_000, maxAttempts: 8 },
    });
  });
});

describe('loadConfig: the request timeouts cannot be switched off by a tiny value', () => {
  it('refuses REQUEST_SECONDS and IDLE_SECONDS under a second (0.0004 s would round to 0 ms: no limit at all), takes 1', () => {
    for (const variable of ['REQUEST_SECONDS', 'IDLE_SECONDS']) {
      for (const value of ['0.0004', '0.5', '0']) expectOneSentence({ [variable]: value }, variable, value);
    }
    expect(loadConfig({ REQUEST_SECONDS: '1', IDLE_SECONDS: '1' }, '/x')).toMatchObject({ requestMs: 1000, idleMs: 1000 });
  });
});

describe('loadConfig refuses paths that would publish secrets or mix them up', () => {
  it('refuses a STATIC_DIR that holds the data directory (the org key and store credential would be served)', () => {
    expect(expectOneSentence({ STATIC_DIR: '.' }, 'STATIC_DIR', '.')).toContain('DATA_DIR');
    expect(expectOneSentence({ STATIC_DIR: '/srv', DATA_DIR: '/srv/seal/data' }, 'STATIC_DIR', '/srv')).toContain('DATA_DIR');
    expectOneSentence({ STATIC_DIR: '/var/lib/seal', DATA_DIR: '/var/lib/seal' }, 'STATIC_DIR', '/var/lib/seal');
  });

  it('refuses a STATIC_DIR that holds a key kept outside the data directory', () => {
    expect(expectOneSentence({ STATIC_DIR: '/srv/www', ORG_KEY_PATH: '/srv/www/keys/org.pem' }, 'STATIC_DIR', '/srv/www')).toContain('ORG_KEY_PATH');
    expect(expectOneSentence({ STATIC_DIR: '/srv/www', STORE_MAC_KEY_PATH: '/srv/www/mac.key' }, 'STATIC_DIR', '/srv/www')).toContain('STORE_MAC_KEY_PATH');
    expect(expectOneSentence({ STATIC_DIR: '/srv/www', ORG_CA_PATH: '/srv/www/ca.pem' }, 'STATIC_DIR', '/srv/www')).toContain('ORG_CA_PATH');
  });

  it('keeps a STATIC_DIR beside or below the data directory', () => {
    expect(loadConfig({ STATIC_DIR: '/srv/seal/data/no-app', DATA_DIR: '/srv/seal/data' }).staticDir).toBe('/srv/seal/data/no-app');
    expect(loadConfig({ STATIC_DIR: '/srv/app', DATA_DIR: '/srv/application-data' }).staticDir).toBe('/srv/app');
  });

  it('refuses one file for the organisation CA and another key', () => {
    expectOneSentence({ ORG_KEY_PATH: '/etc/seal/key', ORG_CA_PATH: '/etc/seal/key' }, 'ORG_CA_PATH', '/etc/seal/key');
    expectOneSentence({ STORE_MAC_KEY_PATH: '/etc/seal/mac', ORG_CA_PATH: '/etc/seal/mac' }, 'ORG_CA_PATH', '/etc/seal/mac');
  });

  it('refuses one file for both the organisation key and the store MAC key', () => {
    expectOneSentence({ ORG_KEY_PATH: '/etc/seal/key', STORE_MAC_KEY_PATH: '/etc/seal/key' }, 'STORE_MAC_KEY_PATH', '/etc/seal/key');
    expectOneSentence({ DATA_DIR: '/d', STORE_MAC_KEY_PATH: '/d/org-key.pem' }, 'STORE_MAC_KEY_PATH', '/d/org-key.pem');
  });

  it.each([['DATA_DIR', ' /srv/data'], ['DATA_DIR', '/srv/data\n'], ['STATIC_DIR', 'dist/app '], ['ORG_KEY_PATH', 'key\u0007.pem'], ['STORE_MAC_KEY_PATH', '\t']])(
    'refuses %s=%j (surrounding spaces, control characters)',
    (name, value) => {
      expectOneSentence({ [name]: value }, name, value);
    },
  );
});

describe('loadConfig refuses a store, a host or a name it cannot use', () => {
  it.each(['localhost:5984', '127.0.0.1:5984', 'ftp://127.0.0.1:5984', 'couchdb', 'http://', 'http://127.0.0.1:5984/?admin=1', 'http://127.0.0.1:5984/#x', ' http://127.0.0.1:5984'])(
    'COUCHDB_URL=%j',
    (value) => {
      expectOneSentence({ COUCHDB_URL: value }, 'COUCHDB_URL', value);
    },
  );

  it('never repeats the CouchDB password on the console', () => {
    const [sentence] = refusal({ COUCHDB_URL: 'ftp://admin:s3cret-pw@db.internal:5984' });
    expect(sentence).toMatch(/^COUCHDB_URL must be /);
    expect(sentence).not.toContain('s3cret-pw');
    expect(sentence).toContain('db.internal');
    const [origin] = refusal({ RP_ID: 'seal.example.cn', ORIGINS: 'https://user:0rigin-pw@seal.example.cn' });
    expect(origin).toMatch(/^ORIGINS must be /);
    expect(origin).not.toContain('0rigin-pw');
  });

  it('accepts a CouchDB behind a path, with credentials', () => {
    expect(loadConfig({ COUCHDB_URL: 'https://sealctl:pw@db.example.cn/couch' }).couchUrl).toBe('https://sealctl:pw@db.example.cn/couch');
  });

  it.each(['not a host!', 'host name', '256.1.1.1', '-bad-.example', 'a..b', 'under_score'])('HOST=%j', (value) => {
    expectOneSentence({ HOST: value }, 'HOST', value);
  });

  it('listens on IPv4, IPv6 and names', () => {
    for (const host of ['0.0.0.0', '::', '::1', '192.168.1.20', 'seal-server.local']) expect(loadConfig({ HOST: host }).host).toBe(host);
  });

  it.each(['Sealctl_', '_sealctl', '1sealctl', 'seal ctl', 'seal.ctl', 'a'.repeat(65)])('DB_PREFIX=%j', (value) => {
    expectOneSentence({ DB_PREFIX: value }, 'DB_PREFIX', value);
  });

  it('refuses a RP_NAME an authenticator would cut or show garbled', () => {
    expectOneSentence({ RP_NAME: 'x'.repeat(65) }, 'RP_NAME', 'x'.repeat(65));
    expectOneSentence({ RP_NAME: 'Seal\nControl' }, 'RP_NAME', 'Seal\nControl');
    expect(loadConfig({ RP_NAME: '某某集团 印章管控' }).rpName).toBe('某某集团 印章管控');
  });

  it('refuses a LOG_LEVEL fastify does not know (it would throw a stack trace after the store started)', () => {
    expectOneSentence({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', 'verbose');
    expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });
});

describe('loadConfig: relying party and origins', () => {
  it.each([
    [{ RP_ID: 'cn.', ORIGINS: 'https://seal.cn.' }, 'RP_ID', 'cn.'],
    [{ RP_ID: '.' }, 'RP_ID', '.'],
    [{ RP_ID: 'seal..example.cn' }, 'RP_ID', 'seal..example.cn'],
    [{ RP_ID: 'Seal.Example.CN', ORIGINS: 'https://seal.example.cn' }, 'RP_ID', 'Seal.Example.CN'],
    [{ RP_ID: '-seal.example.cn' }, 'RP_ID', '-seal.example.cn'],
    [{ RP_ID: `${'a'.repeat(64)}.cn` }, 'RP_ID', `${'a'.repeat(64)}.cn`],
    [{ RP_ID: '::1' }, 'RP_ID', '::1'],
    [{ RP_ID: '10.0.0.1' }, 'RP_ID', '10.0.0.1'],
  ])('refuses %j', (env, variable, arrived) => {
    expectOneSentence(env, variable, arrived);
  });

  it('refuses a list with no origin in it (the server would have no canonical origin)', () => {
    expectOneSentence({ ORIGINS: ',' }, 'ORIGINS', ',');
    expectOneSentence({ ORIGINS: ' , , ' }, 'ORIGINS', ' , , ');
  });

  it('names ORIGIN when ORIGIN is the variable at fault', () => {
    expectOneSentence({ ORIGIN: 'seal.example.cn' }, 'ORIGIN', 'seal.example.cn');
  });

  it('refuses plain http outside localhost: browsers never offer passkeys there', () => {
    expectOneSentence({ RP_ID: 'seal.example.cn', ORIGINS: 'http://seal.example.cn' }, 'ORIGINS', 'http://seal.example.cn');
    expectOneSentence({ RP_ID: 'example.cn', ORIGINS: 'https://example.cn,http://hq.example.cn' }, 'ORIGINS', 'http://hq.example.cn');
    expect(loadConfig({ ORIGINS: 'http://localhost:5173,https://localhost:8443' }).origins).toEqual(['http://localhost:5173', 'https://localhost:8443']);
  });

  it.each([
    'https://user@seal.example.cn', 'https://seal.example.cn:443', 'https://seal.example.cn?x', 'https://seal.example.cn#top',
    'https://seal.example.cn.evil.com', 'https://evilseal.example.cn', 'javascript:alert(1)', 'https://*.seal.example.cn',
  ])('refuses ORIGINS=%j for RP_ID seal.example.cn', (origin) => {
    expectOneSentence({ RP_ID: 'seal.example.cn', ORIGINS: origin }, 'ORIGINS', origin);
  });
});

describe('loadConfig: what arrives in a refusal', () => {
  it('says one sentence per variable at fault, each on its own line', () => {
    const sentences = refusal({ PORT: 'x', RP_ID: '1.2.3.4', SESSION_MAX_HOURS: '-1', COUCHDB_URL: 'db:5984' });
    expect(sentences.map((sentence) => sentence.split(' ')[0]).sort()).toEqual(['COUCHDB_URL', 'PORT', 'RP_ID', 'SESSION_MAX_HOURS']);
    for (const sentence of sentences) expect(sentence).toMatch(/^[A-Z_]+ must be [^\n]+, got "[^\n]*"$/);
  });

  it('cuts a huge value short rather than flooding the console', () => {
    const [sentence] = refusal({ DB_PREFIX: 'A'.repeat(100_000) });
    expect(sentence).toMatch(/^DB_PREFIX must be .+, got "A{80}…" \(100000 characters\)$/);
  });

  it('shows control characters escaped, so the console shows what arrived', () => {
    const [sentence] = refusal({ PORT: '80\u001b[2J' });
    expect(sentence).toContain('got "80\\u001b[2J"');
  });
});
