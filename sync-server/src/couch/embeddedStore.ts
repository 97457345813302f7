import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

/** A running embedded CouchDB-compatible store. */
export interface EmbeddedStore {
  /** Base URL on loopback, to hand to nano exactly as one would hand it Apache CouchDB's. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts express-pouchdb (PouchDB on LevelDB, on local disk) on a random loopback port.
 *
 * It speaks CouchDB's HTTP API, so the rest of the server uses it through nano exactly as it
 * would use Apache CouchDB: swapping in `COUCHDB_URL` changes no other code. It listens on
 * 127.0.0.1 only and is never exposed: clients reach data through the sync-server's validated
 * endpoints, never through the store's own API.
 */
export async function startEmbeddedStore(dataDir: string): Promise<EmbeddedStore> {
  const dbDir = join(dataDir, 'couch');
  await mkdir(dbDir, { recursive: true });
  /* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- untyped CommonJS packages */
  const PouchDB = require('pouchdb-node');
  const expressPouchDB = require('express-pouchdb');
  const express = require('express');
  const OnDisk = PouchDB.defaults({ prefix: `${dbDir}/` });
  const app = express();
  // express-pouchdb writes its config and log files; keep them inside the data directory.
  app.use('/', expressPouchDB(OnDisk, {
    configPath: join(dataDir, 'couch-config.json'),
    logPath: join(dataDir, 'couch-log.txt'),
  }));
  /* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
  const server: Server = createServer(app as Parameters<typeof createServer>[1]);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolveClose()));
      }),
  };
}
