import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { lockDataDir } from './dataDirLock';
import { carriesCredential, loadOrCreateStoreCredential, urlWithCredential, type StoreCredential } from './storeCredential';

const require = createRequire(import.meta.url);

/** A running embedded CouchDB-compatible store. */
export interface EmbeddedStore {
  /** Base URL on loopback with the store credential in it, to hand to nano as one would COUCHDB_URL. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, without credentials: what any local process can find. */
  readonly address: string;
  close(): Promise<void>;
}

/** Where the embedded store's credential lives inside the data directory. */
const storeCredentialPath = (dataDir: string): string => join(dataDir, 'store-credential.json');

/**
 * Parts of express-pouchdb the sync-server never uses and that must not exist on a store holding
 * passkeys and sessions: the admin UI (`_utils`), the configuration (with the cookie secret),
 * the log, replication (which could copy the store anywhere), and the rest of the CouchDB
 * surface beyond documents, views and changes. Its own user model (`_users`, `_session`, cookie
 * and basic-auth logins, per-database authorisation) goes too: the credential check in front is
 * the only gate, and express-pouchdb's basic-auth login would cost a pbkdf2 and a `_users` read on
 * every request behind it while deciding nothing more.
 */
const UNUSED_PARTS = [
  'routes/authentication', 'routes/authorization', 'routes/session', 'routes/session-stub',
  'routes/fauxton', 'routes/config', 'routes/log', 'routes/replicate', 'replicator', 'routes/active-tasks',
  'routes/db-updates', 'routes/stats', 'routes/special-test-auth', 'routes/vhosts', 'routes/cluster',
  'routes/cluster-rewrite', 'routes/rewrite', 'routes/show', 'routes/list', 'routes/update', 'routes/temp-views',
  // Its only client is the sync-server on loopback: gzip there costs both sides CPU on every
  // answer (an attachment chunk read back, a pull's page of rows) and saves no time at all.
  'compression',
  // A database's `disk_size`, which nothing here reads: every `info()` walked the database's
  // folder with a stat per file — and the validation plugin asks `info()` once per document
  // written (for a user context), so a push of 500 rows walked it 500 times.
  'disk-size',
  // Per-database security objects: read (a `_local/_security` document) on every request to a
  // database, for checks that pass the store's administrator — the only caller behind the
  // credential check — without looking at them.
  'routes/security',
];

/** What every request without the credential gets, before any express-pouchdb handler runs. */
function refuse(response: ServerResponse): void {
  const body = JSON.stringify({ error: 'unauthorized', reason: 'This store answers only the sync-server (HTTP Basic authentication required)' });
  response.writeHead(401, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'www-authenticate': 'Basic realm="sealctl-store"',
    // The request body (if any) is never read: end the connection rather than parse what follows.
    connection: 'close',
  });
  response.end(body);
}

/**
 * Starts express-pouchdb (PouchDB on LevelDB, on local disk) on a random loopback port, behind a
 * check that lets through only requests carrying the store credential (generated on first start
 * into `DATA_DIR/store-credential.json`, mode 0600).
 *
 * It speaks CouchDB's HTTP API, so the rest of the server uses it through nano exactly as it
 * would use Apache CouchDB: swapping in `COUCHDB_URL` changes no other code. The credential
 * check wraps the whole app, so no express-pouchdb handler ever sees a request without the
 * credential (some of them crash the process on an anonymous one; see docs/adr/004-store-access.md):
 * it is the store's `require_valid_user`, and there is no anonymous administrator behind it.
 *
 * A data directory another running process holds is refused, with one sentence saying so.
 */
export async function startEmbeddedStore(dataDir: string, log?: (line: string) => void): Promise<EmbeddedStore> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Before anything is written into the directory: another instance may be using it.
  const locked = await lockDataDir(dataDir);
  if (!locked.ok) throw new Error(locked.error.message);
  const lock = locked.value;
  try {
    return await startLocked(dataDir, log, () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startLocked(dataDir: string, log: ((line: string) => void) | undefined, unlock: () => Promise<void>): Promise<EmbeddedStore> {
  const dbDir = join(dataDir, 'couch');
  await mkdir(dbDir, { recursive: true, mode: 0o700 });
  const credential: StoreCredential = await loadOrCreateStoreCredential(storeCredentialPath(dataDir), log);
  const configPath = join(dataDir, 'couch-config.json');
  /* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- untyped CommonJS packages */
  const PouchDB = require('pouchdb-node');
  const expressPouchDB = require('express-pouchdb');
  const express = require('express');
  const OnDisk = PouchDB.defaults({ prefix: `${dbDir}/` });
  const app = express();
  // express-pouchdb writes its config and log files; keep them inside the data directory.
  app.use('/', expressPouchDB(OnDisk, {
    configPath,
    logPath: join(dataDir, 'couch-log.txt'),
    overrideMode: { exclude: UNUSED_PARTS },
  }));
  /* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
  const pouchApp = app as (request: IncomingMessage, response: ServerResponse) => void;
  const server: Server = createServer((request, response) => {
    if (!carriesCredential(request, credential)) return refuse(response);
    // Who is asking: the store's administrator, unnamed (a fresh object: express-pouchdb adds the
    // database's name to it) — the very context its validation plugin builds when told none, by
    // reading the database's `info()` for every document a request writes.
    (request as IncomingMessage & { couchSession?: unknown }).couchSession = { userCtx: { name: null, roles: ['_admin'] } };
    pouchApp(request, response);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const address = `http://127.0.0.1:${port}`;
  return {
    url: urlWithCredential(address, credential),
    address,
    close: async () => {
      await new Promise<void>((resolveClose, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolveClose()));
      });
      await unlock();
    },
  };
}
