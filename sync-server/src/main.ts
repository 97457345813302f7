import { mkdir } from 'node:fs/promises';
import { loadConfig } from './config';
import { startEmbeddedStore, type EmbeddedStore } from './couch/embeddedStore';
import { connectStore } from './couch/store';
import { buildServer } from './http/buildServer';

/** Logical databases; each is created (idempotently) at start. */
export const DATABASES = ['meta'] as const;

async function main(): Promise<void> {
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true });

  let embedded: EmbeddedStore | undefined;
  let storeUrl = config.couchUrl;
  if (!storeUrl) {
    embedded = await startEmbeddedStore(config.dataDir);
    storeUrl = embedded.url;
  }
  const store = connectStore(storeUrl, embedded ? 'embedded' : 'couchdb', config.dbPrefix);
  await store.ensureDatabases(DATABASES);

  const app = await buildServer({ config, store });
  const address = await app.listen({ port: config.port, host: config.host });
  const shownAddress = address.replace('127.0.0.1', 'localhost');
  console.log(`Seal Control sync-server listening on ${shownAddress}`);
  console.log(`  store: ${embedded ? `embedded (${config.dataDir})` : 'Apache CouchDB at COUCHDB_URL'}`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing connections and the store`);
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
