import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { loadConfig, type ServerConfig } from './config';
import { startEmbeddedStore, type EmbeddedStore } from './couch/embeddedStore';
import { connectStore } from './couch/store';
import { loadOrCreateStoreMac } from './couch/storeMac';
import { anonymousAccess, openStoreMessage } from './couch/anonymousAccess';
import { DATABASES, openRepositories, prepareStore } from './couch/repositories';
import { ATTACHMENTS_DESIGN, ATTACHMENTS_VIEW, SCOPE_DESIGN, SCOPE_VIEW } from './couch/syncDatabases';
import { loadOrCreateOrgKey } from './auth/orgKey';
import { loadOrCreateOrgCa } from './auth/orgCa';
import { prepareSetup, setupBanner, sweepExpired } from './auth/bootstrap';
import { buildServer } from './http/buildServer';

export { DATABASES };

const SWEEP_EVERY_MS = 10 * 60_000;

/** A free TCP port, so that PORT=0 still gives WebAuthn a definite origin to expect. */
function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function main(): Promise<void> {
  let config: ServerConfig = loadConfig();
  if (config.port === 0) config = loadConfig({ ...process.env, PORT: String(await freePort(config.host)) });
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const log = (line: string): void => console.log(line);

  let embedded: EmbeddedStore | undefined;
  let storeUrl = config.couchUrl;
  if (!storeUrl) {
    // First: it refuses a data directory another instance holds, before anything is written there.
    embedded = await startEmbeddedStore(config.dataDir, log, (error) => {
      // Without its store the server can only fail every request: it stops, to be restarted.
      console.error('The embedded store stopped:', error.stack ?? error.message);
      process.exit(1);
    });
    storeUrl = embedded.url;
  }
  const mac = await loadOrCreateStoreMac(config.storeMacKeyPath, log);
  // Nothing but this server may reach the store: refuse to run on one that answers anyone else
  // (Apache CouchDB left open; and the embedded store's own lock, checked as a client would).
  const doors = await anonymousAccess(storeUrl, `${config.dbPrefix}meta`, config.storeAnswerMs);
  if (doors.length > 0) {
    await embedded?.close();
    throw new Error(openStoreMessage(doors, embedded ? 'the embedded store' : undefined));
  }
  const store = connectStore(storeUrl, embedded ? 'embedded' : 'couchdb', config.dbPrefix, mac);
  await prepareStore(store);
  const orgKey = await loadOrCreateOrgKey(config.orgKeyPath, log);
  // The organisation CA (ADR 008) is made on first start, like the organisation key.
  await loadOrCreateOrgCa(config.orgCaPath ?? join(config.dataDir, 'org-ca.pem'), config.rpName, Date.now(), log);
  const repos = openRepositories(store, Date.now);
  const setup = await prepareSetup(repos, Date.now());

  const app = await buildServer({ config, store, orgKey });
  const address = await app.listen({ port: config.port, host: config.host });
  const shownAddress = address.replace('127.0.0.1', 'localhost');
  console.log(`Seal Control sync-server listening on ${shownAddress}`);
  console.log(`  store: ${embedded ? `embedded at ${embedded.address} (${config.dataDir}; credential in store-credential.json)` : 'Apache CouchDB at COUCHDB_URL'}`);
  console.log(`  passkeys: RP ID "${config.rpId}", origins ${config.origins.join(', ')}; org key ${orgKey.keyId}`);
  if (setup.state === 'pending') console.log(setupBanner(setup.code, config.origins[0]!));
  // The scope index (ADR 010) is brought up to date now, in the background, rather than by the
  // first fresh replica's pull after a deploy or a restart (a large store's rows written since);
  // then the attachments index, rather than by the first /verify or HQ scan that looks up a
  // stamp's photo (a deploy that adds it indexes every row once: ~12 s at 20,000 rows).
  const rowsDb = store.couch.use(store.dbName('rows'));
  const warm = (name: string, read: () => Promise<unknown>, firstUser: string) => {
    const warming = performance.now();
    return read().then(
      () => console.log(`  ${name} up to date (${((performance.now() - warming) / 1000).toFixed(1)} s)`),
      (err: unknown) => console.warn(`Bringing the ${name} up to date failed (${firstUser} will):`, err),
    );
  };
  void warm('scope index', () => rowsDb.view(SCOPE_DESIGN, SCOPE_VIEW, { limit: 0, reduce: false }), 'the first pull')
    .then(() => warm('attachments index', () => rowsDb.view(ATTACHMENTS_DESIGN, ATTACHMENTS_VIEW, { limit: 0 }), 'the first photo lookup'));

  const sweeper = setInterval(() => {
    sweepExpired(repos, Date.now()).catch((err: unknown) => console.error('Sweeping expired sessions failed:', err));
  }, SWEEP_EVERY_MS);
  sweeper.unref();

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing connections and the store`);
    clearInterval(sweeper);
    try {
      await app.close();
      await embedded?.close();
      process.exit(0);
    } catch (err) {
      console.error('Unclean shutdown:', err);
      process.exit(1);
    }
  };
  // `on`, not `once`: a second signal (Ctrl-C in a terminal reaches npm and us both) must not
  // fall through to Node's default handler and kill the process mid-shutdown.
  process.on('SIGINT', (s) => void stop(s));
  process.on('SIGTERM', (s) => void stop(s));
}

main().catch((err: unknown) => {
  console.error('sync-server failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
