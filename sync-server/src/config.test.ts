import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults fit `npm start`: port 8080 on loopback, embedded store in ./data', () => {
    const config = loadConfig({}, '/srv/seal');
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: '/srv/seal/data', couchUrl: undefined });
  });

  it('reads PORT, DATA_DIR and COUCHDB_URL', () => {
    const config = loadConfig({ PORT: '9000', DATA_DIR: '/var/lib/seal', COUCHDB_URL: 'http://127.0.0.1:5984' }, '/x');
    expect(config).toMatchObject({ port: 9000, dataDir: '/var/lib/seal', couchUrl: 'http://127.0.0.1:5984' });
  });

  it('refuses a PORT that is not a port number, saying what it got', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(new ConfigError('PORT must be an integer between 0 and 65535 (0 picks a free port), got "eighty"'));
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
  });
});

describe('loadConfig: WebAuthn relying party and sessions', () => {
  it('defaults RP_ID to localhost and the origin to http://localhost:PORT', () => {
    expect(loadConfig({ PORT: '9000' }, '/x')).toMatchObject({ rpId: 'localhost', origins: ['http://localhost:9000'] });
  });

  it('reads a comma-separated ORIGINS list (first is canonical), or a single ORIGIN', () => {
    const config = loadConfig({ RP_ID: 'seal.example.cn', ORIGINS: 'https://seal.example.cn, https://hq.seal.example.cn:8443' });
    expect(config.origins).toEqual(['https://seal.example.cn', 'https://hq.seal.example.cn:8443']);
    expect(loadConfig({ RP_ID: 'example.cn', ORIGIN: 'https://example.cn' }).origins).toEqual(['https://example.cn']);
  });

  it('refuses an origin outside the RP ID, one with a path, and an IP address as RP ID', () => {
    expect(() => loadConfig({ RP_ID: 'example.cn', ORIGINS: 'https://evil.com' })).toThrow('ORIGINS must be origins within RP_ID "example.cn" (passkeys would never work elsewhere), got "https://evil.com"');
    expect(() => loadConfig({ ORIGINS: 'http://localhost:8080/app' })).toThrow(/bare origin/);
    expect(() => loadConfig({ ORIGINS: 'ftp://localhost' })).toThrow(ConfigError);
    expect(() => loadConfig({ RP_ID: '127.0.0.1' })).toThrow(/not an IP address/);
  });

  it('keeps the org key in the data directory unless ORG_KEY_PATH says otherwise', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/seal' }).orgKeyPath).toBe('/var/lib/seal/org-key.pem');
    expect(loadConfig({ ORG_KEY_PATH: 'secrets/org.pem' }, '/srv').orgKeyPath).toBe('/srv/secrets/org.pem');
  });

  it('keeps the store MAC key in the data directory unless STORE_MAC_KEY_PATH says otherwise (instances share it)', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/seal' }).storeMacKeyPath).toBe('/var/lib/seal/store-mac.key');
    expect(loadConfig({ STORE_MAC_KEY_PATH: 'secrets/mac.key' }, '/srv').storeMacKeyPath).toBe('/srv/secrets/mac.key');
  });

  it('reads session, invitation, challenge and rate-limit settings, refusing nonsense', () => {
    const config = loadConfig({ SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '24', INVITATION_TTL_HOURS: '48', CHALLENGE_TTL_SECONDS: '120', AUTH_RATE_LIMIT: '10', STORE_ANSWER_SECONDS: '2.5' });
    expect(config).toMatchObject({ sessionIdleMs: 1_800_000, sessionMaxMs: 86_400_000, invitationTtlMs: 172_800_000, challengeTtlMs: 120_000, authRateLimitPerMinute: 10, storeAnswerMs: 2_500 });
    for (const nonsense of ['0', '-1', 'soon', '3601']) expect(() => loadConfig({ STORE_ANSWER_SECONDS: nonsense }), nonsense).toThrow(/STORE_ANSWER_SECONDS/);
    expect(loadConfig({})).toMatchObject({ sessionIdleMs: 12 * 3_600_000, invitationTtlMs: 72 * 3_600_000 });
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '-1' })).toThrow(new ConfigError('SESSION_IDLE_MINUTES must be a positive number of minutes, at most 525600 (a year), got "-1"'));
  });
});
