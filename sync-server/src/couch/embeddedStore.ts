import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './dataDirLock';
import { loadOrCreateStoreCredential, urlWithCredential, type StoreCredential } from './storeCredential';

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
  // Its access log: a line per request (two, with the headers — the store credential's among
  // them — at debug) formatted on the store's thread and appended to `couch-log.txt` for ever: an
  // eighth of that thread's time while a tablet sends photos, and a file that only grows. The
  // sync-server logs every request it answers, and the store's failures reach it as answers.
  // Nothing else that is left writes to that file, so the logger goes too: no file at all.
  'routes/http-log', 'logging-infrastructure',
];

/** What the store's thread is started with (and its credential). */
export interface StoreThreadData {
  readonly dbDir: string;
  readonly configPath: string;
  readonly unusedParts: readonly string[];
}

/** What the store's thread tells the sync-server's. */
export type StoreThreadAnswer =
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'closed' };

/**
 * Starts express-pouchdb (PouchDB on LevelDB, on local disk) on a random loopback port, on a
 * thread of its own (`embeddedStoreWorker.ts`: the store's work runs beside the server's, not on
 * its thread), behind a check that lets through only requests carrying the store credential
 * (generated on first start into `DATA_DIR/store-credential.json`, mode 0600). `onLost` hears of
 * the thread ending without `close` (an error express-pouchdb did not catch): the store is gone.
 *
 * It speaks CouchDB's HTTP API, so the rest of the server uses it through nano exactly as it
 * would use Apache CouchDB: swapping in `COUCHDB_URL` changes no other code. The credential
 * check wraps the whole app, so no express-pouchdb handler ever sees a request without the
 * credential (some of them crash on an anonymous one; see docs/adr/004-store-access.md):
 * it is the store's `require_valid_user`, and there is no anonymous administrator behind it.
 *
 * A data directory another running process holds is refused, with one sentence saying so.
 */
export async function startEmbeddedStore(dataDir: string, log?: (line: string) => void, onLost?: (error: Error) => void): Promise<EmbeddedStore> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Before anything is written into the directory: another instance may be using it.
  const locked = await lockDataDir(dataDir);
  if (!locked.ok) throw new Error(locked.error.message);
  const lock = locked.value;
  try {
    return await startLocked(dataDir, log, () => lock.release(), onLost);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startLocked(dataDir: string, log: ((line: string) => void) | undefined, unlock: () => Promise<void>, onLost?: (error: Error) => void): Promise<EmbeddedStore> {
  const dbDir = join(dataDir, 'couch');
  await mkdir(dbDir, { recursive: true, mode: 0o700 });
  const credential: StoreCredential = await loadOrCreateStoreCredential(storeCredentialPath(dataDir), log);
  // The access log the store kept before (stop 31): nothing writes it any more, and at debug it
  // held the store credential's header. Removed from a data directory that still has it.
  const oldLog = join(dataDir, 'couch-log.txt');
  if (await stat(oldLog).then(() => true, () => false)) {
    await rm(oldLog, { force: true });
    log?.(`Removed ${oldLog}: the store's old access log (the store keeps none now)`);
  }
  const data: StoreThreadData & { credential: StoreCredential } = {
    dbDir, configPath: join(dataDir, 'couch-config.json'), unusedParts: UNUSED_PARTS, credential,
  };
  const thread = new Worker(new URL('./embeddedStoreThread.mjs', import.meta.url), {
    workerData: { ...data, entry: new URL('./embeddedStoreWorker.ts', import.meta.url).href },
  });
  const answers: StoreThreadAnswer[] = [];
  let listening = false;
  let heard: (() => void) | undefined;
  let ended: Error | undefined;
  thread.on('message', (message: StoreThreadAnswer) => {
    answers.push(message);
    heard?.();
  });
  let closing = false;
  let closed: Promise<void> | undefined;
  const end = (error: Error) => {
    if (ended !== undefined) return;
    ended = error;
    heard?.();
    // Not asked to close: the store is gone under the server (an error its code did not catch).
    if (!closing && listening) onLost?.(error);
  };
  thread.on('error', end);
  thread.on('exit', (code) => end(new Error(`the embedded store's thread ended (exit code ${code})`)));
  const next = async (): Promise<StoreThreadAnswer> => {
    for (;;) {
      const answer = answers.shift();
      if (answer !== undefined) return answer;
      if (ended !== undefined) throw ended;
      await new Promise<void>((resolve) => (heard = resolve));
      heard = undefined;
    }
  };
  const first = await next().catch(async (error: unknown) => {
    await thread.terminate();
    throw error;
  });
  if (first.kind !== 'listening') {
    await thread.terminate();
    throw new Error(`the embedded store did not start: ${first.kind === 'failed' ? first.message : first.kind}`);
  }
  const { port } = first;
  listening = true;
  const address = `http://127.0.0.1:${port}`;
  return {
    url: urlWithCredential(address, credential),
    address,
    // Once, however often it is asked for (each caller waits for the same close).
    close: () => (closed ??= closeThread()),
  };

  /**
   * Asks the thread to close its server (connections ended, answers in flight sent), waiting at
   * most CLOSE_WAIT_MS for it: a thread stuck in a long computation is ended all the same. Ending
   * the thread closes its LevelDB handles with it; the data directory is let go last.
   */
  async function closeThread(): Promise<void> {
    closing = true;
    if (ended === undefined) {
      thread.postMessage({ kind: 'close' });
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([
        next().catch(() => undefined),
        new Promise<void>((resolve) => (waited = setTimeout(resolve, CLOSE_WAIT_MS))),
      ]);
      clearTimeout(waited);
    }
    await thread.terminate();
    await unlock();
  }
}

/** How long `close` waits for the store's thread to close its server before ending the thread. */
const CLOSE_WAIT_MS = 5_000;
