/**
 * The embedded store's own thread (see `startEmbeddedStore`): express-pouchdb (PouchDB on LevelDB)
 * behind the credential check, on a loopback port, answering the parent with that port. Its
 * documents, views and validation run here, beside the sync-server's thread rather than on it, as
 * Apache CouchDB would run in a process of its own.
 */
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { carriesCredential, type StoreCredential } from './storeCredential';
import type { StoreThreadAnswer, StoreThreadData } from './embeddedStore';

const require = createRequire(import.meta.url);
const { dbDir, configPath, credential, unusedParts } = workerData as StoreThreadData & { credential: StoreCredential };

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

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- untyped CommonJS packages */
const PouchDB = require('pouchdb-node');
const expressPouchDB = require('express-pouchdb');
const express = require('express');
// Revision ids are random. PouchDB's default (since 7.2, like CouchDB's) is the MD5 of the
// document: nothing here compares two stores' revisions, and hashing every document written was
// ~1 s of this thread in a catch-up's photos (each chunk ~270 KB of JSON). See ADR 002.
const OnDisk = PouchDB.defaults({ prefix: `${dbDir}/`, deterministic_revs: false });
const app = express();
// express-pouchdb writes its config file; keep it inside the data directory.
app.use('/', expressPouchDB(OnDisk, { configPath, overrideMode: { exclude: unusedParts } }));
/* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
const pouchApp = app as (request: IncomingMessage, response: ServerResponse) => void;

const server = createServer((request, response) => {
  if (!carriesCredential(request, credential)) return refuse(response);
  // Who is asking: the store's administrator, unnamed (a fresh object: express-pouchdb adds the
  // database's name to it) — the very context its validation plugin builds when told none, by
  // reading the database's `info()` for every document a request writes.
  (request as IncomingMessage & { couchSession?: unknown }).couchSession = { userCtx: { name: null, roles: ['_admin'] } };
  pouchApp(request, response);
});
const answer = (message: StoreThreadAnswer) => parentPort!.postMessage(message);
server.once('error', (error) => answer({ kind: 'failed', message: error.message }));
server.listen(0, '127.0.0.1', () => answer({ kind: 'listening', port: (server.address() as AddressInfo).port }));

parentPort!.on('message', (message: { kind: 'close' }) => {
  if (message.kind !== 'close') return;
  server.closeAllConnections();
  server.close(() => answer({ kind: 'closed' }));
});
