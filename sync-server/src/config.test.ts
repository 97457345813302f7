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
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(new ConfigError('PORT must be an integer between 0 and 65535, got "eighty"'));
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
  });
});
